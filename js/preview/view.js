// @ts-check
// PreviewPanel: throwaway previews from a prompt and up to six one-off style hints.
// Hints are never pinned to the collection and leave the widget state after the request.

import { styleCard } from "../lib/card.js";
import { explainDisabled, h, root, uniqueId } from "../lib/dom.js";
import { listen } from "../lib/model.js";
import { busy, statusArea, taskList } from "../lib/status.js";
import { ObjectUrls } from "../lib/urls.js";
import { hintSection } from "./hints.js";
import { keptList, resultSets } from "./results.js";

/**
 * @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").PreviewTraits, import("../lib/protocol.js").PreviewMessage>} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 */

/**
 * Draw the preview panel of `model` into `el`; returns the function that undoes it.
 * @param {import("../lib/model.js").RenderArgs<import("../lib/protocol.js").PreviewTraits, import("../lib/protocol.js").PreviewMessage>} args
 */
export function render({ model, el }) {
  root(el, "preview", "Preview panel");
  /** @type {Cleanup[]} */
  const cleanups = [];
  const hintUrls = new ObjectUrls();
  const resultUrls = new ObjectUrls();
  const prompt = promptBox(model, cleanups);
  const results = resultSets(model, resultUrls, cleanups);
  el.replaceChildren(
    h("header", { class: "masko-head" }, [h("h3", { text: "Preview" })]),
    ...(model.get("can_keep") ? [styleCard(model, { compact: true, cleanups })] : []),
    prompt.field,
    hintSection(model, hintUrls, cleanups),
    previewRow(model, prompt.input, results.compare, cleanups),
    taskList(model, { kinds: ["preview", "hint"], cleanups }),
    statusArea(model, { cleanups, tasks: false }), // under Preview, where most errors start
    results.el,
    keptList(model, cleanups),
    taskList(model, { kinds: ["keep"], cleanups }),
  );
  return () => {
    for (const stop of cleanups) stop();
    hintUrls.clear();
    resultUrls.clear();
  };
}

/**
 * The prompt box, two-way bound to the `prompt` trait.
 * @param {Model} model
 * @param {Cleanup[]} cleanups
 */
function promptBox(model, cleanups) {
  const input = h("textarea", {
    class: "masko-prompt",
    rows: 2,
    placeholder: "e.g. the mascot waving, big smile",
    "aria-label": "Preview prompt",
  });
  input.value = model.get("prompt") ?? "";
  input.addEventListener("change", () => {
    model.set("prompt", input.value);
    model.save_changes();
  });
  cleanups.push(
    listen(model, ["prompt"], () => {
      if (document.activeElement !== input) input.value = model.get("prompt") ?? "";
    }),
  );
  const field = h("label", { class: "masko-field masko-wide" }, [
    h("span", { text: "Prompt" }),
    input,
  ]);
  return { field, input };
}

/**
 * Why Preview cannot run now, or "" when it can.
 * @param {Model} model
 * @param {string} prompt
 */
export function previewBlocker(model, prompt) {
  if (busy(model, ["preview"])) return "A preview is on its way.";
  if (busy(model, ["hint"])) return "Wait until the hint images are added.";
  if (prompt.trim() === "") return "Write a prompt first.";
  return "";
}

/**
 * Preview and Compare, with the reason beside Preview while it is disabled.
 * @param {Model} model
 * @param {HTMLTextAreaElement} prompt
 * @param {HTMLButtonElement} compare
 * @param {Cleanup[]} cleanups
 */
function previewRow(model, prompt, compare, cleanups) {
  const button = h("button", {
    type: "button",
    class: "masko-preview-button masko-primary",
    id: uniqueId("preview"),
    text: "Preview",
    title: "Preview the prompt (Enter in the prompt; Shift+Enter for a new line)",
  });
  prompt.setAttribute("data-enter-presses", button.id);
  const reason = h("span", { class: "masko-reason", id: uniqueId("preview-reason") });
  button.addEventListener("click", () => {
    model.set("prompt", prompt.value);
    model.save_changes();
    model.send({ event: "preview", prompt: prompt.value });
  });
  function paint() {
    const why = previewBlocker(model, prompt.value);
    explainDisabled(button, reason, why);
  }
  prompt.addEventListener("input", paint);
  cleanups.push(() => prompt.removeEventListener("input", paint));
  cleanups.push(listen(model, ["prompt", "tasks"], paint));
  paint();
  return h("div", { class: "masko-add-row masko-action-row" }, [button, reason, compare]);
}
