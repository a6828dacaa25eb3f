// @ts-check
// The grid's Animate and New poses panels on a fake model: names rather than ids, visible
// reasons on disabled buttons, no empty suggestions box, tasks beside their buttons.

import assert from "node:assert/strict";
import { test } from "node:test";

import { animatePanel } from "../grid/animate.js";
import { generatePanel } from "../grid/generate.js";
import { FakeModel, installDom, query } from "./fake-model.js";

installDom();
const visible = (el) => el !== null && !el.hidden;
const ITEM = "9d2da32a-0000-4000-8000-000000000001";
/** The part of a pose store the panels read: its rows by item id. */
const fakeStore = (rows) =>
  /** @type {any} */ ({ rows: new Map(rows.map((row) => [row[0], row])) });
const ASSET = "5e6f7a8b-0000-4000-8000-000000000002";

function gridModel(extra = {}) {
  return new FakeModel({
    tasks: [],
    min_duration: 1,
    max_duration: 15,
    max_batch: 10,
    suggestions: [],
    selected_item_id: null,
    source_image_asset_id: null,
    ...extra,
  });
}

test("the selection line names the pose; its ids are copied, never shown on hover", () => {
  const model = gridModel({ selected_item_id: ITEM, source_image_asset_id: ASSET });
  const store = fakeStore([[ITEM, "waving", 80, "v1"]]);
  const panel = animatePanel(model, store);
  panel.paint();
  const line = query(panel.form, ".masko-selected");
  assert.match(line.textContent, /Selected: waving/);
  assert.doesNotMatch(line.textContent, /9d2da32a|5e6f7a8b/);
  assert.equal(/** @type {Element} */ (line.firstChild).getAttribute("title"), null);
  assert.ok(visible(query(line, ".masko-copy")));
});

test("Animate says why it is disabled", () => {
  const model = gridModel();
  const panel = animatePanel(model, fakeStore([]));
  panel.paint();
  const button = query(panel.form, ".masko-animate-button");
  const reason = query(panel.form, ".masko-reason");
  assert.equal(button.disabled, true);
  assert.equal(reason.textContent, "Select a pose first.");
  model.update({ selected_item_id: ITEM, source_image_asset_id: ASSET });
  panel.paint();
  assert.equal(reason.textContent, "Describe the movement first.");
  const prompt = query(panel.form, ".masko-animate-prompt");
  prompt.value = "waves hello";
  prompt.dispatchEvent(new Event("input"));
  assert.equal(button.disabled, false);
  assert.ok(!visible(reason));
});

test("a running animation shows its progress and Cancel inside the Animate panel", () => {
  const model = gridModel({ selected_item_id: ITEM, source_image_asset_id: ASSET });
  const panel = animatePanel(model, fakeStore([]));
  const running = {
    id: "t1",
    label: "Animating waving",
    kind: "animate",
    detail: "processing",
    done: 0,
    total: 0,
    cancellable: true,
  };
  model.update({ tasks: [running] });
  const row = query(panel.form, ".masko-task");
  assert.match(row.textContent, /Animating waving/);
  query(row, ".masko-cancel").click();
  assert.deepEqual(model.events("cancel")[0].content, { event: "cancel", task: "t1" });
});

test("no suggestions: no empty box; Generate says what to do", () => {
  const model = gridModel();
  const panel = generatePanel(model);
  panel.paint();
  assert.ok(!visible(query(panel.form, ".masko-suggestions")));
  assert.equal(
    query(panel.form, ".masko-reason").textContent,
    "Tick a suggestion or write a pose.",
  );
  model.update({ suggestions: ["sitting", "jumping"] });
  panel.paint();
  assert.ok(visible(query(panel.form, ".masko-suggestions")));
  const box = query(panel.form, "input[value=sitting]");
  box.checked = true;
  box.setAttribute("checked", ""); // linkedom's :checked reads the attribute
  box.dispatchEvent(new Event("change", { bubbles: true }));
  const button = query(panel.form, ".masko-generate");
  assert.equal(button.disabled, false);
  assert.equal(button.textContent, "Generate 1 pose");
});
