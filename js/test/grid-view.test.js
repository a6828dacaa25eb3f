// @ts-check
// The whole grid view on a fake model: a tile click or Enter must reach Python, that is,
// set `selected_item_id` and save it (a set without save_changes never leaves the browser).

import assert from "node:assert/strict";
import { test } from "node:test";

import grid from "../grid/index.js";
import { mount, press, query } from "./fake-model.js";
import { gridState } from "./grid-state.js";

/** linkedom has no layout: an observer that sees nothing is enough for the tiles. */
globalThis.IntersectionObserver ??= /** @type {any} */ (
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
);

const ITEMS = ["9d2da32a-0000-4000-8000-000000000001", "9d2da32a-0000-4000-8000-000000000002"];

const tile = (el, id) => query(el, `[data-item-id="${id}"]`);

test("clicking a tile saves the selection to Python", () => {
  const { model, el, cleanup } = mount(
    grid,
    gridState(ITEMS.map((id, n) => [id, `pose ${n}`, null, `v${n}`])),
  );
  tile(el, ITEMS[1]).click();
  assert.equal(model.get("selected_item_id"), ITEMS[1]);
  assert.equal(model.savedValue("selected_item_id"), ITEMS[1]);
  assert.deepEqual(model.unsaved, {});
  assert.equal(tile(el, ITEMS[1]).getAttribute("aria-selected"), "true");
  cleanup();
});

test("Enter on a focused tile saves the selection to Python", () => {
  const { model, el, cleanup } = mount(
    grid,
    gridState(ITEMS.map((id, n) => [id, `pose ${n}`, null, `v${n}`])),
  );
  const list = query(el, "[role=listbox]");
  press(list, "ArrowRight");
  press(list, "Enter");
  assert.equal(model.savedValue("selected_item_id"), ITEMS[1]);
  assert.deepEqual(model.unsaved, {});
  cleanup();
});

test("a score badge says what it is: its label, its value, its level", () => {
  /** @type {any} */
  const state = gridState(ITEMS.map((id, n) => [id, `pose ${n}`, null, `v${n}`]));
  state.pose_list = [
    [ITEMS[0], "pose 0", 72, "v0"],
    [ITEMS[1], "pose 1", null, "v1"],
  ];
  const { el, cleanup } = mount(grid, state);
  const [fair, none] = ITEMS.map((id) => query(tile(el, id), ".masko-score"));
  assert.equal(fair.textContent, "On-model 72");
  assert.equal(fair.dataset.level, "fair");
  assert.equal(none.textContent, "On-model –");
  cleanup();
});
