// @ts-check
// The Edit panel: an instruction for the selected pose ("add a red scarf"); the job's progress
// and Cancel show beside the button, and the new picture replaces the pose's tile.

import { explainDisabled, h, uniqueId } from "../lib/dom.js";
import { taskList } from "../lib/status.js";
import { editsByItem } from "./pending.js";

/** @typedef {import("./store.js").Model} Model */
/** @typedef {import("./store.js").PoseStore} PoseStore */

/**
 * Why Edit cannot run now, or "" when it can.
 * @param {Model} model
 * @param {string} instructions
 */
export function editBlocker(model, instructions) {
  const selected = model.get("selected_item_id");
  if (!selected || !model.get("source_image_asset_id")) return "Select a pose first.";
  if (editsByItem(model.get("pending") ?? []).has(selected)) {
    return "This pose is being edited: wait for its new picture.";
  }
  if (instructions.trim() === "") return "Say what to change first.";
  return "";
}

/** The Edit panel of `model`; `paint()` follows the selection and the poses on their way. */
export function editPanel(
  /** @type {Model} */ model,
  /** @type {Pick<PoseStore, "rows">} the poses by item id */ store,
) {
  const selectedText = h("p", { class: "masko-selected", "aria-live": "polite" });
  const instructions = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "text",
      class: "masko-edit-instructions",
      placeholder: "e.g. add a red scarf",
      "aria-label": "What to change in the selected pose",
    })
  );
  const button = /** @type {HTMLButtonElement} */ (
    h("button", { type: "submit", class: "masko-edit-button masko-primary", text: "Edit pose" })
  );
  const reason = h("span", { class: "masko-reason", id: uniqueId("edit-reason") });
  const form = h("form", { class: "masko-edit", "aria-label": "Edit the selected pose" }, [
    selectedText,
    h("label", { class: "masko-field" }, [h("span", { text: "What to change" }), instructions]),
    h("div", { class: "masko-add-row masko-action-row" }, [button, reason]),
    taskList(model, { kinds: ["edit"] }),
  ]);

  function paint() {
    const selected = model.get("selected_item_id");
    const row = selected ? store.rows.get(selected) : undefined;
    selectedText.textContent = row
      ? `Selected: ${row[1] || "untitled pose"} (1 credit; the new picture replaces it)`
      : "Select a pose to edit it.";
    explainDisabled(button, reason, editBlocker(model, instructions.value));
  }

  instructions.addEventListener("input", paint);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (editBlocker(model, instructions.value) !== "") return;
    model.send({ event: "edit", instructions: instructions.value.trim() });
    instructions.value = "";
    paint();
  });
  return { form, paint };
}
