// @ts-check
// The preview view in node, on a fake model: the Preview button's reasons, hints, results.

import assert from "node:assert/strict";
import { test } from "node:test";

import { render } from "../preview/view.js";
import { mount, query, queryAll } from "./fake-model.js";

const png = new DataView(new Uint8Array([137, 80, 78, 71]).buffer);
const image = { thumbnail: png, mime: "image/png", width: 64, height: 64, expires_at: "" };
const task = (kind, extra = {}) => ({
  id: `t-${kind}`,
  label: `A ${kind} task`,
  kind,
  detail: "",
  done: 0,
  total: 0,
  cancellable: false,
  ...extra,
});

function panel(extra = {}) {
  return {
    prompt: "",
    hints: [],
    max_hints: 6,
    max_upload_bytes: 10 * 1024 * 1024,
    upload_types: ["image/png", "image/jpeg", "image/webp", "image/gif"],
    result_sets: [],
    compare: false,
    can_keep: true,
    kept: [],
    keeping: [],
    reference_asset_ids: [],
    reference_pictures: [],
    tasks: [],
    error: "",
    notice: "",
    style_card: null,
    style_card_status: "cleared: re-extracted on the next generation",
    ...extra,
  };
}

const visible = (el) => el !== null && !el.hidden;

test("Preview is disabled with a visible reason until there is a prompt", () => {
  const { model, el } = mount({ render }, panel());
  const button = query(el, ".masko-preview-button");
  const reason = query(el, ".masko-reason");
  assert.equal(button.disabled, true);
  assert.ok(visible(reason));
  assert.equal(reason.textContent, "Write a prompt first.");
  assert.equal(button.getAttribute("aria-describedby"), reason.id);

  const prompt = query(el, ".masko-prompt");
  prompt.value = "the mascot waving";
  prompt.dispatchEvent(new Event("input"));
  assert.equal(button.disabled, false);
  assert.ok(!visible(reason));
  assert.equal(button.getAttribute("aria-describedby"), null);

  button.click();
  assert.equal(model.get("prompt"), "the mascot waving");
  assert.ok(model.saves >= 1);
  assert.deepEqual(model.events("preview")[0].content, {
    event: "preview",
    prompt: "the mascot waving",
  });
});

test("a running preview shows its progress right under the button, and blocks another", () => {
  const { model, el } = mount({ render }, panel({ prompt: "waving" }));
  const button = query(el, ".masko-preview-button");
  assert.equal(button.disabled, false);
  model.update({ tasks: [task("preview", { label: "Previewing" })] });
  assert.equal(button.disabled, true);
  assert.equal(query(el, ".masko-reason").textContent, "A preview is on its way.");
  const row = query(el, ".masko-action-row");
  const tasks = row.nextElementSibling;
  assert.ok(tasks.classList.contains("masko-tasks") && visible(tasks));
  assert.match(tasks.textContent, /Previewing/);
  model.update({ tasks: [] });
  assert.equal(button.disabled, false);
  assert.ok(!visible(tasks));
});

test("the hint count sits in its own header and six hints disable adding, with the reason", () => {
  const hints = Array.from({ length: 6 }, (_, i) => ({
    id: `h${i}`,
    kind: "url",
    label: `https://example.org/${i}.png`,
    url: `https://example.org/${i}.png`,
  }));
  const { model, el } = mount({ render }, panel());
  assert.equal(
    query(el, ".masko-hints .masko-count").textContent,
    "0 of 6 · for this preview only",
  );
  assert.ok(!visible(query(el, ".masko-hint-list")));
  model.update({ hints });
  assert.equal(queryAll(el, ".masko-hint").length, 6);
  const limit = query(el, ".masko-hints .masko-limit");
  assert.ok(visible(limit));
  for (const control of queryAll(el, ".masko-hints .masko-add-row button, .masko-hints form *")) {
    assert.equal(control.disabled, true);
  }
  queryAll(el, ".masko-hint .masko-remove")[2].click();
  assert.deepEqual(model.events("remove_hint")[0].content, { event: "remove_hint", id: "h2" });
});

test("results: the newest set, Keep sends its place, Compare shows the last two", () => {
  const sets = [
    { id: 2, prompt: "jumping", hint_count: 1, previews: [image, image] },
    { id: 1, prompt: "waving", hint_count: 0, previews: [image] },
  ];
  const { model, el } = mount({ render }, panel({ result_sets: sets }));
  assert.equal(queryAll(el, ".masko-result-set").length, 1);
  assert.match(query(el, ".masko-set-prompt").textContent, /“jumping”, 1 hint/);
  const second = queryAll(el, ".masko-result")[1];
  query(second, ".masko-keep[data-look='collection']").click();
  assert.deepEqual(model.events("keep")[0].content, { event: "keep", set: 2, index: 1 });

  const compare = query(el, ".masko-compare");
  assert.equal(compare.disabled, false);
  compare.click();
  assert.equal(model.get("compare"), true);
  assert.equal(queryAll(el, ".masko-result-set").length, 2);
  assert.equal(compare.getAttribute("aria-pressed"), "true");
});

