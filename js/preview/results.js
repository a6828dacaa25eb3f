// @ts-check
// The preview's results: the newest set, or the last two side by side, each image with
// "Keep this"; and the poses kept so far. A pose is made from the collection's references only,
// so a hinted preview offers the two honest choices: keep it with the collection's look (the
// kept pose then shows beside the preview), or pin its hints first and then keep.

import { h, shown } from "../lib/dom.js";
import { listen } from "../lib/model.js";
import { openReplaceChooser, replaceNeeded } from "../lib/replace.js";

/**
 * @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").PreviewTraits, import("../lib/protocol.js").PreviewMessage>} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 * @typedef {import("../lib/urls.js").ObjectUrls} ObjectUrls
 * @typedef {{ thumbnail: DataView<ArrayBuffer>, mime: string, width: number, height: number,
 *   expires_at: string }} PreviewImage
 * @typedef {{ id: number, prompt: string, hint_count: number, previews: PreviewImage[] }} ResultSet
 * @typedef {{ set: number, index: number, look: string, name?: string, item_id?: string,
 *   thumbnail?: DataView<ArrayBuffer>, mime?: string }} Keep
 */

export const COLLECTION_LOOK = "collection";
export const HINTS_PINNED = "hints pinned";

/**
 * The kept poses and the keeps on their way for one preview image.
 * @param {Model} model
 * @param {number} set
 * @param {number} index
 */
export function keepsOf(model, set, index) {
  const mine = (/** @type {Keep} */ k) => k.set === set && k.index === index;
  return {
    kept: /** @type {Keep[]} */ (model.get("kept") ?? []).filter(mine),
    keeping: /** @type {Keep[]} */ (model.get("keeping") ?? []).filter(mine),
  };
}

/**
 * How many references pinning `hints` hints must replace (0 when they fit).
 * @param {Model} model
 * @param {number} hints
 */
export function pinReplaceCount(model, hints) {
  const current = (model.get("reference_asset_ids") ?? []).length;
  return replaceNeeded(current, hints, model.get("max_hints"));
}

/**
 * The caption of a kept pose: how it was made.
 * @param {string} look
 */
export const keptCaption = (look) =>
  look === HINTS_PINNED ? "Kept, hints pinned" : "Kept, collection's look";

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
    for (const k of /** @type {Keep[]} */ (model.get("kept") ?? [])) keys.add(keptKey(k));
    urls.retain(keys);
    el.replaceChildren(...visible.map((set, index) => resultSet(model, urls, set, index)));
    shown(el, visible.length > 0);
    el.classList.toggle("is-comparing", comparing);
    compare.setAttribute("aria-pressed", String(comparing));
    compare.disabled = all.length < 2;
    compare.title = all.length < 2 ? "Preview twice to compare" : "";
    shown(compare, all.length > 0);
  }
  cleanups.push(
    listen(
      model,
      ["result_sets", "compare", "can_keep", "kept", "keeping", "reference_asset_ids"],
      paint,
    ),
  );
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

/** @param {Keep} k */
const keptKey = (k) => `kept:${k.item_id}`;

/**
 * One preview image and its Keep choices, with the poses kept from it beside it.
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
  const { kept, keeping } = keepsOf(model, set.id, i);
  const hinted = set.hint_count > 0;
  const figures = [
    h("figure", { class: "masko-result-figure" }, [
      picture,
      ...(hinted || kept.length || keeping.length
        ? [h("figcaption", { text: hinted ? "Preview, with hints" : "Preview" })]
        : []),
    ]),
    ...kept.map((k) => keptFigure(urls, k)),
    ...keeping.map(() =>
      h("figure", { class: "masko-result-figure is-on-its-way", role: "status" }, [
        h("div", { class: "masko-on-its-way", text: "Keeping…" }),
        h("figcaption", { text: "The kept pose appears here" }),
      ]),
    ),
  ];
  const chooser = h("div", { class: "masko-pin-chooser" });
  return h("li", { class: "masko-result", "data-hinted": String(hinted) }, [
    h("div", { class: "masko-result-figures" }, figures),
    keepActions(model, urls, chooser, { set, i, title, busy: keeping.length > 0 }),
    chooser,
  ]);
}

/**
 * A pose kept from a preview, with how it was made.
 * @param {ObjectUrls} urls
 * @param {Keep} k
 */
