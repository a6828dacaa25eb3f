// @ts-check
// Table tests for the pure front-end helpers (run with `npm test`).

import assert from "node:assert/strict";
import { test } from "node:test";

import { sendImages } from "../lib/add.js";
import { fileProblem, isHttpUrl } from "../lib/files.js";
import { enterButton, nextIndex } from "../lib/keyboard.js";
import { installDom, query } from "./fake-model.js";
import { slotSummary, takeFiles } from "../lib/slots.js";
import { ObjectUrls } from "../lib/urls.js";

test("nextIndex moves in a wrapped grid and stays inside it", () => {
  /** @type {[string, number, number, number, number | null][]} */
  const cases = [
    // key, from, count, columns, expected
    ["ArrowRight", 0, 5, 3, 1],
    ["ArrowRight", 4, 5, 3, 4],
    ["ArrowLeft", 0, 5, 3, 0],
    ["ArrowLeft", 3, 5, 3, 2],
    ["ArrowDown", 1, 5, 3, 4],
    ["ArrowDown", 2, 5, 3, 2], // no tile below: stay
    ["ArrowUp", 4, 5, 3, 1],
    ["ArrowUp", 1, 5, 3, 1],
    ["Home", 3, 5, 3, 0],
    ["End", 0, 5, 3, 4],
    ["ArrowRight", 9, 5, 3, 4], // stale index is clamped first
    ["a", 1, 5, 3, null],
    ["ArrowDown", 0, 0, 3, null],
  ];
  for (const [key, from, count, columns, expected] of cases) {
    assert.equal(nextIndex(key, from, count, columns), expected, `${key} from ${from}`);
  }
});

test("slotSummary says when the slots are full and why", () => {
  assert.deepEqual(
    [slotSummary(5, 6).full, slotSummary(5, 6).free, slotSummary(5, 6).reason],
    [false, 1, ""],
  );
  const full = slotSummary(6, 6);
  assert.equal(full.full, true);
  assert.equal(full.label, "6 of 6 reference slots used");
  assert.match(full.reason, /All 6 reference slots are in use/);
  const filling = slotSummary(5, 6, 1);
  assert.equal(filling.full, true);
  assert.match(filling.reason, /being filled/);
  assert.equal(slotSummary(2, 6, 0, "hint").label, "2 of 6 hint slots used");
});

test("takeFiles keeps only what fits", () => {
  assert.deepEqual(takeFiles(["a", "b", "c"], 2), { accepted: ["a", "b"], refused: 1 });
  assert.deepEqual(takeFiles(["a"], 0), { accepted: [], refused: 1 });
  assert.deepEqual(takeFiles(["a"], -1), { accepted: [], refused: 1 });
});

test("fileProblem accepts the types and the size it is given, and names the types", () => {
  const types = ["image/png", "image/jpeg", "image/webp", "image/gif"];
  const maxBytes = 10 * 1024 * 1024;
  const limits = { maxBytes, types };
  assert.equal(fileProblem({ name: "a.png", type: "image/png", size: 10 }, limits), "");
  assert.equal(fileProblem({ name: "a.gif", type: "image/gif", size: maxBytes }, limits), "");
  assert.equal(
    fileProblem({ name: "a.svg", type: "image/svg+xml", size: 10 }, limits),
    "a.svg is not a PNG, JPEG, WebP or GIF image.",
  );
  assert.equal(
    fileProblem({ name: "a.gif", type: "image/gif", size: 10 }, { maxBytes, types: ["image/png"] }),
    "a.gif is not a PNG image.",
  );
  assert.equal(
    fileProblem({ name: "b.png", type: "image/png", size: maxBytes + 1 }, limits),
    "b.png is 10 MB; the limit is 10 MB.",
  );
  assert.match(
    fileProblem({ name: "c.png", type: "image/png", size: 3e6 }, { maxBytes: 2e6, types }),
    /limit is 1.9 MB/,
  );
});

test("isHttpUrl", () => {
  assert.equal(isHttpUrl("https://example.org/a.png"), true);
  assert.equal(isHttpUrl("http://127.0.0.1:8000/v1/files/x.png"), true);
  assert.equal(isHttpUrl("file:///etc/passwd"), false);
  assert.equal(isHttpUrl("not a url"), false);
});

