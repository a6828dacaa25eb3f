// @ts-check
// The poses on their way and the Edit panel on a fake model: a placeholder tile per new pose
// (not selectable) until its pose comes; a note on the tile of a pose being edited; the Edit
// panel sends "edit"; every disabled button gives the reason that holds now.

import assert from "node:assert/strict";
import { mock, test } from "node:test";

import { animateBlocker } from "../grid/animate.js";
import { editBlocker, editPanel } from "../grid/edit.js";
import { generateBlocker } from "../grid/generate.js";
import grid from "../grid/index.js";
import {
  editsByItem,
  elapsedWords,
  pendingLabel,
  placeholderIds,
  placeholderOf,
  statusWords,
} from "../grid/pending.js";
import { FakeModel, installDom, mount, query, queryAll } from "./fake-model.js";
import { gridState } from "./grid-state.js";

installDom();
/** The element `selector` finds in `root` (each test knows what it is). @returns {any} */
const find = (/** @type {ParentNode} */ root, /** @type {string} */ selector) =>
  query(root, selector);
const ITEM = "9d2da32a-0000-4000-8000-000000000001";
const ASSET = "5e6f7a8b-0000-4000-8000-000000000002";
/** @param {string} job @param {string} name */
const coming = (job, name, status = "pending") => ({
  job,
  kind: "new",
  name,
  item_id: null,
  status,
});
/** @param {string} job @param {string} itemId */
const editing = (job, itemId, status = "processing") => ({
  job,
  kind: "edit",
  name: "wave",
  item_id: itemId,
  status,
});
/** @param {string} kind @param {string} label */
const task = (kind, label, cancellable = true) => ({
  id: `t-${kind}`,
  label,
  kind,
  detail: "",
  done: 0,
  total: 0,
  cancellable,
});

test("placeholders: one id per new pose, an edit shows on its pose", () => {
  const pending = [coming("j1", "wave"), editing("j2", ITEM), coming("j3", "sit", "processing")];
  assert.deepEqual(placeholderIds(pending), ["pending:j1", "pending:j3"]);
  assert.equal(placeholderOf(pending, "pending:j3")?.name, "sit");
  assert.equal(placeholderOf(pending, "pending:j2"), undefined); // an edit has no placeholder
  assert.equal(placeholderOf(pending, ITEM), undefined);
  assert.deepEqual([...editsByItem(pending).keys()], [ITEM]);
  assert.equal(statusWords("pending"), "on its way");
  assert.equal(statusWords("processing"), "being drawn");
  assert.equal(pendingLabel(pending[1]), "Editing: being drawn");
  assert.equal(pendingLabel(pending[0]), "New pose: on its way");
  const started = { ...pending[0], started: 1000 };
  assert.equal(pendingLabel(started, 1_012_900), "New pose: on its way, 12 s");
  assert.equal(pendingLabel(started, 999_000), "New pose: on its way, 0 s"); // clocks apart
  assert.equal(elapsedWords(125), "2 min 5 s");
});

test("a pose on its way is a placeholder tile until its pose comes", () => {
  const { model, el, cleanup } = mount(grid, gridState([[ITEM, "wave", 91, "v1"]]));
  model.update({ pending: [coming("j1", "sit")] });
  const placeholder = find(el, ".masko-pose.is-placeholder");
  assert.ok(placeholder, "a placeholder tile");
  assert.equal(placeholder.dataset.job, "j1");
  assert.equal(placeholder.getAttribute("aria-disabled"), "true");
  assert.match(placeholder.getAttribute("aria-label"), /^sit, new pose: on its way$/);
  assert.ok(!find(placeholder, ".masko-wait").hidden);
  assert.ok(find(placeholder, "progress"));
  assert.match(find(el, ".masko-count").textContent, /1 pose, 1 on the way/);
  assert.ok(find(el, ".masko-empty").hidden);

  placeholder.click(); // not a pose yet: nothing to select
  assert.equal(model.savedValue("selected_item_id"), undefined);

  model.update({ pending: [coming("j1", "sit", "processing")] });
  assert.match(find(el, ".is-placeholder .masko-wait-text").textContent, /being drawn/);

  // the job ends: the pose comes (a patch), then the placeholder goes
  const newItem = "9d2da32a-0000-4000-8000-000000000009";
  model.emit("msg:custom", { event: "poses", upsert: [[newItem, "sit", null, "v9"]], remove: [] });
  model.update({ pending: [] });
  assert.equal(find(el, ".is-placeholder"), null);
  const tile = find(el, `[data-item-id="${newItem}"]`);
  assert.ok(tile && find(tile, ".masko-wait").hidden);
  assert.equal(tile.getAttribute("aria-disabled"), null);
  tile.click();
  assert.equal(model.savedValue("selected_item_id"), newItem);
  assert.equal(find(el, ".masko-count").textContent, "2 poses");
  cleanup();
});

