// @ts-check
// The New poses panel: suggested pose names to tick, one of your own, and Generate.

import { explainDisabled, h, shown, uniqueId } from "../lib/dom.js";
import { busy, taskList } from "../lib/status.js";

/** @typedef {import("./store.js").Model} Model */

/** "Generate 3 poses", and whether the pick can be sent (at most `max` at once). */
export function generateLabel(/** @type {number} */ count, /** @type {number} */ max) {
  const text = count ? `Generate ${count} pose${count === 1 ? "" : "s"}` : "Generate poses";
  return { text, allowed: count > 0 && count <= max };
}

/**
 * Why Generate cannot run for `count` picked poses, or "" when it can.
 * @param {Model} model
 * @param {number} count
 */
export function generateBlocker(model, count) {
  const max = model.get("max_batch");
  if (busy(model, ["generate"])) return "Poses are on their way: wait for them, or Cancel.";
  if (count === 0) return "Tick a suggestion or write a pose.";
  if (count > max) return `At most ${max} poses at once.`;
  return "";
}

/**
 * The ticked suggestions and the pose written in `own`.
 * @param {HTMLElement} choices
 * @param {HTMLInputElement} own
 */
function pickedNames(choices, own) {
  const boxes = /** @type {NodeListOf<HTMLInputElement>} */ (
    choices.querySelectorAll("input:checked")
  );
  const names = [...boxes].map((box) => box.value);
  const mine = own.value.trim();
  return mine ? [...names, mine] : names;
}

/** The panel's elements: Suggest, the suggestions, one pose of your own, Generate. */
function generateForm(/** @type {Model} */ model) {
  const suggest = h("button", {
    type: "button",
    class: "masko-suggest",
    text: "Suggest poses",
    onclick: () => model.send({ event: "suggest" }),
  });
  const choices = h("fieldset", { class: "masko-suggestions" });
  const own = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "text",
      class: "masko-own-pose",
      placeholder: "your own pose, e.g. jumping",
      "aria-label": "Another pose to generate",
    })
  );
  const button = /** @type {HTMLButtonElement} */ (
    h("button", { type: "submit", class: "masko-generate masko-primary" })
  );
  const reason = h("span", { class: "masko-reason", id: uniqueId("generate-reason") });
  const form = h("form", { class: "masko-new-poses", "aria-label": "New poses" }, [
    h("div", { class: "masko-add-row" }, [suggest]),
    taskList(model, { kinds: ["suggest"] }),
    choices,
    own,
    h("div", { class: "masko-add-row masko-action-row" }, [button, reason]),
    taskList(model, { kinds: ["generate"] }),
  ]);
  return { form, choices, own, button, reason };
}

/** The panel of `model`; `paint()` redraws the suggestions. */
export function generatePanel(/** @type {Model} */ model) {
  const { form, choices, own, button, reason } = generateForm(model);
  const picked = () => pickedNames(choices, own);

  function paintButton() {
    const count = picked().length;
    const { text, allowed } = generateLabel(count, model.get("max_batch"));
    const why = generateBlocker(model, count);
    button.textContent = text;
    explainDisabled(button, reason, why, allowed);
  }

  function paint() {
    const names = model.get("suggestions") ?? [];
    shown(choices, names.length > 0); // no empty box before the first suggestions
    choices.replaceChildren(
      h("legend", { text: "Pick poses to generate" }),
      ...names.map((/** @type {string} */ name) =>
        h("label", { class: "masko-check" }, [
          h("input", { type: "checkbox", value: name }),
          h("span", { text: name }),
        ]),
      ),
    );
    paintButton();
  }

  choices.addEventListener("change", paintButton);
  own.addEventListener("input", paintButton);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const actions = picked();
    if (!generateLabel(actions.length, model.get("max_batch")).allowed) return;
    model.send({ event: "generate", actions });
    own.value = "";
    for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (
      choices.querySelectorAll("input:checked")
    )) {
      box.checked = false;
    }
    paintButton();
  });
  return { form, paint, paintButton };
}