test("ObjectUrls revokes a URL when its bytes are replaced or leave", () => {
  const revoked = [];
  let made = 0;
  const urls = new ObjectUrls({
    create: () => `blob:${++made}`,
    revoke: (url) => revoked.push(url),
  });
  const bytes = new DataView(new Uint8Array([1, 2, 3]).buffer);
  assert.equal(urls.set("a", bytes, "image/webp"), "blob:1");
  assert.equal(urls.set("b", bytes, "image/webp"), "blob:2");
  assert.equal(urls.set("a", bytes, "image/webp"), "blob:3"); // replaced: the old one is revoked
  assert.deepEqual(revoked, ["blob:1"]);
  urls.retain(new Set(["a"]));
  assert.deepEqual(revoked, ["blob:1", "blob:2"]);
  assert.equal(urls.set("c", new DataView(new ArrayBuffer(0)), "image/webp"), null);
  urls.clear();
  assert.deepEqual(revoked, ["blob:1", "blob:2", "blob:3"]);
  assert.equal(urls.size, 0);
});

test("sendImages sends the usable images that fit and says what it left out", async () => {
  const sent = [];
  const model = /** @type {any} */ ({
    send: (content, _callbacks, buffers) => sent.push([content, buffers]),
    get: (name) => ({ max_upload_bytes: 1024 * 1024, upload_types: ["image/png"] })[name],
  });
  const image = (name, size = 10) => ({
    name,
    type: "image/png",
    size,
    arrayBuffer: async () => new ArrayBuffer(size),
  });
  const files = [
    image("a.png"),
    { name: "notes.txt", type: "text/plain", size: 5 },
    image("b.png"),
    image("c.png"),
    image("big.png", 1.5 * 1024 * 1024),
  ];
  const result = sendImages(model, "add_file", /** @type {any[]} */ (files), 2);
  assert.deepEqual(result, {
    problems: ["notes.txt is not a PNG image.", "big.png is 1.5 MB; the limit is 1 MB."],
    sent: 2,
    refused: 1,
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(
    sent.map(([content]) => [content.event, content.name]),
    [
      ["add_file", "a.png"],
      ["add_file", "b.png"],
    ],
  );
  assert.equal(sent[0][1][0].byteLength, 10);
});

test("enterButton: a field in a shadow root (marimo) presses the button of its own root", () => {
  const document = installDom();
  document.body.innerHTML = `<button id="go" class="outside"></button><div class="host"></div>`;
  const shadow = query(document, ".host").attachShadow({ mode: "open" });
  shadow.innerHTML = `<textarea data-enter-presses="go"></textarea><button id="go"></button>`;
  const found = enterButton({ key: "Enter", target: query(shadow, "textarea") });
  assert.equal(found, query(shadow, "button"));
});

test("enterButton: Enter in a one-line field is its form's submit; Shift+Enter is a new line", () => {
  const document = installDom();
  document.body.innerHTML = `
    <form><input class="url" type="url"><input class="box" type="checkbox">
      <button type="submit" class="send">Add</button></form>
    <input class="alone" type="text"><input class="named" type="text" data-enter-presses="go">
    <textarea class="prompt" data-enter-presses="go"></textarea><textarea class="free"></textarea>
    <button id="go" type="button">Preview</button>`;
  const at = (selector) => query(document, selector);
  /** @type {[string, string, object, string | null][]} */
  const cases = [
    // field, key, modifiers, expected button
    [".url", "Enter", {}, ".send"],
    [".url", "Enter", { shiftKey: true }, null],
    [".url", "Enter", { isComposing: true }, null], // an IME choosing a word
    [".url", "a", {}, null],
    [".box", "Enter", {}, null],
    [".alone", "Enter", {}, null], // no form, no button
    [".named", "Enter", {}, "#go"],
    [".prompt", "Enter", {}, "#go"],
    [".prompt", "Enter", { shiftKey: true }, null],
    [".free", "Enter", {}, null],
  ];
  for (const [field, key, modifiers, expected] of cases) {
    const found = enterButton({ key, target: at(field), ...modifiers });
    assert.equal(
      found,
      expected && at(expected),
      `${key} in ${field} ${JSON.stringify(modifiers)}`,
    );
  }
});
