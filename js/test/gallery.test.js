// @ts-check
// The gallery view in node, on a fake model: what it shows and what it sends to Python.

import assert from "node:assert/strict";
import { test } from "node:test";

import { render } from "../gallery/view.js";
import { mount, query, queryAll } from "./fake-model.js";
import { galleryState } from "./gallery-state.js";

const CARD =
  "Palette: #fa8c1e 28%, #141414 15%, #285ac8 14% · Proportions: 0.67 (tall) · " +
  "Outline: dark, 4 px · Shading: flat";

/** Pick `files` in a file input, as the browser would. */
function pick(input, files) {
  Object.defineProperty(input, "files", { value: files, configurable: true });
  input.dispatchEvent(new Event("change"));
}

const visible = (el) => el !== null && !el.hidden;

test("filled and empty slots; Remove sends the asset id; no raw id shows on hover", () => {
  const { model, el } = mount({ render }, galleryState(2));
  const slots = queryAll(el, ".masko-slot");
  assert.equal(slots.length, 6);
  assert.equal(queryAll(el, ".masko-slot.is-filled").length, 2);
  assert.equal(query(el, ".masko-count").textContent, "2 of 6 reference slots used");
  assert.ok(![...queryAll(el, "[title]")].some((node) => /asset-/.test(node.title)));
  const remove = query(slots[1], ".masko-remove");
  assert.equal(remove.textContent, "Remove");
  remove.click();
  assert.deepEqual(model.events("remove")[0].content, { event: "remove", asset_id: "asset-2" });
  assert.equal(remove.disabled, true);
});

test("a full gallery disables every add control and says why, once", () => {
  const { model, el } = mount({ render }, galleryState(6));
  const limit = query(el, ".masko-limit");
  assert.ok(visible(limit));
  assert.match(limit.textContent, /All 6 reference slots are in use/);
  // the references' add area (the trial panel has its own)
  const controls = queryAll(query(el, ".masko-add"), "button:not(.masko-dismiss), input");
  assert.ok(controls.length >= 6);
  for (const control of controls) {
    assert.equal(control.disabled, true, control.className);
    assert.equal(control.getAttribute("aria-describedby"), limit.id);
  }
  // A refused 7th add from Python: the error line says it; the limit line steps aside.
  model.update({ error: "All 6 reference slots are full. Remove a reference first." });
  assert.ok(!visible(limit));
  assert.ok(visible(query(el, ".masko-status .masko-error")));
  model.update({ error: "" });
  assert.ok(visible(limit));
});

test("a file that is not an image is refused in the browser, with Dismiss", () => {
  const { model, el } = mount({ render }, galleryState(1));
  const notes = new File(["hello"], "notes.txt", { type: "text/plain" });
  pick(query(el, ".masko-file-input"), [notes]);
  const problem = query(el, ".masko-local-error");
  assert.ok(visible(problem));
  assert.match(problem.textContent, /notes\.txt is not a PNG, JPEG, WebP or GIF image/);
  assert.equal(model.sent.length, 0);
  query(problem, ".masko-dismiss").click();
  assert.ok(!visible(problem));
});

test("the problem line stays while its own adds land; the next attempt replaces it", async () => {
  const { model, el } = mount({ render }, galleryState(4));
  const image = (name) => new File([new Uint8Array([1, 2, 3])], name, { type: "image/png" });
  const input = query(el, ".masko-file-input");
  pick(input, [image("a.png"), image("b.png"), image("c.png")]);
  await new Promise((resolve) => setImmediate(resolve));
  const problem = query(el, ".masko-local-error");
  assert.match(problem.textContent, /1 image\(s\) were not added/);
  model.update(galleryState(6)); // the two that fitted land
  assert.ok(visible(problem));
  model.update(galleryState(5));
  pick(input, [image("d.png")]);
  assert.ok(!visible(problem));
});

test("images are sent one message each, only as many as there are free slots", async () => {
  const { model, el } = mount({ render }, galleryState(5));
  const image = (name) => new File([new Uint8Array([1, 2, 3])], name, { type: "image/png" });
  pick(query(el, ".masko-file-input"), [image("a.png"), image("b.png")]);
  await new Promise((resolve) => setImmediate(resolve));
  const sent = model.events("add_file");
  assert.equal(sent.length, 1);
  assert.equal(sent[0].content.name, "a.png");
  assert.equal(sent[0].buffers[0].byteLength, 3);
  assert.match(query(el, ".masko-local-error").textContent, /1 image\(s\) were not added/);
});

