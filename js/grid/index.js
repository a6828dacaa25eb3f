// @ts-check
// PoseGrid: the collection's poses as an ARIA listbox; the selection is a Python trait.
// One model however many poses: the list is the compact `pose_list` trait, and thumbnails
// come as binary custom messages for the tiles in view (see store.js).

import { styleCard } from "../lib/card.js";
import { h, root, shown } from "../lib/dom.js";
import { statusArea, taskList } from "../lib/status.js";
import { ObjectUrls } from "../lib/urls.js";
import { animatePanel, animationView } from "./animate.js";
import { editPanel } from "./edit.js";
import { generatePanel } from "./generate.js";
import { placeholderIds } from "./pending.js";
import { LOADING, poseStore } from "./store.js";
import { poseList } from "./tiles.js";

/** @typedef {import("./store.js").Model} Model */
/** @typedef {import("../lib/status.js").TaskState} TaskState */

/** "24 poses" (", 2 on their way"), or while the list loads, "loading 200 of 10,000 poses". */
export function countText(
  /** @type {number} */ poses,
  /** @type {TaskState[]} */ tasks,
  /** @type {number} */ coming = 0,
) {
  const loading = tasks.find((task) => task.kind === LOADING && task.total > 0);
  if (loading) {
    const total = Math.max(loading.total, poses);
    return `loading ${poses.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} poses`;
  }
  const count = `${poses.toLocaleString("en-US")} pose${poses === 1 ? "" : "s"}`;
  return coming > 0 ? `${count}, ${coming} on the way` : count;
}

/** The header: title, pose count (and loading progress) and Refresh. */
function header(/** @type {Model} */ model) {
  const count = h("span", { class: "masko-count", "aria-live": "polite" });
  const refresh = h("button", {
    type: "button",
    class: "masko-refresh",
    text: "Refresh",
    onclick: () => model.send({ event: "refresh" }),
  });
  const element = h("header", { class: "masko-head" }, [
    h("h3", { text: "Poses" }),
    count,
    refresh,
  ]);
  return {
    element,
    paint(/** @type {number} */ poses, /** @type {number} */ coming) {
      count.textContent = countText(poses, model.get("tasks") ?? [], coming);
    },
  };
}

function panel(/** @type {string} */ title, /** @type {(Node | null)[]} */ children) {
  return h("section", { class: "masko-panel", "aria-label": title }, [
    h("h4", { text: title === "Generate new poses" ? "New poses" : title }),
    ...children,
  ]);
}

/** The grid's parts: header, pose list, empty note and the three panels' pieces. */
function parts(/** @type {Model} */ model) {
  const store = poseStore(model);
  const urls = new ObjectUrls();
  return {
    store,
    urls,
    head: header(model),
    empty: h("p", { class: "masko-empty", text: "No poses yet. Generate some below." }),
    tiles: poseList(store, {
      selected: () => model.get("selected_item_id") ?? null,
      select(id) {
        model.set("selected_item_id", id);
        model.save_changes();
      },
      pending: () => model.get("pending") ?? [],
    }),
    animate: animatePanel(model, store),
    edit: editPanel(model, store),
    video: animationView(model, urls),
    generate: generatePanel(model),
  };
}

/** @typedef {ReturnType<typeof parts>} Parts */

/** Repaint what follows the rows: the count, the empty note and the panels. */
function paintRows(/** @type {Model} */ model, /** @type {Parts} */ p) {
  const coming = placeholderIds(model.get("pending") ?? []).length;
  p.head.paint(p.store.rows.size, coming);
  shown(p.empty, p.store.rows.size === 0 && coming === 0);
  p.animate.paint();
  p.edit.paint();
}

/** Repaint each part when the trait it shows changes; returns the store's unlisten. */
function listen(/** @type {Model} */ model, /** @type {Parts} */ p) {
  const rows = () => paintRows(model, p);
  const onPending = () => {
    p.tiles.paintPending();
    rows();
  };
  const onSelection = () => {
    p.tiles.showSelected();
    p.animate.paint();
    p.edit.paint();
  };
  const unlisten = p.store.listen({ rows, picture: () => {} });
  model.on("change:selected_item_id", onSelection);
  model.on("change:source_image_asset_id", p.animate.paint);
  model.on("change:source_image_asset_id", p.edit.paint);
  model.on("change:tasks", p.animate.paint);
  model.on("change:tasks", rows);
  model.on("change:pending", onPending);
  model.on("change:animation", p.video.paint);
  model.on("change:suggestions", p.generate.paint);
  model.on("change:tasks", p.generate.paintButton);
  return unlisten;
}

/** The grid's layout: header, refresh task, style card, poses, then the three panels. */
function layout(/** @type {Model} */ model, /** @type {Parts} */ p) {
  return [
    p.head.element,
    taskList(model, { kinds: ["refresh"] }),
    styleCard(model, { compact: true }),
    p.tiles.list,
    p.empty,
    h("div", { class: "masko-panels" }, [
      panel("Animate", [p.animate.form, p.video.figure]),
      panel("Edit", [p.edit.form]),
      panel("Generate new poses", [p.generate.form]),
    ]),
    statusArea(model, { tasks: false }), // each task shows beside the button that started it
  ];
}

/** @param {{ model: Model, el: HTMLElement }} view */
function render({ model, el }) {
  root(el, "grid", "Pose grid");
  const p = parts(model);
  const unlisten = listen(model, p);
  el.replaceChildren(...layout(model, p));
  paintRows(model, p);
  p.tiles.showSelected();
  p.generate.paint();
  p.video.paint();
  return () => {
    unlisten();
    p.tiles.dispose();
    p.urls.clear();
  };
}

export default {
  /** The store (and its message listener) lives as long as the model, not one view. */
  initialize(/** @type {{ model: Model }} */ { model }) {
    poseStore(model);
  },
  render,
};
