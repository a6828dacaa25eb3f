// @ts-check
// "Try before you pin": candidate references previewed as one-off hints beside the current
// set, with on-model scores, and "Pin these" (asking which references to replace when full).

import { filePicker, localError, sendImages, urlForm } from "../lib/add.js";
import { assetForm } from "./add.js";
import { explainDisabled, h, shown, uniqueId } from "../lib/dom.js";
import { listen } from "../lib/model.js";
import { busy, taskList } from "../lib/status.js";

/**
 * @typedef {import("../lib/model.js").Model} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 * @typedef {import("../lib/urls.js").ObjectUrls} ObjectUrls
 * @typedef {{ id: string, label: string, asset_id: string | null,
 *   thumbnail: DataView<ArrayBuffer>, mime: string }} Candidate
 * @typedef {{ previews: { thumbnail: DataView<ArrayBuffer>, mime: string }[],
 *   scores: { candidates: number | null, current: number | null } }} Side
 * @typedef {{ prompt: string, current: string[], sides: { candidates: Side, current: Side } }} Trial
 */

const WORK = ["candidate", "trial", "pin"];

/** @param {Model} model */
const candidatesOf = (model) => /** @type {Candidate[]} */ (model.get("trial_candidates") ?? []);

/**
 * How many current references the candidates would have to replace (0 when they fit).
 * @param {Model} model
 */
export function replaceCount(model) {
  const current = /** @type {string[]} */ (model.get("reference_asset_ids") ?? []);
  const fresh = candidatesOf(model).filter((c) => !c.asset_id || !current.includes(c.asset_id));
  return Math.max(0, current.length + fresh.length - model.get("max_slots"));
}

/**
 * Why Try cannot run now, or "" when it can.
 * @param {Model} model
 * @param {string} prompt
 */
export function tryBlocker(model, prompt) {
  if (busy(model, WORK)) return "Wait for the running step to finish.";
  if (candidatesOf(model).length === 0) return "Add a candidate first.";
  if (prompt.trim() === "") return "Write a prompt to try them with.";
  return "";
}

/**
 * The whole panel, folded until opened (open while it holds candidates).
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
export function trialPanel(model, urls, cleanups) {
  const panel = h("details", { class: "masko-trial" }, [
    h("summary", { text: "Try references before pinning them" }),
    h("div", { class: "masko-trial-body" }, [
      h("p", {
        class: "masko-trial-intro",
        text: "Candidates are tried as one-off hints beside the current references; nothing is pinned until you press Pin these.",
      }),
      candidateList(model, urls, cleanups),
      candidateAdders(model),
      tryRow(model, cleanups),
      taskList(model, { kinds: WORK, cleanups }),
      trialResult(model, urls, cleanups),
    ]),
  ]);
  const open = () => {
    if (candidatesOf(model).length > 0) panel.setAttribute("open", "");
  };
  cleanups.push(listen(model, ["trial_candidates"], open));
  open();
  return panel;
}

/**
 * The candidates: picture, name (asset id on hover) and Remove.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
function candidateList(model, urls, cleanups) {
  const list = h("ul", { class: "masko-hint-list", "aria-label": "Candidate references" });
  function paint() {
    const candidates = candidatesOf(model);
    list.replaceChildren(
      ...candidates.map((c, index) => {
        const key = `candidate:${c.id}`;
        const src = urls.get(key) ?? urls.set(key, c.thumbnail, c.mime);
        return h("li", { class: "masko-hint", title: c.label }, [
          h("img", { src, alt: `Candidate ${index + 1}: ${c.label}` }),
          h("button", {
            type: "button",
            class: "masko-remove",
            "aria-label": `Remove candidate ${index + 1}`,
            title: "Remove this candidate",
            text: "×",
            onclick: () => model.send({ event: "remove_candidate", id: c.id }),
          }),
        ]);
      }),
    );
    shown(list, candidates.length > 0);
  }
  cleanups.push(listen(model, ["trial_candidates"], paint));
  paint();
  return list;
}

/**
 * Upload, URL and existing asset, for candidates.
 * @param {Model} model
 */
function candidateAdders(model) {
  const { say, el: problems } = localError();
  const picker = filePicker({
    model,
    inputClass: "masko-candidate-file-input",
    label: "Upload candidate images",
    text: "Add candidates…",
    onFiles: (files) => {
      const free = model.get("max_slots") - candidatesOf(model).length;
      const { problems: found } = sendImages(model, "add_candidate_file", files, free);
      say(found.join(" "));
    },
  });
  const url = urlForm(model, {
    event: "add_candidate_url",
    inputClass: "masko-candidate-url-input",
    buttonClass: "masko-add-candidate-url",
    placeholder: "https://…/candidate.png",
    label: "Candidate image URL",
    text: "Add URL",
    say,
    upload: () => picker.input.click(),
  });
  const asset = assetForm(model, say, {
    event: "add_candidate_asset",
    label: "Candidate asset id",
  });
  return h("div", { class: "masko-add" }, [
    h("div", { class: "masko-add-row" }, [picker.button, picker.input]),
    url.form,
    asset.form,
    problems,
  ]);
}

/**
 * The trial prompt, Try, and the reason Try is disabled.
 * @param {Model} model
 * @param {Cleanup[]} cleanups
 */
