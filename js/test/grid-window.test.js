// @ts-check
// The virtual pose grid: the window arithmetic (pure functions), and the listbox on a fake
// layout (no browser): a bounded number of tiles however many poses, recycled on scroll,
// thumbnails asked for only the tiles drawn, keyboard and selection scrolling to the tile.

import assert from "node:assert/strict";
import { test } from "node:test";

import { countText } from "../grid/index.js";
import { PoseStore, poseStore } from "../grid/store.js";
import { poseList } from "../grid/tiles.js";
import { UNMEASURED, scrollToShow, spacing, windowOf } from "../grid/window.js";
import { ObjectUrls } from "../lib/urls.js";
import { installDom, press, queryAll } from "./fake-model.js";

installDom();
// linkedom keeps no focus: the document's activeElement follows focus() here, as in a browser
window.HTMLElement.prototype.focus = function focus() {
  Object.defineProperty(document, "activeElement", { value: this, configurable: true });
};

/** @type {(count: number) => import("../grid/store.js").PoseRow[]} */
const rows = (count) =>
  Array.from({ length: count }, (_, n) => [`item-${n}`, `pose ${n}`, null, `v${n}`]);
const grid = { count: 10_000, columns: 5, stride: 100 };

test("the window is the visible rows and two more each side, whole rows", () => {
  /** @type {[object, object][]} */
  /** @type {[any, object][]} */
  const cases = [
    [
      { top: 0, height: 560 },
      { start: 0, end: 40 },
    ],
    [
      { top: 50_000, height: 560 },
      { start: 2490, end: 2540 },
    ],
    [
      { top: 199_440, height: 560 },
      { start: 9960, end: 10_000 },
    ], // the end
    [
      { top: 999_999, height: 560 },
      { start: 9995, end: 10_000 },
    ], // past the end: the last row
  ];
  for (const [view, range] of cases) assert.deepEqual(windowOf({ ...grid, ...view }), range);
  assert.deepEqual(windowOf({ ...grid, stride: 0, top: 0, height: 560 }), {
    start: 0,
    end: UNMEASURED,
  });
  assert.deepEqual(windowOf({ ...grid, count: 0, top: 0, height: 560 }), { start: 0, end: 0 });
  assert.deepEqual(windowOf({ ...grid, count: 3, top: 0, height: 560 }), { start: 0, end: 3 });
});

test("the space before and after the drawn rows stands for the rows not drawn", () => {
  for (const top of [0, 12_345, 199_440]) {
    const range = windowOf({ ...grid, top, height: 560 });
    const { before, after } = spacing({ ...grid, ...range });
    const drawnRows = Math.ceil((range.end - range.start) / grid.columns);
    assert.equal(before, (range.start / grid.columns) * grid.stride);
    assert.equal(before + drawnRows * grid.stride + after, 2000 * grid.stride);
  }
  assert.deepEqual(spacing({ ...grid, stride: 0, start: 0, end: 24 }), { before: 0, after: 0 });
});

test("scrolling to show a tile moves as little as it can", () => {
  const view = { columns: 5, stride: 100, rowHeight: 92, top: 1000, height: 560 };
  assert.equal(scrollToShow({ ...view, index: 0 }), 0); // above: to its top
  assert.equal(scrollToShow({ ...view, index: 5 * 20 }), 2000 + 92 - 560); // below: its bottom
  assert.equal(scrollToShow({ ...view, index: 5 * 12 }), null); // in view: stay
  assert.equal(scrollToShow({ ...view, index: -1 }), null);
  assert.equal(scrollToShow({ ...view, stride: 0, index: 70 }), null); // not laid out yet
});

/** A layout of 5 columns, rows 100 px apart, 560 px visible, scrolled by the test. */
function fakeLayout() {
  const state = { top: 0, changed: () => {} };
  const layout = {
    columns: () => 5,
    rowHeight: () => 92,
    gap: () => 8,
    stride: () => 100,
    top: () => state.top,
    height: () => 560,
    scrollTo(top) {
      state.top = top;
    },
    watch(changed) {
      state.changed = changed;
      return () => {};
    },
    forget() {},
  };
  const scroll = (top) => {
    state.top = top;
    state.changed();
  };
  return { state, layout, scroll };
}

function bigList(count = 10_000, selected = null) {
  const sent = [];
  const urls = new ObjectUrls({ create: () => "blob:x", revoke: () => {} });
  const store = new PoseStore(rows(count), (content) => sent.push(content), urls);
  const fake = fakeLayout();
  const chosen = { id: selected };
  const tiles = poseList(
    store,
    { selected: () => chosen.id, select: (id) => (chosen.id = id) },
    () => fake.layout,
  );
  document.body.append(tiles.list);
  const shown = () => [...queryAll(tiles.list, "[role=option]")];
  const asked = () => sent.flatMap((message) => message.ids);
  return { store, tiles, fake, chosen, shown, asked, sent };
}