test("Keep is one click without hints; a hinted preview offers the two honest choices", () => {
  const plain = { id: 1, prompt: "waving", hint_count: 0, previews: [image] };
  const hinted = { id: 2, prompt: "jumping", hint_count: 2, previews: [image] };
  const one = mount({ render }, panel({ result_sets: [plain] }));
  const keeps = queryAll(one.el, ".masko-keep");
  assert.deepEqual(
    [...keeps].map((b) => b.textContent),
    ["Keep this"],
  );
  keeps[0].click();
  assert.deepEqual(one.model.events("keep")[0].content, { event: "keep", set: 1, index: 0 });

  const { model, el } = mount(
    { render },
    panel({ result_sets: [hinted], reference_asset_ids: ["r1", "r2"] }),
  );
  const choices = [...queryAll(el, ".masko-keep-choices .masko-keep")];
  assert.deepEqual(
    choices.map((b) => b.textContent),
    ["Keep with the collection's look", "Pin 2 hints, then keep"],
  );
  assert.equal(query(el, ".masko-result figcaption").textContent, "Preview, with hints");
  choices[1].click(); // 2 + 2 references fit in 6: no question
  assert.deepEqual(model.events("keep")[0].content, {
    event: "keep",
    set: 2,
    index: 0,
    look: "hints pinned",
  });
});

test("pinning hints into a full collection asks which references to replace", () => {
  const hinted = { id: 3, prompt: "jumping", hint_count: 2, previews: [image] };
  const ids = ["r1", "r2", "r3", "r4", "r5"];
  const pictures = ids.map((asset_id) => ({ asset_id, thumbnail: png, mime: "image/png" }));
  const { model, el } = mount(
    { render },
    panel({ result_sets: [hinted], reference_asset_ids: ids, reference_pictures: pictures }),
  );
  const pinThenKeep = query(el, ".masko-keep[data-look='hints pinned']");
  pinThenKeep.click();
  const cancel = [...queryAll(el, ".masko-replace button")].find((b) => b.textContent === "Cancel");
  cancel.click(); // changed their mind: nothing sent, the choice stays open to them
  assert.equal(query(el, ".masko-replace"), null);
  assert.equal(pinThenKeep.disabled, false);
  pinThenKeep.click();
  assert.equal(model.events("keep").length, 0);
  const chooser = query(el, ".masko-result .masko-replace");
  assert.match(query(chooser, "legend").textContent, /choose 1 reference to replace/);
  assert.equal(queryAll(chooser, "img").length, 5);
  const boxes = queryAll(chooser, "input[type=checkbox]");
  boxes[4].checked = true;
  boxes[4].dispatchEvent(new Event("change"));
  [...queryAll(chooser, "button")].find((b) => /then keep/.test(b.textContent)).click();
  assert.deepEqual(model.events("keep")[0].content, {
    event: "keep",
    set: 3,
    index: 0,
    look: "hints pinned",
    replace: ["r5"],
  });
});

test("the kept pose shows beside the preview, and a keep on its way holds its place", () => {
  const hinted = { id: 4, prompt: "jumping", hint_count: 1, previews: [image, image] };
  const kept = [{ set: 4, index: 0, look: "collection", name: "jumping", item_id: "i1", ...image }];
  const keeping = [{ id: "k1", set: 4, index: 1, look: "hints pinned" }];
  const { model, el } = mount({ render }, panel({ result_sets: [hinted], kept, keeping }));
  const [first, second] = queryAll(el, ".masko-result");
  const captions = (li) => [...queryAll(li, "figcaption")].map((c) => c.textContent);
  assert.deepEqual(captions(first), ["Preview, with hints", "Kept, collection's look"]);
  assert.equal(
    query(first, ".is-kept img").getAttribute("alt"),
    "Kept, collection's look: jumping",
  );
  assert.deepEqual(captions(second), ["Preview, with hints", "The kept pose appears here"]);
  assert.ok([...queryAll(second, ".masko-keep")].every((b) => b.disabled));

  model.update({ keeping: [], kept: [...kept, { ...kept[0], index: 1, look: "hints pinned" }] });
  const again = queryAll(el, ".masko-result")[1];
  assert.deepEqual(captions(again), ["Preview, with hints", "Kept, hints pinned"]);
});

test("Compare is hidden before the first preview", () => {
  const { el } = mount({ render }, panel());
  assert.ok(!visible(query(el, ".masko-compare")));
});

test("the compact style card shows a short state, its meaning on hover", () => {
  const { el } = mount({ render }, panel());
  const status = query(el, ".masko-card-status");
  assert.equal(status.textContent, "Cleared");
  assert.equal(status.dataset.state, "cleared");
  assert.match(status.getAttribute("title"), /re-extracted on the next generation/);
  assert.equal(query(el, ".masko-card-picture"), null);
});

test("cleanup removes every listener the view added", () => {
  const { model, cleanup } = mount({ render }, panel());
  cleanup();
  assert.equal(model.listenerCount, 0);
});
