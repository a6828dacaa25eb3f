// @ts-check
// ReferenceGallery: the collection's persistent references in six slots, and its style card.

import { styleCard } from "../lib/card.js";
import { h, root } from "../lib/dom.js";
import { listen } from "../lib/model.js";
import { statusArea } from "../lib/status.js";
import { ObjectUrls } from "../lib/urls.js";
import { addArea, slotState } from "./add.js";
import { slotList } from "./slots.js";
import { trialPanel } from "./trial.js";

/**
 * @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").GalleryTraits, import("../lib/protocol.js").GalleryMessage>} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 */

/**
 * Draw the gallery of `model` into `el`; returns the function that undoes it.
 * @param {import("../lib/model.js").RenderArgs<import("../lib/protocol.js").GalleryTraits, import("../lib/protocol.js").GalleryMessage>} args
 */
export function render({ model, el }) {
  root(el, "gallery", "Reference gallery");
  /** @type {Cleanup[]} */
  const cleanups = [];
  const urls = new ObjectUrls();
  const trialUrls = new ObjectUrls();
  el.replaceChildren(
    header(model, cleanups),
    slotList(model, urls, cleanups),
    addArea(model, el, cleanups),
    statusArea(model, { cleanups }), // under the add controls, where most errors start
    styleCard(model, { cleanups }),
    trialPanel(model, trialUrls, cleanups),
  );
  return () => {
    for (const stop of cleanups) stop();
    urls.clear();
    trialUrls.clear();
  };
}

/**
 * "References", how many slots are used, and Refresh.
 * @param {Model} model
 * @param {Cleanup[]} cleanups
 */
function header(model, cleanups) {
  const count = h("span", { class: "masko-count", "aria-live": "polite" });
  const paint = () => {
    count.textContent = slotState(model).label;
  };
  cleanups.push(listen(model, ["reference_asset_ids", "tasks"], paint));
  paint();
  return h("header", { class: "masko-head" }, [
    h("h3", { text: "References" }),
    count,
    h("button", {
      type: "button",
      class: "masko-refresh",
      text: "Refresh",
      title: "Fetch the references and the style card again",
      onclick: () => model.send({ event: "refresh" }),
    }),
  ]);
}
