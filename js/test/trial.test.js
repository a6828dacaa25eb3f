// @ts-check
// The gallery's "try before you pin" panel on a fake model: Try's reasons, both sides with
// their scores as labelled figures, and Try and Pin these asking which references to replace
// when all slots are used.

import assert from "node:assert/strict";
import { test } from "node:test";

import { scoreFigures, sideNotes, triedReplace } from "../gallery/trial.js";
import { render } from "../gallery/view.js";
import { mount, query, queryAll } from "./fake-model.js";
import { galleryState, picture } from "./gallery-state.js";

const candidate = { id: "c1", label: "blue.png", asset_id: "asset-new", ...picture };
const trial = {
  prompt: "waving",
  current: [],
  sides: {
    candidates: { previews: [picture], scores: { candidates: 91, current: 40 } },
    current: { previews: [picture], scores: { candidates: 38, current: 88 } },
  },
};

const visible = (el) => el !== null && !el.hidden;

test("Try says why it waits: a candidate, then a prompt", () => {
  const { model, el } = mount({ render }, galleryState(2));
  const button = query(el, ".masko-try");
  const reason = () => query(el, ".masko-trial .masko-reason").textContent;
  assert.equal(query(el, ".masko-trial").hasAttribute("open"), false);
  assert.equal(button.disabled, true);
  assert.equal(reason(), "Add a candidate first.");

  model.update({ trial_candidates: [candidate] });
  assert.equal(query(el, ".masko-trial").hasAttribute("open"), true);
  assert.equal(reason(), "Write a prompt to try them with.");
  const prompt = query(el, ".masko-trial-prompt");
  prompt.value = "waving";
  prompt.dispatchEvent(new Event("input"));
  assert.equal(button.disabled, false);
  button.click();
  assert.deepEqual(model.events("try")[0].content, { event: "try", prompt: "waving" });
  assert.equal(model.get("trial_prompt"), "waving");
});

test("both previews side by side, each with its scores as labelled figures", () => {
  const shown = { ...trial, current: ["asset-1", "asset-2"], candidate_count: 1 };
  const { el } = mount(
    { render },
    galleryState(2, { trial_candidates: [candidate], trial: shown }),
  );
  const sides = queryAll(el, ".masko-trial-result .masko-trial-side");
  assert.deepEqual(
    [...sides].map((side) => side.getAttribute("data-side")),
    ["candidates", "current"],
  );
  const figures = (side) =>
    [...queryAll(side, ".masko-figure")].map(
      (f) => `${query(f, ".masko-figure-label").textContent} ${query(f, "strong").textContent}`,
    );
  assert.deepEqual(figures(sides[0]), ["current 40", "candidates 91"]);
  assert.deepEqual(figures(sides[1]), ["current 88", "candidates 38"]);
  assert.match(query(sides[0], ".masko-set-prompt").textContent, /^2 current \+ 1 candidate$/);
  assert.equal(query(sides[1], ".masko-set-prompt").textContent, "2 references");
});

test("score figures and side notes, as a table", () => {
  assert.deepEqual(
    scoreFigures({ candidates: 91, current: null }).map((f) => [f.label, f.value]),
    [
      ["current", "–"],
      ["candidates", "91"],
    ],
  );
  /** @type {[object, string, string][]} */
  const rows = [
    [{ current: [], candidate_count: 2 }, "2 candidates", "no references"],
    [{ current: ["a", "b", "c"], candidate_count: 1 }, "3 current + 1 candidate", "3 references"],
    [
      { current: ["a", "b", "c", "d", "e", "f"], replace: ["c"], candidate_count: 1 },
      "5 current + 1 candidate (1 replaced)",
      "6 references",
    ],
  ];
  for (const [state, candidates, current] of rows) {
    assert.deepEqual(sideNotes({ ...trial, ...state }), { candidates, current });
  }
});

test("Try asks which reference to leave out when the candidates do not fit", () => {
  const { model, el } = mount(
    { render },
    galleryState(6, { trial_candidates: [candidate], trial_prompt: "waving" }),
  );
  query(el, ".masko-try").click();
  assert.equal(model.events("try").length, 0);
  const chooser = query(el, ".masko-trial-try .masko-replace");
  assert.match(query(chooser, "legend").textContent, /choose 1 reference to replace/);
  const boxes = queryAll(chooser, "input[type=checkbox]");
  boxes[1].checked = true;
  boxes[1].dispatchEvent(new Event("change"));
  [...queryAll(chooser, "button")].find((b) => /Try/.test(b.textContent)).click();
  assert.deepEqual(model.events("try")[0].content, {
    event: "try",
    prompt: "waving",
    replace: ["asset-2"],
  });
});

test("Pin these reuses the references the trial left out", () => {
  const tried = { ...trial, replace: ["asset-3"] };
  const { model, el } = mount(
    { render },
    galleryState(6, { trial_candidates: [candidate], trial: tried }),
  );
  const pinButton = query(el, ".masko-pin");
  assert.equal(pinButton.textContent, "Pin these in their place");
  pinButton.click();
  assert.deepEqual(model.events("pin")[0].content, { event: "pin", replace: ["asset-3"] });
  assert.deepEqual(triedReplace(model, { ...tried, replace: ["gone"] }), []);
});

test("Pin these pins at once when the candidates fit", () => {
  const { model, el } = mount(
    { render },
    galleryState(5, { trial_candidates: [candidate], trial }),
  );
  query(el, ".masko-pin").click();
  assert.deepEqual(model.events("pin")[0].content, { event: "pin" });
  assert.equal(query(el, ".masko-replace"), null);
});

test("Pin these asks which reference to replace when all six are used", () => {
  const { model, el } = mount(
    { render },
    galleryState(6, { trial_candidates: [candidate], trial }),
  );
  query(el, ".masko-pin").click();
  assert.equal(model.events("pin").length, 0);
  const chooser = query(el, ".masko-replace");
  assert.match(query(chooser, "legend").textContent, /choose 1 reference to replace/);
  const boxes = queryAll(chooser, "input[type=checkbox]");
  assert.equal(boxes.length, 6);
  const confirm = [...queryAll(chooser, "button")].find((b) => /replace/.test(b.textContent));
  assert.equal(confirm.disabled, true);
  boxes[3].checked = true;
  boxes[3].dispatchEvent(new Event("change"));
  assert.equal(confirm.disabled, false);
  confirm.click();
  assert.deepEqual(model.events("pin")[0].content, { event: "pin", replace: ["asset-4"] });
});

test("a candidate already pinned needs no free slot", () => {
  const pinned = { ...candidate, asset_id: "asset-2" };
  const { model, el } = mount({ render }, galleryState(6, { trial_candidates: [pinned], trial }));
  query(el, ".masko-pin").click();
  assert.deepEqual(model.events("pin")[0].content, { event: "pin" });
});

test("candidates are removed one by one", () => {
  const { model, el } = mount({ render }, galleryState(1, { trial_candidates: [candidate] }));
  const item = query(el, ".masko-trial .masko-hint");
  assert.equal(item.getAttribute("title"), "blue.png");
  assert.ok(!visible(query(el, ".masko-trial-result")));
  query(item, ".masko-remove").click();
  assert.deepEqual(model.events("remove_candidate")[0].content, {
    event: "remove_candidate",
    id: "c1",
  });
});
