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

/** @param {{ model: Model, el: HTMLElement }} view */
function render({ model, el }) {
  root(el, "grid", "Pose grid");
  const store = poseStore(model);
  const urls = new ObjectUrls();
  const head = header(model);
  const empty = h("p", { class: "masko-empty", text: "No poses yet. Generate some below." });
  const tiles = poseList(store, {
    selected: () => model.get("selected_item_id") ?? null,
    select(id) {
      model.set("selected_item_id", id);
      model.save_changes();
    },
    pending: () => model.get("pending") ?? [],
  });
  const animate = animatePanel(model, store);
  const edit = editPanel(model, store);
  const video = animationView(model, urls);
  const generate = generatePanel(model);

  function paintRows() {
    const coming = placeholderIds(model.get("pending") ?? []).length;
    head.paint(store.rows.size, coming);
    shown(empty, store.rows.size === 0 && coming === 0);
    animate.paint();
    edit.paint();
  }
  const onPending = () => {
    tiles.paintPending();
    paintRows();
  };
  const onSelection = () => {
    tiles.showSelected();
    animate.paint();
    edit.paint();
  };
  const unlisten = store.listen({ rows: paintRows, picture: () => {} });
  model.on("change:selected_item_id", onSelection);
  model.on("change:source_image_asset_id", animate.paint);
  model.on("change:source_image_asset_id", edit.paint);
  model.on("change:tasks", animate.paint);
  model.on("change:tasks", paintRows);
  model.on("change:pending", onPending);
  model.on("change:animation", video.paint);
  model.on("change:suggestions", generate.paint);
  model.on("change:tasks", generate.paintButton);

  el.replaceChildren(
    head.element,
    taskList(model, { kinds: ["refresh"] }),
    styleCard(model, { compact: true }),
    tiles.list,
    empty,
    h("div", { class: "masko-panels" }, [
      panel("Animate", [animate.form, video.figure]),
      panel("Edit", [edit.form]),
      panel("Generate new poses", [generate.form]),
    ]),
    statusArea(model, { tasks: false }), // each task shows beside the button that started it
  );
  paintRows();
  tiles.showSelected();
  generate.paint();
  video.paint();
  return () => {
    unlisten();
    tiles.dispose();
    urls.clear();
  };
}

export default {
  /** The store (and its message listener) lives as long as the model, not one view. */
  initialize(/** @type {{ model: Model }} */ { model }) {
    poseStore(model);
  },
  render,
};
