// @ts-check
// The New poses panel: suggested pose names to tick, one of your own, and Generate.

import { h } from "../lib/dom.js";

/** @typedef {import("./store.js").Model} Model */

/** "Generate 3 poses", and whether the pick can be sent (at most `max` at once). */
export function generateLabel(/** @type {number} */ count, /** @type {number} */ max) {
  const text = count ? `Generate ${count} pose${count === 1 ? "" : "s"}` : "Generate poses";
  return { text, allowed: count > 0 && count <= max };
}

/** The panel of `model`; `paint()` redraws the suggestions. */
export function generatePanel(/** @type {Model} */ model) {
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
  const form = h("form", { class: "masko-new-poses", "aria-label": "New poses" }, [
    h("div", { class: "masko-add-row" }, [suggest]),
    choices,
    h("div", { class: "masko-add-row" }, [own, button]),
  ]);

  function picked() {
    const boxes = /** @type {NodeListOf<HTMLInputElement>} */ (
      choices.querySelectorAll("input:checked")
    );
    const names = [...boxes].map((box) => box.value);
    const mine = own.value.trim();
    return mine ? [...names, mine] : names;
  }

  function paintButton() {
    const max = model.get("max_batch");
    const { text, allowed } = generateLabel(picked().length, max);
    button.textContent = text;
    button.disabled = !allowed;
    button.title = picked().length > max ? `At most ${max} poses at once` : "";
  }

  function paint() {
    const names = model.get("suggestions") ?? [];
    const legend = names.length ? "Pick poses to generate" : "Press “Suggest poses” for ideas";
    choices.replaceChildren(
      h("legend", { text: legend }),
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
  return { form, paint };
}
