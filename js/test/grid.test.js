// @ts-check
// The pose store and the studio's part models, driven through a fake model (no browser).

import assert from "node:assert/strict";
import { test } from "node:test";

import { PAGE, PoseStore, poseStore } from "../grid/store.js";
import { PartModel, partsOf, viewOf } from "../studio/facade.js";
import { FakeModel } from "./fake-model.js";
import { ObjectUrls } from "../lib/urls.js";

/** A fake anywidget model: state, listeners, and what was sent to the kernel. */
function fakeModel(state) {
  const listeners = new Map();
  const sent = [];
  return {
    sent,
    get: (key) => state[key],
    set: (key, value) => (state[key] = value),
    save_changes() {},
    send: (content, _callbacks, buffers) => sent.push({ content, buffers }),
    on(name, callback) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(callback);
    },
    off: (name, callback) => listeners.get(name)?.delete(callback),
    emit: (name, ...args) => [...(listeners.get(name) ?? [])].forEach((cb) => cb(...args)),
    count: (name) => listeners.get(name)?.size ?? 0,
  };
}

const fakeUrls = () => {
  let n = 0;
  const revoked = [];
  const urls = new ObjectUrls({ create: () => `blob:${++n}`, revoke: (url) => revoked.push(url) });
  return { urls, revoked };
};

/** @type {(count: number) => import("../grid/store.js").PoseRow[]} */
const rows = (count) =>
  Array.from({ length: count }, (_, n) => [`item-${n}`, `pose ${n}`, null, `v${n}`]);

test("the store asks once per version, in pages, on the next tick", async () => {
  const sent = [];
  const store = new PoseStore(rows(120), (content) => sent.push(content), fakeUrls().urls);
  store.want(rows(120).map((row) => row[0]));
  store.want(["item-0", "unknown"]);
  assert.equal(sent.length, 0); // batched until the tick ends
  await Promise.resolve();
  assert.deepEqual(
    sent.map((message) => message.ids.length),
    [PAGE, PAGE, 120 - 2 * PAGE],
  );
  store.want(["item-0"]);
  await Promise.resolve();
  assert.equal(sent.length, 3); // asked already: not again
});

test("a thumbnail lands in its tile's picture with its score; a new version asks again", async () => {
  const sent = [];
  const { urls, revoked } = fakeUrls();
  const store = new PoseStore(rows(2), (content) => sent.push(content), urls);
  const seen = [];
  store.listen({ rows: () => seen.push("rows"), picture: (id) => seen.push(id) });
  store.want(["item-1"]);
  await Promise.resolve();
  const picture = ["item-1", "v1", 91];
  const failed = ["item-0", "v0", "The picture is not made yet."];
  const bytes = new DataView(new ArrayBuffer(8));
  assert.ok(
    store.receive({ event: "thumbnails", mime: "image/webp", pictures: [failed, picture] }, [
      bytes,
    ]),
  );
  assert.equal(store.pictures.get("item-0").error, "The picture is not made yet.");
  assert.deepEqual(store.pictures.get("item-1"), { url: "blob:1" });
  assert.equal(store.rows.get("item-1")[2], 91);

  store.receive({ event: "poses", upsert: [["item-1", "pose 1", null, "v9"]], remove: ["item-0"] });
  assert.deepEqual(seen, ["item-0", "item-1", "rows"]);
  assert.deepEqual(revoked, ["blob:1"]);
  assert.equal(store.pictures.has("item-1"), false);
  assert.deepEqual([...store.rows.keys()], ["item-1"]);
  store.want(["item-1"]);
  await Promise.resolve();
  assert.deepEqual(sent.at(-1), { event: "thumbnails", ids: ["item-1"] });
  // an answer for the old picture is dropped
  store.receive({ event: "thumbnails", mime: "image/webp", pictures: [picture] }, [bytes]);
  assert.equal(store.pictures.has("item-1"), false);
  assert.equal(store.receive({ event: "something else" }), false);
});

test("views of one model share one store and one message listener", () => {
  const model = fakeModel({ pose_list: rows(3) });
  const first = poseStore(model);
  assert.equal(poseStore(model), first);
  assert.equal(model.count("msg:custom"), 1);
  model.emit("msg:custom", { event: "poses", upsert: [["item-9", "new", null, "v"]], remove: [] });
  assert.equal(first.rows.size, 4);
});

test("a part model is the studio's `<part>.` keys, and its events go through the studio", () => {
  const studio = new FakeModel({
    parts: ["gallery", "grid"],
    "gallery.slots": [],
    "grid.pose_list": rows(1),
  });
  const parts = partsOf(studio);
  assert.equal(partsOf(studio), parts);
  const gallery = parts.get("gallery");
  const changes = [];
  const view = viewOf(gallery);
  view.model.on("change:slots", (_model, value) => changes.push(value));

  const slots = [{ asset_id: "a", thumbnail: new DataView(new ArrayBuffer(2)) }];
  studio.update({ "gallery.slots": slots }); // a state update from Python
  assert.equal(gallery.get("slots"), slots);
  assert.deepEqual(changes, [slots]);

  view.model.set("compare", true);
  view.model.save_changes();
  assert.deepEqual(studio.saved, [{ "gallery.compare": true }]);
  view.model.send({ event: "remove", asset_id: "a" });
  assert.deepEqual(
    studio.sent.map((message) => message.content),
    [
      { part: "grid", content: { event: "sync" } }, // its store asks once
      { part: "gallery", content: { event: "remove", asset_id: "a" } },
    ],
  );
  view.dispose(); // the view's listeners go with it; the part stays
  studio.update({ "gallery.slots": [] });
  assert.equal(changes.length, 1);
  // the grid's store listens to its part for the studio's whole life
  studio.emit("msg:custom", {
    part: "grid",
    data: { method: "custom", content: { event: "poses", upsert: [["x", "x", 1, "v"]] } },
  });
  assert.equal(poseStore(parts.get("grid")).rows.size, 2);
  assert.ok(new PartModel(new FakeModel({}), "none"));
});
