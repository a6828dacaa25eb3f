// The gallery's "try before you pin" panel on a fake model: Try's reasons, both sides with
// their scores, and Pin these asking which references to replace when all slots are used.

import assert from "node:assert/strict";
import { test } from "node:test";

import { render } from "../gallery/view.js";
import { mount } from "./fake-model.js";
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
  const button = el.querySelector(".masko-try");
  const reason = () => el.querySelector(".masko-trial .masko-reason").textContent;
  assert.equal(el.querySelector(".masko-trial").hasAttribute("open"), false);
  assert.equal(button.disabled, true);
  assert.equal(reason(), "Add a candidate first.");

  model.update({ trial_candidates: [candidate] });
  assert.equal(el.querySelector(".masko-trial").hasAttribute("open"), true);
  assert.equal(reason(), "Write a prompt to try them with.");
  const prompt = el.querySelector(".masko-trial-prompt");
  prompt.value = "waving";
  prompt.dispatchEvent(new Event("input"));
  assert.equal(button.disabled, false);
  button.click();
  assert.deepEqual(model.events("try")[0].content, { event: "try", prompt: "waving" });
  assert.equal(model.get("trial_prompt"), "waving");
});

test("both previews side by side, each with its scores against both sets", () => {
  const { el } = mount({ render }, galleryState(2, { trial_candidates: [candidate], trial }));
  const sides = el.querySelectorAll(".masko-trial-result .masko-result-set");
  assert.deepEqual(
    [...sides].map((side) => side.getAttribute("data-side")),
    ["candidates", "current"],
  );
  assert.match(sides[0].textContent, /91 against the candidates, 40 against the current/);
  assert.match(sides[1].textContent, /38 against the candidates, 88 against the current/);
});

test("Pin these pins at once when the candidates fit", () => {
  const { model, el } = mount(
    { render },
    galleryState(5, { trial_candidates: [candidate], trial }),
  );
  el.querySelector(".masko-pin").click();
  assert.deepEqual(model.events("pin")[0].content, { event: "pin" });
  assert.equal(el.querySelector(".masko-replace"), null);
});

test("Pin these asks which reference to replace when all six are used", () => {
  const { model, el } = mount(
    { render },
    galleryState(6, { trial_candidates: [candidate], trial }),
  );
  el.querySelector(".masko-pin").click();
  assert.equal(model.events("pin").length, 0);
  const chooser = el.querySelector(".masko-replace");
  assert.match(chooser.querySelector("legend").textContent, /choose 1 reference to replace/);
  const boxes = chooser.querySelectorAll("input[type=checkbox]");
  assert.equal(boxes.length, 6);
  const confirm = [...chooser.querySelectorAll("button")].find((b) =>
    /replace/.test(b.textContent),
  );
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
  el.querySelector(".masko-pin").click();
  assert.deepEqual(model.events("pin")[0].content, { event: "pin" });
});

test("candidates are removed one by one", () => {
  const { model, el } = mount({ render }, galleryState(1, { trial_candidates: [candidate] }));
  const item = el.querySelector(".masko-trial .masko-hint");
  assert.equal(item.getAttribute("title"), "blue.png");
  assert.ok(!visible(el.querySelector(".masko-trial-result")));
  item.querySelector(".masko-remove").click();
  assert.deepEqual(model.events("remove_candidate")[0].content, {
    event: "remove_candidate",
    id: "c1",
  });
});
