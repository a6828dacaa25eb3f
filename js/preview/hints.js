// @ts-check
// The preview's one-off style hints: their pictures, and upload or URL to add more.

import { filePicker, localError, sendImages, urlForm } from "../lib/add.js";
import { describedBy, h, shown, uniqueId } from "../lib/dom.js";
import { listen } from "../lib/model.js";
import { slotSummary } from "../lib/slots.js";

/**
 * @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").PreviewTraits, import("../lib/protocol.js").PreviewMessage>} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 * @typedef {import("../lib/urls.js").ObjectUrls} ObjectUrls
 * @typedef {{ id: string, kind: string, label: string, url?: string,
 *   thumbnail?: DataView<ArrayBuffer>, mime?: string }} Hint
 */

/** @param {Model} model */
const hintState = (model) =>
  slotSummary((model.get("hints") ?? []).length, model.get("max_hints"), 0, "hint");

/**
 * The hints section: header with the count, the hint pictures, the add controls.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
export function hintSection(model, urls, cleanups) {
  const count = h("span", { class: "masko-count", "aria-live": "polite" });
  const list = h("ul", { class: "masko-hint-list", "aria-label": "Style hints" });
  const { say, el: problems } = localError();
  const picker = filePicker({
    model,
    inputClass: "masko-hint-file-input",
    label: "Upload hint images",
    text: "Add hint images…",
    onFiles: (files) => {
      const {
        problems: found,
        sent,
        refused,
      } = sendImages(model, "add_hint_file", files, hintState(model).free);
      if (refused > 0) found.push(`Only ${sent} free hint slot(s): ${refused} image(s) left out.`);
      say(found.join(" "));
    },
  });
  const url = urlForm(model, {
    event: "add_hint_url",
    inputClass: "masko-hint-url-input",
    buttonClass: "masko-add-hint-url",
    placeholder: "https://…/style.png",
    label: "Hint image URL",
    text: "Add hint URL",
    say,
    upload: () => picker.input.click(),
  });
  const limit = h("p", { class: "masko-limit", id: uniqueId("hint-limit") });
  const controls = [picker.input, picker.button, url.input, url.button];
  function paint() {
    const hints = /** @type {Hint[]} */ (model.get("hints") ?? []);
    urls.retain(new Set(hints.map((hint) => `hint:${hint.id}`)));
    list.replaceChildren(...hints.map((hint, index) => hintItem(model, urls, hint, index)));
    shown(list, hints.length > 0);
    const state = hintState(model);
    count.textContent = `${state.used} of ${state.max} · for this preview only`;
    limit.textContent = state.reason;
    shown(limit, state.full);
    for (const control of controls) {
      control.disabled = state.full;
      describedBy(control, state.full ? limit : null);
    }
  }
  cleanups.push(listen(model, ["hints"], paint));
  // A problem stays while its own hints land; the next attempt (or Dismiss) replaces it.
  paint();
  return h("section", { class: "masko-hints", "aria-label": "Style hints for this preview only" }, [
    h("div", { class: "masko-head" }, [h("h4", { text: "Style hints" }), count]),
    list,
    h("div", { class: "masko-add-row" }, [picker.button, picker.input]),
    url.form,
    limit,
    problems,
  ]);
}

/**
 * One hint's picture (its URL's image, or the uploaded thumbnail) and its Remove button.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Hint} hint
 * @param {number} index
 */
function hintItem(model, urls, hint, index) {
  const key = `hint:${hint.id}`;
  const src = hint.thumbnail
    ? (urls.get(key) ?? urls.set(key, hint.thumbnail, hint.mime ?? ""))
    : (hint.url ?? "");
  const picture = h("img", {
    src,
    alt: `Hint ${index + 1}: ${hint.label}`,
    loading: "lazy",
    decoding: "async",
  });
  // A picture the browser cannot load leaves the preview (Python says why).
  picture.onerror = () => model.send({ event: "hint_failed", id: hint.id });
  return h("li", { class: "masko-hint", "data-hint-id": hint.id, title: hint.label }, [
    picture,
    h("button", {
      type: "button",
      class: "masko-remove",
      "aria-label": `Remove hint ${index + 1}`,
      title: "Remove this hint",
      text: "×",
      onclick: () => model.send({ event: "remove_hint", id: hint.id }),
    }),
  ]);
}
