// @ts-check
// The Animate panel: a prompt for the selected pose, and the video of the last animation.

import { copyButton } from "../lib/copy.js";
import { explainDisabled, h, shown, uniqueId } from "../lib/dom.js";
import { busy, taskList, tasksOf } from "../lib/status.js";
import { LATE, LOADING } from "./store.js";

/** @typedef {import("./store.js").Model} Model */
/** @typedef {import("./store.js").PoseStore} PoseStore */
/** @typedef {import("../lib/urls.js").ObjectUrls} ObjectUrls */

function field(/** @type {string} */ label, /** @type {HTMLElement} */ input, extra = "") {
  return h("label", { class: `masko-field${extra}` }, [h("span", { text: label }), input]);
}

/** The form that sends "animate" with the prompt, duration and loop. */
function animateForm(/** @type {Model} */ model) {
  const selectedText = h("span", { "aria-live": "polite" });
  const copyIds = copyButton(
    () => `${model.get("selected_item_id")} ${model.get("source_image_asset_id")}`,
    { label: "Copy ids", title: "Copy the item id and the source image asset id" },
  );
  const selected = h("p", { class: "masko-selected" }, [selectedText, copyIds]);
  const prompt = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "text",
      class: "masko-animate-prompt",
      placeholder: "e.g. waves hello",
      "aria-label": "Animation prompt",
    })
  );
  const duration = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "number",
      class: "masko-animate-duration",
      min: model.get("min_duration"),
      max: model.get("max_duration"),
      step: 1,
      value: 4,
      "aria-label": "Duration in seconds",
    })
  );
  const loop = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "checkbox",
      class: "masko-animate-loop",
      checked: true,
      "aria-label": "Loop",
    })
  );
  const button = /** @type {HTMLButtonElement} */ (
    h("button", { type: "submit", class: "masko-animate-button masko-primary", text: "Animate" })
  );
  const reason = h("span", { class: "masko-reason", id: uniqueId("animate-reason") });
  const form = h("form", { class: "masko-animate", "aria-label": "Animate the selected pose" }, [
    selected,
    field("Animation prompt", prompt),
    field("Seconds", duration, " masko-short"),
    h("label", { class: "masko-check" }, [loop, h("span", { text: "Loop" })]),
    h("div", { class: "masko-add-row masko-action-row" }, [button, reason]),
    taskList(model, { kinds: ["animate"] }),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = Number(duration.value) || 4;
    model.send({
      event: "animate",
      prompt: prompt.value.trim(),
      duration: seconds,
      loop: loop.checked,
    });
  });
  return { form, selectedText, copyIds, prompt, button, reason };
}

/**
 * Why Animate cannot run now, or "" when it can.
 * @param {Model} model
 * @param {string} prompt
 */
export function animateBlocker(model, prompt) {
  if (!model.get("source_image_asset_id")) return "Select a pose first.";
  if (busy(model, ["animate"])) return "An animation is on its way.";
  // poses still loading, or still on their way after Cancel, do not stop it
  const running = tasksOf(model).find((task) => task.kind !== LOADING && task.kind !== LATE);
  if (running) {
    return `Wait until “${running.label}” is done${running.cancellable ? ", or Cancel it" : ""}.`;
  }
  if (prompt.trim() === "") return "Describe the movement first.";
  return "";
}

/** The Animate panel of `model`; `paint()` follows the selection and running tasks. */
export function animatePanel(/** @type {Model} */ model, /** @type {PoseStore} */ store) {
  const { form, selectedText, copyIds, prompt, button, reason } = animateForm(model);

  function paint() {
    const source = model.get("source_image_asset_id");
    const selected = model.get("selected_item_id");
    const row = selected ? store.rows.get(selected) : undefined;
    // The pose's name (its ids are for Python: Copy ids puts them on the clipboard).
    selectedText.textContent = source
      ? `Selected: ${row?.[1] || "untitled pose"}`
      : "Select a pose to animate it.";
    shown(copyIds, Boolean(source));
    const why = animateBlocker(model, prompt.value);
    explainDisabled(button, reason, why);
  }
  prompt.addEventListener("input", paint);
  return { form, paint };
}

/** The video of the last animation (bytes as an object URL, or its URL when large). */
export function animationView(/** @type {Model} */ model, /** @type {ObjectUrls} */ urls) {
  const video = /** @type {HTMLVideoElement} */ (
    h("video", {
      class: "masko-video",
      controls: true,
      loop: true,
      muted: true,
      autoplay: true,
      playsinline: true,
      "aria-label": "Animation",
    })
  );
  video.muted = true; // lets it autoplay
  const caption = h("figcaption", {});
  const figure = h("figure", { class: "masko-animation" }, [video, caption]);

  function paint() {
    const clip = model.get("animation") ?? {};
    urls.delete("animation");
    if (!("item_id" in clip)) {
      video.removeAttribute("src");
      shown(figure, false);
      return;
    }
    video.src = clip.data ? (urls.set("animation", clip.data, clip.mime) ?? "") : (clip.url ?? "");
    video.dataset.itemId = clip.item_id;
    caption.textContent = `“${clip.prompt}”, ${clip.duration} s${clip.loop ? ", looping" : ""}`;
    shown(figure, true);
    video.play?.()?.catch?.(() => {});
  }
  return { figure, paint };
}