const focusable = (shown) => shown.find((li) => li.getAttribute("tabindex") === "0");

test("10,000 poses draw a bounded number of tiles, reused as the list scrolls", async () => {
  const { fake, shown, asked, tiles } = bigList();
  const first = shown();
  assert.equal(first.length, 40);
  assert.deepEqual(
    first.map((li) => li.dataset.itemId),
    rows(40).map((row) => row[0]),
  );
  await Promise.resolve();
  assert.deepEqual(
    asked(),
    rows(40).map((row) => row[0]),
  ); // the drawn tiles' thumbnails only

  fake.scroll(199_440); // to the end
  const last = shown();
  assert.equal(last.length, 40);
  assert.equal(last.at(-1).dataset.itemId, "item-9999");
  assert.equal(last.at(-1).getAttribute("aria-posinset"), "10000");
  assert.equal(last.at(-1).getAttribute("aria-setsize"), "10000");
  assert.ok(
    last.every((li) => first.includes(li)),
    "the tiles are recycled, not made anew",
  );
  await Promise.resolve();
  assert.equal(asked().length, 80); // the first screen and the last one, nothing between
  assert.ok(
    asked()
      .slice(40)
      .every((id) => Number(id.split("-")[1]) >= 9960),
  );
  const [above, below] = [...queryAll(tiles.list, ".masko-spacer")];
  assert.equal(above.style.height, `${(9960 / 5) * 100 - 8}px`); // the gap after it counts
  assert.equal(below.hidden, true);
  assert.equal(tiles.list.firstElementChild, above);
});

test("End, Home and the arrows move the focus, scrolling the list to it", () => {
  const { fake, shown, tiles, chosen } = bigList();
  press(tiles.list, "End");
  assert.equal(fake.state.top, 1999 * 100 + 92 - 560);
  const focused = focusable(shown());
  assert.equal(focused.dataset.itemId, "item-9999");
  press(tiles.list, "ArrowUp");
  assert.equal(focusable(shown()).dataset.itemId, "item-9994");
  press(tiles.list, "Enter");
  assert.equal(chosen.id, "item-9994");
  press(tiles.list, "Home");
  assert.equal(fake.state.top, 0);
  assert.equal(focusable(shown()).dataset.itemId, "item-0");
  assert.ok(shown().length <= 60);
});

test("a selection made elsewhere scrolls its tile into view, marked selected", () => {
  const { fake, shown, tiles, chosen } = bigList();
  chosen.id = "item-5000";
  tiles.showSelected();
  assert.equal(fake.state.top, 1000 * 100 + 92 - 560);
  const selected = shown().filter((li) => li.getAttribute("aria-selected") === "true");
  assert.deepEqual(
    selected.map((li) => li.dataset.itemId),
    ["item-5000"],
  );
  assert.ok(shown().length <= 60);
});

test("a pose made while the list loaded moves after the poses that came later", () => {
  const store = new PoseStore(rows(2), () => {}, new ObjectUrls());
  store.receive({ event: "poses", upsert: [["new", "jump", null, "vn"]], remove: [] });
  store.receive({
    event: "poses",
    upsert: [
      ["item-2", "pose 2", null, "v2"],
      ["item-3", "pose 3", null, "v3"],
    ],
    remove: [],
    last: ["new"],
  });
  assert.deepEqual([...store.rows.keys()], ["item-0", "item-1", "item-2", "item-3", "new"]);
});

test("the count says how far the list has loaded", () => {
  const task = { id: "t", label: "", detail: "", cancellable: false };
  const loading = [{ ...task, kind: "load", done: 200, total: 10_000 }];
  assert.equal(countText(200, loading), "loading 200 of 10,000 poses");
  assert.equal(countText(10_000, []), "10,000 poses");
  assert.equal(countText(1, [{ ...task, kind: "generate", done: 0, total: 1 }]), "1 pose");
});

test("the store asks the kernel for the list once, and takes the whole list in its order", () => {
  const sent = [];
  const model = /** @type {any} */ ({
    get: (key) => ({ pose_list: rows(2), pose_pictures: [] })[key],
    send: (content) => sent.push(content),
    on() {},
  });
  poseStore(model);
  assert.deepEqual(sent, [{ event: "sync" }]);

  const urls = new ObjectUrls({ create: () => "blob:x", revoke: () => {} });
  const store = new PoseStore(rows(3), () => {}, urls);
  store.receive({ event: "thumbnails", mime: "image/webp", pictures: [["item-0", "v0", 80]] }, [
    new DataView(new ArrayBuffer(4)),
  ]);
  store.receive({
    event: "poses",
    all: [
      ["item-2", "pose 2", null, "v2"],
      ["item-0", "pose 0", 80, "v0"],
      ["new", "jump", null, "vn"],
    ],
  });
  assert.deepEqual([...store.rows.keys()], ["item-2", "item-0", "new"]);
  assert.ok(store.pictures.has("item-0")); // same version: its picture stays
});
