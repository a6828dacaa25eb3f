// @ts-check
// The gallery's six slots: a picture and a Remove button per reference, then empty slots.

import { h } from "../lib/dom.js";
import { listen } from "../lib/model.js";

/**
 * @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").GalleryTraits, import("../lib/protocol.js").GalleryMessage>} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 * @typedef {import("../lib/urls.js").ObjectUrls} ObjectUrls
 * @typedef {{ asset_id: string, thumbnail: DataView<ArrayBuffer> | null, mime: string,
 *   width: number, height: number }} Slot
 */

/**
 * The slot list, kept in step with the `slots` trait.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
export function slotList(model, urls, cleanups) {
  const list = h("ul", { class: "masko-slots", "aria-label": "Reference slots" });
  function paint() {
    const entries = /** @type {Slot[]} */ (model.get("slots") ?? []);
    const max = model.get("max_slots");
    urls.retain(new Set(entries.map((slot) => slot.asset_id)));
    const items = entries.map((slot, index) =>
      filledSlot(model, urls, slot, index, entries.length),
    );
    for (let index = entries.length; index < max; index += 1) {
      items.push(h("li", { class: "masko-slot is-empty" }, [h("span", { text: "Empty slot" })]));
    }
    list.replaceChildren(...items);
  }
  cleanups.push(listen(model, ["slots"], paint));
  paint();
  return list;
}

/**
 * One reference: its picture and its Remove button.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Slot} slot
 * @param {number} index
 * @param {number} total
 */
function filledSlot(model, urls, slot, index, total) {
  const src = urls.get(slot.asset_id) ?? urls.set(slot.asset_id, slot.thumbnail, slot.mime);
  const remove = h("button", {
    type: "button",
    class: "masko-remove",
    "aria-label": `Remove reference ${index + 1}`,
    title: `Unpin reference ${index + 1}`,
    text: "Remove",
    onclick: (/** @type {MouseEvent} */ event) => {
      /** @type {HTMLButtonElement} */ (event.currentTarget).disabled = true;
      model.send({ event: "remove", asset_id: slot.asset_id });
    },
  });
  return h("li", { class: "masko-slot is-filled", "data-asset-id": slot.asset_id }, [
    picture(src, `Reference ${index + 1} of ${total}`, slot),
    remove,
  ]);
}

/**
 * The slot's image, or words when there is none or it fails to load.
 * @param {string | null} src
 * @param {string} label
 * @param {{ width: number, height: number }} size
 */
function picture(src, label, { width, height }) {
  if (!src) return h("span", { class: "masko-missing", text: "No preview" });
  const image = h("img", { src, alt: label, loading: "lazy", decoding: "async", width, height });
  image.onerror = () =>
    image.replaceWith(h("span", { class: "masko-missing", text: "Image failed to load" }));
  return image;
}