test("a placeholder shows the time its job has run, and the time moves on", () => {
  mock.timers.enable({ apis: ["setInterval", "Date"], now: 1_000_000 });
  try {
    const { model, el, cleanup } = mount(grid, gridState([[ITEM, "wave", 91, "v1"]]));
    model.update({ pending: [{ ...coming("j1", "sit"), started: 995 }] });
    const words = () => find(el, ".is-placeholder .masko-wait-text").textContent;
    assert.equal(words(), "New pose: on its way, 5 s");
    mock.timers.tick(2000);
    assert.equal(words(), "New pose: on its way, 7 s");
    model.update({ pending: [] });
    cleanup();
  } finally {
    mock.timers.reset();
  }
});

test("a pose being edited says so on its tile, which stays selectable", () => {
  const { model, el, cleanup } = mount(grid, gridState([[ITEM, "wave", 91, "v1"]]));
  model.update({ pending: [editing("j2", ITEM)] });
  const tile = find(el, `[data-item-id="${ITEM}"]`);
  assert.ok(tile.classList.contains("is-editing"));
  assert.equal(tile.getAttribute("aria-busy"), "true");
  assert.match(find(tile, ".masko-wait-text").textContent, /^Editing: being drawn$/);
  assert.equal(tile.getAttribute("aria-label"), "wave, on-model 91 of 100, editing: being drawn");
  assert.equal(queryAll(el, ".is-placeholder").length, 0);
  model.update({ pending: [] });
  assert.ok(!tile.classList.contains("is-editing") && find(tile, ".masko-wait").hidden);
  assert.equal(tile.getAttribute("aria-label"), null); // named by its text again
  cleanup();
});

function panelModel(extra = {}) {
  return new FakeModel({
    tasks: [],
    pending: [],
    selected_item_id: null,
    source_image_asset_id: null,
    ...extra,
  });
}

test("Edit sends the instruction for the selected pose, and says why when it cannot", () => {
  const model = panelModel();
  /** @type {import("../grid/store.js").PoseRow} */
  const wave = [ITEM, "wave", 80, "v1"];
  const store = { rows: new Map([[ITEM, wave]]) };
  const panel = editPanel(model, store);
  panel.paint();
  const button = find(panel.form, ".masko-edit-button");
  const reason = find(panel.form, ".masko-reason");
  assert.equal(button.disabled, true);
  assert.equal(reason.textContent, "Select a pose first.");
  assert.equal(button.getAttribute("aria-describedby"), reason.id);

  model.update({ selected_item_id: ITEM, source_image_asset_id: ASSET });
  panel.paint();
  assert.match(find(panel.form, ".masko-selected").textContent, /Selected: wave/);
  assert.equal(reason.textContent, "Say what to change first.");
  const input = find(panel.form, ".masko-edit-instructions");
  input.value = "  add a red scarf ";
  input.dispatchEvent(new Event("input"));
  assert.equal(button.disabled, false);
  panel.form.dispatchEvent(new Event("submit", { cancelable: true }));
  assert.deepEqual(model.events("edit")[0].content, {
    event: "edit",
    instructions: "add a red scarf",
  });
  assert.equal(input.value, "");

  model.update({ pending: [editing("j2", ITEM)], tasks: [task("edit", "Editing wave")] });
  panel.paint();
  assert.equal(reason.textContent, "This pose is being edited: wait for its new picture.");
  const row = find(panel.form, ".masko-task");
  assert.match(row.textContent, /Editing wave/);
  find(row, ".masko-cancel").click();
  assert.deepEqual(model.events("cancel")[0].content, { event: "cancel", task: "t-edit" });
});

test("disabled buttons give the reason that holds now", () => {
  const model = panelModel({ max_batch: 10, selected_item_id: ITEM, source_image_asset_id: ASSET });
  model.update({ tasks: [task("generate", "Generating 2 poses")] });
  // the picks were cleared when Generate was pressed: the reason is the running job
  assert.equal(generateBlocker(model, 0), "Poses are on their way: wait for them, or Cancel.");
  assert.equal(
    animateBlocker(model, "waves"),
    "Wait until “Generating 2 poses” is done, or Cancel it.",
  );
  assert.equal(editBlocker(model, "add a hat"), ""); // editing does not wait for new poses

  model.update({ tasks: [task("refresh", "Refreshing", false)] });
  assert.equal(generateBlocker(model, 0), "Tick a suggestion or write a pose.");
  assert.equal(animateBlocker(model, "waves"), "Wait until “Refreshing” is done.");

  // poses still on their way after Cancel, or still loading, hold nothing up
  model.update({ tasks: [task("late", "sit: still on its way", false), task("load", "Loading")] });
  assert.equal(generateBlocker(model, 1), "");
  assert.equal(animateBlocker(model, "waves"), "");
});
