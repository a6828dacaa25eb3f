// @ts-check
// The style card text read as facts (table test), and the status words.

import assert from "node:assert/strict";
import { test } from "node:test";

import { cardState, parseStyleCard } from "../lib/card.js";

test("parseStyleCard reads the stand-in's card and refuses free text", () => {
  const card = parseStyleCard(
    "Palette: #FA8C1E 28%, #141414 15% · Proportions: 1.32 (wide) · Outline: dark, 4 px · " +
      "Shading: gradient",
  );
  assert.deepEqual(card, {
    palette: [
      { colour: "#fa8c1e", share: 0.28 },
      { colour: "#141414", share: 0.15 },
    ],
    proportions: 1.32,
    shape: "wide",
    outline: 4,
    shading: "gradient",
  });
  assert.equal(
    parseStyleCard("Palette: none · Proportions: 1.00 (even) · Outline: none").outline,
    0,
  );
  assert.equal(parseStyleCard("A round orange fox with a dark outline."), null);
  assert.equal(parseStyleCard(""), null);
});

test("cardState gives a short word and the explanation", () => {
  const cases = [
    [
      "ready: made from the current references",
      { state: "ready", label: "Ready", detail: "made from the current references" },
    ],
    [
      "not made yet: made from the references at the next generation",
      {
        state: "not made yet",
        label: "Not made yet",
        detail: "made from the references at the next generation",
      },
    ],
    [
      "cleared: re-extracted on the next generation",
      { state: "cleared", label: "Cleared", detail: "re-extracted on the next generation" },
    ],
    ["", { state: "none yet", label: "None yet", detail: "" }],
  ];
  for (const [status, expected] of cases) assert.deepEqual(cardState(String(status)), expected);
});
