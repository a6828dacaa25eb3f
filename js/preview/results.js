// @ts-check
// The preview's results: the newest set, or the last two side by side, each image with
// "Keep this"; and the poses kept so far.

import { h, shown } from "../lib/dom.js";
import { listen } from "../lib/model.js";

/**
 * @typedef {import("../lib/model.js").Model} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 * @typedef {import("../lib/urls.js").ObjectUrls} ObjectUrls
 * @typedef {{ thumbnail: DataView<ArrayBuffer>, mime: string, width: number, height: number,
 *   expires_at: string }} PreviewImage
 * @typedef {{ id: number, prompt: string, hint_count: number, previews: PreviewImage[] }} ResultSet
 */

/**
 * The result sets and the Compare toggle (placed by the caller next to Preview).
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
export function resultSets(model, urls, cleanups) {
  const el = h("div", { class: "masko-result-sets" });
  const compare = h("button", {
    type: "button",
    class: "masko-compare",
    "aria-pressed": "false",
    text: "Compare with the last preview",
    onclick: () => {
      model.set("compare", !model.get("compare"));
      model.save_changes();
    },
  });
  function paint() {
    const all = /** @type {ResultSet[]} */ (model.get("result_sets") ?? []);
    const comparing = Boolean(model.get("compare")) && all.length > 1;
    const visible = all.slice(0, comparing ? 2 : 1);
    const keys = new Set();
    for (const set of all) set.previews.forEach((_, i) => keys.add(`result:${set.id}:${i}`));
    urls.retain(keys);
    el.replaceChildren(...visible.map((set, index) => resultSet(model, urls, set, index)));
    shown(el, visible.length > 0);
    el.classList.toggle("is-comparing", comparing);
    compare.setAttribute("aria-pressed", String(comparing));
    compare.disabled = all.length < 2;
    compare.title = all.length < 2 ? "Preview twice to compare" : "";
    shown(compare, all.length > 0);
  }
  cleanups.push(listen(model, ["result_sets", "compare", "can_keep"], paint));
  paint();
  return { el, compare };
}

/**
 * One result set: its title, prompt and hint count, and its images.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {ResultSet} set
 * @param {number} index 0 for the newest
 */
function resultSet(model, urls, set, index) {
  const title = index === 0 ? "This preview" : "The last preview";
  const hints = set.hint_count
    ? `, ${set.hint_count} hint${set.hint_count === 1 ? "" : "s"}`
    : ", no hints";
  const images = set.previews.map((preview, i) =>
    resultImage(model, urls, set, i, { preview, title }),
  );
  return h(
    "section",
    {
      class: "masko-result-set",
      "data-set": index === 0 ? "current" : "previous",
      "aria-label": title,
    },
    [
      h("h4", { text: title }),
      h("p", { class: "masko-set-prompt", text: `“${set.prompt}”${hints}` }),
      h("ul", { class: "masko-results" }, images),
    ],
  );
}

/**
 * One preview image and its "Keep this" button.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {ResultSet} set
 * @param {number} i
 * @param {{ preview: PreviewImage, title: string }} what
 */
function resultImage(model, urls, set, i, { preview, title }) {
  const key = `result:${set.id}:${i}`;
  const src = urls.get(key) ?? urls.set(key, preview.thumbnail, preview.mime);
  const picture = h("img", {
    src,
    alt: `${title}, image ${i + 1} of ${set.previews.length}`,
    decoding: "async",
  });
  picture.onerror = () =>
    picture.replaceWith(h("span", { class: "masko-missing", text: "Image failed to load" }));
  const canKeep = Boolean(model.get("can_keep"));
  const keep = h("button", {
    type: "button",
    class: "masko-keep",
    "aria-label": `Keep ${title.toLowerCase()} image ${i + 1} as a pose`,
    text: "Keep this",
    disabled: !canKeep,
    title: canKeep
      ? "Generate this preview as a real pose in the collection"
      : "Keeping needs a collection",
    onclick: (/** @type {MouseEvent} */ event) => {
      /** @type {HTMLButtonElement} */ (event.currentTarget).disabled = true;
      model.send({ event: "keep", set: set.id, index: i });
    },
  });
  return h("li", { class: "masko-result" }, [picture, keep]);
}

/**
 * The poses made with "Keep this".
 * @param {Model} model
 * @param {Cleanup[]} cleanups
 */
export function keptList(model, cleanups) {
  const list = h("ul", { class: "masko-kept", "aria-label": "Kept poses" });
  function paint() {
    const items = /** @type {{ item_id: string, name: string }[]} */ (model.get("kept") ?? []);
    list.replaceChildren(
      ...items.map((item) => h("li", { "data-item-id": item.item_id, text: `Kept: ${item.name}` })),
    );
    shown(list, items.length > 0);
  }
  cleanups.push(listen(model, ["kept"], paint));
  paint();
  return list;
}