function keptFigure(urls, k) {
  const src = k.thumbnail?.byteLength
    ? (urls.get(keptKey(k)) ?? urls.set(keptKey(k), k.thumbnail, k.mime ?? ""))
    : "";
  const caption = keptCaption(k.look);
  return h("figure", { class: "masko-result-figure is-kept", "data-look": k.look }, [
    src
      ? h("img", { src, alt: `${caption}: ${k.name ?? "the kept pose"}`, decoding: "async" })
      : h("span", { class: "masko-missing", text: "Picture not loaded yet" }),
    h("figcaption", { text: caption }),
  ]);
}

/**
 * The keep buttons of preview `i` of `set` and the message they send; pressing one disables
 * them all until `keeping` says the pose is on its way.
 * @param {Model} model
 * @param {ResultSet} set
 * @param {number} i
 * @param {boolean} busy
 */
function keepButtons(model, set, i, busy) {
  const canKeep = Boolean(model.get("can_keep"));
  /** @type {HTMLButtonElement[]} */
  const buttons = [];
  const send = (
    /** @type {import("../lib/protocol.js").Look} */ look,
    /** @type {string[]} */ replace = [],
  ) => {
    for (const b of buttons) b.disabled = true;
    model.send({
      event: "keep",
      set: set.id,
      index: i,
      ...(look === COLLECTION_LOOK ? {} : { look }),
      ...(replace.length ? { replace } : {}),
    });
  };
  const button = (/** @type {Record<string, any>} */ attrs) => {
    const made = h("button", {
      type: "button",
      disabled: !canKeep || busy,
      ...attrs,
      title: canKeep ? attrs.title : "Keeping needs a collection",
    });
    buttons.push(made);
    return made;
  };
  return { send, button };
}

/**
 * "Pin the hints, then keep": straight away when they fit in the free slots, else after the
 * user chooses which references they replace.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {HTMLElement} chooser
 * @param {ResultSet} set
 * @param {(look: import("../lib/protocol.js").Look, replace?: string[]) => void} send
 */
function pinThenKeep(model, urls, chooser, set, send) {
  const needed = pinReplaceCount(model, set.hint_count);
  if (needed === 0) return send(HINTS_PINNED);
  const pictures = model.get("reference_pictures") ?? [];
  const what = { pictures, needed, max: model.get("max_hints") };
  openReplaceChooser(chooser, urls, what, {
    action: "keep",
    confirm: "Pin in their place, then keep",
    choose: (replace) => send(HINTS_PINNED, replace),
  });
}

/**
 * "Keep this" for a preview without hints; for a hinted one, the two honest choices.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {HTMLElement} chooser
 * @param {{ set: ResultSet, i: number, title: string, busy: boolean }} what
 */
function keepActions(model, urls, chooser, { set, i, title, busy }) {
  const image = `${title.toLowerCase()} image ${i + 1}`;
  const { send, button } = keepButtons(model, set, i, busy);
  if (set.hint_count === 0) {
    return button({
      class: "masko-keep",
      "aria-label": `Keep ${image} as a pose`,
      text: "Keep this",
      title: "Generate this preview as a real pose in the collection",
      onclick: () => send(COLLECTION_LOOK),
    });
  }
  const hints = `${set.hint_count} hint${set.hint_count === 1 ? "" : "s"}`;
  return h("div", { class: "masko-keep-choices", role: "group", "aria-label": "Keep" }, [
    button({
      class: "masko-keep",
      "data-look": COLLECTION_LOOK,
      "aria-label": `Keep ${image} with the collection's look`,
      text: "Keep with the collection's look",
      title:
        "Poses are made from the collection's references only: the kept pose can look different from this preview",
      onclick: () => send(COLLECTION_LOOK),
    }),
    button({
      class: "masko-keep",
      "data-look": HINTS_PINNED,
      "aria-label": `Pin the ${hints} of ${image}, then keep it`,
      text: `Pin ${hints}, then keep`,
      title: `Adds the ${hints} to the collection's references (every later pose uses them), then keeps`,
      onclick: () => pinThenKeep(model, urls, chooser, set, send),
    }),
  ]);
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
