// @ts-check
// MascotStudio: a header (which mascot, its style card state, credits, Refresh all) and the
// gallery, preview and grid views, all drawn from the studio's one model (see facade.js).

import { cardStatus } from "../lib/card.js";
import { h, root } from "../lib/dom.js";
import { statusArea } from "../lib/status.js";
import gallery from "../gallery/index.js";
import grid from "../grid/index.js";
import preview from "../preview/index.js";
import { partsOf, viewOf } from "./facade.js";

/** @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").StudioTraits, import("../lib/protocol.js").StudioMessage>} Model */

/** The studio's header, painted from its own traits. */
function header(/** @type {Model} */ model) {
  const name = h("h2", { class: "masko-studio-name" });
  const card = h("span", { class: "masko-studio-card" }, [
    h("span", { text: "Style card" }),
    cardStatus(model),
  ]);
  const credits = h("span", { class: "masko-credits" });
  const refresh = h("button", {
    type: "button",
    class: "masko-refresh",
    text: "Refresh all",
    onclick: () => model.send({ event: "refresh" }),
  });

  function paint() {
    name.textContent = model.get("collection_name") || "Mascot studio";
    const balance = model.get("credits");
    credits.textContent = balance === null || balance === undefined ? "" : `${balance} credits`;
  }
  for (const trait of ["collection_name", "credits"]) {
    model.on(`change:${trait}`, paint);
  }
  paint();
  const bar = h("div", { class: "masko masko-studio-bar" }, [
    h("header", { class: "masko-head" }, [name, card, credits, refresh]),
    statusArea(model),
  ]);
  return bar;
}

/** @param {{ model: Model, el: HTMLElement }} view */
function render({ model, el }) {
  root(el, "studio", "Mascot studio");
  const parts = partsOf(model);
  /** @type {(() => void)[]} */
  const cleanups = [];
  /** @param {string} name @param {{ render: Function }} module */
  function part(name, module) {
    const holder = h("div", { class: `masko-studio-${name}` });
    const partModel = parts.get(name);
    if (partModel === undefined) return holder;
    const view = viewOf(partModel);
    const cleanup = module.render({ model: view.model, el: holder });
    cleanups.push(view.dispose);
    if (typeof cleanup === "function") cleanups.push(cleanup);
    return holder;
  }
  const columns = h("div", { class: "masko-studio-column" }, [
    part("gallery", gallery),
    part("preview", preview),
  ]);
  el.replaceChildren(
    header(model),
    h("div", { class: "masko-studio-body" }, [columns, part("grid", grid)]),
  );
  return () => {
    for (const cleanup of cleanups) cleanup();
  };
}

export default {
  initialize(/** @type {{ model: Model }} */ { model }) {
    partsOf(model);
  },
  render,
};
