// @ts-check
// The saved page's host: models rebuilt from a saved widget, without a kernel or a browser.

import assert from "node:assert/strict";
import { test } from "node:test";

import { gzipSync } from "node:zlib";

import { fromBase64, inflate, putBuffers, savedModel } from "../export/index.js";
import { poseStore } from "../grid/store.js";

const base64 = (bytes) => Buffer.from(bytes).toString("base64");

/** The page's bytes: one blob of a thumbnail (4 bytes) after two bytes of another widget's. */
const pageBytes = () => new Uint8Array([9, 9, 1, 2, 3, 250]);
const blobs = () => /** @type {[number, number][]} */ ([[2, 4]]);

const savedGrid = () => ({
  bundle: "grid",
  state: {
    pose_list: [["item-1", "waving", null, "v1"]],
    pose_pictures: [
      { id: "item-1", version: "v1", mime: "image/webp", width: 96, height: 80, score: 88 },
    ],
  },
  buffers: [{ path: ["pose_pictures", 0, "data"], blob: 0 }],
});

test("base64 text becomes its bytes", () => {
  assert.deepEqual([...fromBase64(base64([0, 127, 128, 255]))], [0, 127, 128, 255]);
});

test("gzip-compressed bytes inflate to their text", async () => {
  const text = JSON.stringify({ state: "é ✓ ".repeat(100) });
  assert.equal(await inflate(new Uint8Array(gzipSync(text))), text);
});

test("a saved model has its buffers back at their paths, the saved data untouched", () => {
  const saved = savedGrid();
  const model = savedModel(saved, blobs(), pageBytes());
  const data = model.get("pose_pictures")[0].data;
  assert.ok(data instanceof DataView);
  // each buffer is its blob alone, as a binary trait's DataView is
  assert.deepEqual([...new Uint8Array(data.buffer)], [1, 2, 3, 250]);
  assert.equal(saved.state.pose_pictures[0].data, undefined);
  model.set("selected_item_id", "item-1");
  model.save_changes();
  model.send({ event: "thumbnails", ids: ["item-1"] }); // no kernel: goes nowhere
  assert.equal(model.get("selected_item_id"), "item-1");
});

test("the grid of a saved model shows its thumbnails and scores without asking for them", () => {
  const model = savedModel(savedGrid(), blobs(), pageBytes());
  const asked = [];
  model.onSend = (content) => asked.push(content);
  const store = poseStore(model);
  const picture = store.pictures.get("item-1");
  assert.match(picture?.url ?? "", /^blob:/);
  assert.equal(picture?.width, 96);
  assert.equal(store.rows.get("item-1")?.[2], 88);
  store.want(["item-1"]);
  // (a view's opening "sync" asks nothing of the page: no kernel answers it)
  assert.deepEqual(
    asked.filter((content) => content.event === "thumbnails"),
    [],
  );
});

test("putBuffers puts each buffer at its path", () => {
  const a = new DataView(new ArrayBuffer(1));
  const state = putBuffers({ x: [{ y: null }], z: null }, [["x", 0, "y"], ["z"]], [a, a]);
  assert.equal(state.x[0].y, a);
  assert.equal(state.z, a);
});