test("the URL form sends http(s) URLs and refuses anything else", () => {
  const { model, el } = mount({ render }, galleryState(0));
  const input = query(el, ".masko-url-input");
  const form = input.closest("form");
  input.value = "not a url";
  form.dispatchEvent(new Event("submit", { cancelable: true }));
  assert.equal(model.sent.length, 0);
  assert.match(query(el, ".masko-local-error").textContent, /http\(s\) URL/);
  input.value = "https://example.org/pip.png";
  form.dispatchEvent(new Event("submit", { cancelable: true }));
  assert.deepEqual(model.events("add_url")[0].content, {
    event: "add_url",
    url: "https://example.org/pip.png",
  });
});

test("where URLs cannot be fetched, the URL box gives way to the reason and an upload", () => {
  const note = "Adding images by URL needs the real Masko API.";
  const { model, el } = mount({ render }, galleryState(0, { url_note: note }));
  assert.equal(query(el, ".masko-url-input"), null);
  const [reason] = queryAll(el, ".masko-url-note");
  assert.equal(query(reason, "span").textContent, note);
  let opened = 0;
  query(el, ".masko-file-input").click = () => (opened += 1);
  query(reason, "button").click();
  assert.equal(opened, 1);
  model.update(galleryState(6, { url_note: note }));
  assert.equal(query(reason, "button").disabled, true); // no free slot: nothing to upload
});

test("Enter in a one-line field presses its form's button, in the widget's own handler", () => {
  const { el } = mount({ render }, galleryState(0));
  const input = query(el, ".masko-asset-input");
  const pressed = [];
  query(el, ".masko-add-asset").addEventListener("click", () => pressed.push("add"));
  const enter = Object.assign(new Event("keydown", { bubbles: true, cancelable: true }), {
    key: "Enter",
  });
  input.dispatchEvent(enter);
  assert.equal(enter.defaultPrevented, true); // no second submit from the browser
  assert.deepEqual(pressed, ["add"]);
});

test("the style card is a picture, its text on hover and in a details block", () => {
  const { el } = mount(
    { render },
    galleryState(3, { style_card: CARD, style_card_status: "ready" }),
  );
  const picture = query(el, ".masko-card-picture");
  assert.equal(picture.getAttribute("title"), CARD);
  const swatches = queryAll(el, ".masko-swatch");
  assert.equal(swatches.length, 3);
  const grow = [...swatches].map((swatch) => Number(swatch.style.flexGrow));
  assert.ok(Math.abs(grow.reduce((a, b) => a + b) - 1) < 1e-9, `shares fill the strip: ${grow}`);
  assert.ok(grow[0] > grow[1]);
  assert.equal(query(el, ".masko-card-text").textContent, CARD);
  assert.equal(query(el, ".masko-card-text").tagName, "P"); // not <pre>
  assert.equal(query(el, ".masko-card-status").textContent, "Ready");
});

test("Dismiss on the error asks Python to clear it", () => {
  const { model, el } = mount({ render }, galleryState(1, { error: "Could not reach the API." }));
  query(el, ".masko-status .masko-dismiss").click();
  assert.deepEqual(model.events("dismiss")[0].content, { event: "dismiss" });
});

test("cleanup removes every listener the view added", () => {
  const { model, cleanup } = mount({ render }, galleryState(2, { style_card: CARD }));
  assert.ok(model.listenerCount > 0);
  cleanup();
  assert.equal(model.listenerCount, 0);
});

test("a card still to be made says when it will be", () => {
  const { model, el } = mount({ render }, galleryState(0));
  const waiting = query(el, ".masko-card-waiting");
  assert.match(waiting.textContent, /None yet: add references/);
  model.update(
    galleryState(2, { style_card_status: "cleared: re-extracted on the next generation" }),
  );
  assert.equal(waiting.textContent, "Made from the references at the next generation.");
  model.update({ style_card: CARD });
  assert.ok(!visible(waiting));
});