function tryRow(model, cleanups) {
  const prompt = h("input", {
    type: "text",
    class: "masko-trial-prompt",
    placeholder: "a prompt to try them with, e.g. waving",
    "aria-label": "Trial prompt",
  });
  prompt.value = model.get("trial_prompt") ?? "";
  const button = h("button", {
    type: "button",
    class: "masko-try masko-primary",
    id: uniqueId("try"),
    text: "Try",
  });
  prompt.setAttribute("data-enter-presses", button.id);
  const reason = h("span", { class: "masko-reason", id: uniqueId("try-reason") });
  button.addEventListener("click", () => {
    model.set("trial_prompt", prompt.value);
    model.save_changes();
    model.send({ event: "try", prompt: prompt.value });
  });
  function paint() {
    const why = tryBlocker(model, prompt.value);
    explainDisabled(button, reason, why);
  }
  prompt.addEventListener("input", paint);
  cleanups.push(() => prompt.removeEventListener("input", paint));
  cleanups.push(listen(model, ["trial_candidates", "tasks"], paint));
  paint();
  return h("div", { class: "masko-add-row masko-action-row" }, [prompt, button, reason]);
}

/**
 * Both previews side by side with their scores, and Pin these.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
function trialResult(model, urls, cleanups) {
  const sides = h("div", { class: "masko-result-sets is-comparing" });
  const chooser = h("div", { class: "masko-pin-chooser" });
  const pinButton = h("button", { type: "button", class: "masko-pin", text: "Pin these" });
  pinButton.addEventListener("click", () => {
    if (replaceCount(model) === 0) model.send({ event: "pin" });
    else openChooser(model, urls, chooser);
  });
  const box = h("section", { class: "masko-trial-result", "aria-label": "Trial result" }, [
    sides,
    h("div", { class: "masko-add-row" }, [pinButton]),
    chooser,
  ]);
  function paint() {
    const trial = /** @type {Trial | null} */ (model.get("trial") ?? null);
    const ready = Boolean(trial?.sides);
    shown(box, ready);
    chooser.replaceChildren();
    if (!trial?.sides) return sides.replaceChildren();
    urls.retain(new Set(candidatesOf(model).map((c) => `candidate:${c.id}`)));
    sides.replaceChildren(
      side(urls, "candidates", "With the candidates", trial.sides.candidates),
      side(urls, "current", "With the current references", trial.sides.current),
    );
    pinButton.disabled = busy(model, WORK);
  }
  cleanups.push(listen(model, ["trial", "tasks"], paint));
  paint();
  return box;
}

/**
 * One side of a trial: its previews and its scores against both sets.
 * @param {ObjectUrls} urls
 * @param {"candidates" | "current"} name
 * @param {string} title
 * @param {Side} data
 */
function side(urls, name, title, data) {
  const score = (/** @type {number | null} */ value) => (value === null ? "–" : String(value));
  const images = data.previews.map((preview, i) => {
    const key = `trial:${name}:${i}`;
    const src = urls.set(key, preview.thumbnail, preview.mime);
    return h("li", { class: "masko-result" }, [
      h("img", { src, alt: `${title}, preview ${i + 1}` }),
    ]);
  });
  return h("section", { class: "masko-result-set", "data-side": name, "aria-label": title }, [
    h("h4", { text: title }),
    h("ul", { class: "masko-results" }, images),
    h("p", {
      class: "masko-trial-scores",
      text: `On-model: ${score(data.scores.candidates)} against the candidates, ${score(data.scores.current)} against the current references`,
    }),
  ]);
}

/**
 * Ask which current references the candidates replace, then pin.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {HTMLElement} chooser
 */
function openChooser(model, urls, chooser) {
  const needed = replaceCount(model);
  const slots = /** @type {import("./slots.js").Slot[]} */ (model.get("slots") ?? []);
  const boxes = slots.map((slot, index) =>
    h("input", {
      type: "checkbox",
      value: slot.asset_id,
      "aria-label": `Replace reference ${index + 1}`,
    }),
  );
  const confirm = h("button", { type: "button", class: "masko-primary", text: "Pin and replace" });
  const count = () => boxes.filter((box) => box.checked).length;
  const paint = () => {
    confirm.disabled = count() < needed;
  };
  for (const box of boxes) box.addEventListener("change", paint);
  confirm.addEventListener("click", () => {
    const replace = boxes.filter((box) => box.checked).map((box) => box.value);
    model.send({ event: "pin", replace });
    chooser.replaceChildren();
  });
  const cancel = h("button", {
    type: "button",
    text: "Cancel",
    onclick: () => chooser.replaceChildren(),
  });
  const legend = `All ${model.get("max_slots")} slots would be used: choose ${needed} reference${needed === 1 ? "" : "s"} to replace`;
  chooser.replaceChildren(
    h("fieldset", { class: "masko-replace" }, [
      h("legend", { text: legend }),
      h(
        "ul",
        { class: "masko-hint-list" },
        slots.map((slot, index) => {
          const src = urls.set(`replace:${slot.asset_id}`, slot.thumbnail, slot.mime);
          return h("li", { class: "masko-replace-choice", title: slot.asset_id }, [
            h("label", {}, [
              boxes[index],
              src ? h("img", { src, alt: "" }) : null,
              h("span", { text: `Reference ${index + 1}` }),
            ]),
          ]);
        }),
      ),
      h("div", { class: "masko-add-row" }, [confirm, cancel]),
    ]),
  );
  paint();
  boxes[0]?.focus();
}
