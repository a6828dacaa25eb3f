// @ts-check
// The gallery's ways to add a reference (upload, drop, URL, existing asset), disabled with a
// visible reason when every slot is used.

import { filePicker, localError, sendImages, urlForm } from "../lib/add.js";
import { describedBy, h, shown, uniqueId } from "../lib/dom.js";
import { listen } from "../lib/model.js";
import { slotSummary } from "../lib/slots.js";

/**
 * @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").GalleryTraits, import("../lib/protocol.js").GalleryMessage>} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 */

/**
 * Slot counts and words, counting the adds still on their way.
 * @param {Model} model
 */
export function slotState(model) {
  const tasks = /** @type {{ kind: string }[]} */ (model.get("tasks") ?? []);
  return slotSummary(
    (model.get("reference_asset_ids") ?? []).length,
    model.get("max_slots"),
    tasks.filter((task) => task.kind === "add").length,
  );
}

/**
 * The add controls; `el` (the widget) takes dropped images.
 * @param {Model} model
 * @param {HTMLElement} el
 * @param {Cleanup[]} cleanups
 */
export function addArea(model, el, cleanups) {
  const { say, el: problems } = localError();
  const addFiles = (/** @type {Iterable<File> | ArrayLike<File>} */ files) => {
    const {
      problems: found,
      sent,
      refused,
    } = sendImages(model, "add_file", files, slotState(model).free);
    if (refused > 0) found.push(`Only ${sent} free slot(s): ${refused} image(s) were not added.`);
    say(found.join(" "));
  };
  const picker = filePicker({
    model,
    inputClass: "masko-file-input",
    label: "Upload reference images",
    text: "Upload images…",
    onFiles: addFiles,
  });
  const url = urlForm(model, {
    event: "add_url",
    inputClass: "masko-url-input",
    buttonClass: "masko-add-url",
    placeholder: "https://…/image.png",
    label: "Reference image URL",
    text: "Add URL",
    say,
    upload: () => picker.input.click(),
  });
  const asset = assetForm(model, say);
  const limit = h("p", { class: "masko-limit", id: uniqueId("limit") });
  const area = h("div", { class: "masko-add", role: "group", "aria-label": "Add references" }, [
    h("div", { class: "masko-add-row" }, [
      picker.button,
      picker.input,
      h("span", { class: "masko-drop-hint", text: "or drop images on the slots" }),
    ]),
    url.form,
    asset.form,
    limit,
    problems,
  ]);
  const controls = [picker.input, picker.button, url.input, url.button, asset.input, asset.button];
  function paint() {
    const state = slotState(model);
    limit.textContent = state.reason;
    // A refused add says the same in the error line: one message is enough.
    shown(limit, state.full && !model.get("error"));
    for (const control of controls) {
      control.disabled = state.full;
      describedBy(control, state.full ? limit : null);
    }
    area.classList.toggle("is-full", state.full);
  }
  cleanups.push(listen(model, ["reference_asset_ids", "tasks", "error"], paint));
  // A problem stays while its own adds land; the next attempt (or Dismiss) replaces it.
  cleanups.push(dropTarget(model, el, addFiles, say));
  paint();
  return area;
}

/**
 * An "existing asset id" box and its button, sending `{event, asset_id}`.
 * @param {Model} model
 * @param {(text: string) => void} say
 * @param {{ event?: "add_asset" | "add_candidate_asset", label?: string }} [options]
 */
export function assetForm(model, say, { event = "add_asset", label = "Existing asset id" } = {}) {
  const input = h("input", {
    type: "text",
    class: "masko-asset-input",
    placeholder: "asset id",
    "aria-label": label,
  });
  const button = h("button", { type: "submit", class: "masko-add-asset", text: "Add asset" });
  const form = h("form", { class: "masko-asset-form" }, [input, button]);
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    const assetId = input.value.trim();
    if (!assetId) return say("Enter the id of an existing image asset.");
    say("");
    model.send({ event, asset_id: assetId });
    input.value = "";
  });
  return { form, input, button };
}

/**
 * Accept images dropped on the widget while a slot is free; returns the function that stops.
 * @param {Model} model
 * @param {HTMLElement} el
 * @param {(files: FileList) => void} addFiles
 * @param {(text: string) => void} say
 * @returns {Cleanup}
 */
function dropTarget(model, el, addFiles, say) {
  /** @param {DragEvent} event */
  const over = (event) => {
    if (slotState(model).full) return;
    event.preventDefault();
    el.classList.add("is-dragging");
  };
  const leave = () => el.classList.remove("is-dragging");
  /** @param {DragEvent} event */
  const drop = (event) => {
    el.classList.remove("is-dragging");
    const files = event.dataTransfer?.files;
    if (!files?.length) return;
    event.preventDefault();
    const state = slotState(model);
    if (state.full) say(state.reason);
    else addFiles(files);
  };
  el.addEventListener("dragover", over);
  el.addEventListener("dragleave", leave);
  el.addEventListener("drop", drop);
  return () => {
    el.removeEventListener("dragover", over);
    el.removeEventListener("dragleave", leave);
    el.removeEventListener("drop", drop);
  };
}
