// @ts-check
// "Try before you pin": a preview with the current references plus the candidates (what pinning
// would give) beside one with the current set, with on-model scores as short labelled figures,
// and "Pin these". When the candidates do not fit in the slots, Try and Pin ask which current
// references they replace.

import { filePicker, localError, sendImages, urlForm } from "../lib/add.js";
import { assetForm } from "./add.js";
import { explainDisabled, h, shown, uniqueId } from "../lib/dom.js";
import { listen } from "../lib/model.js";
import { openReplaceChooser, replaceNeeded } from "../lib/replace.js";
import { busy, taskList } from "../lib/status.js";

/**
 * @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").GalleryTraits, import("../lib/protocol.js").GalleryMessage>} Model
 * @typedef {import("../lib/model.js").Cleanup} Cleanup
 * @typedef {import("../lib/urls.js").ObjectUrls} ObjectUrls
 * @typedef {{ id: string, label: string, asset_id: string | null,
 *   thumbnail: DataView<ArrayBuffer>, mime: string }} Candidate
 * @typedef {{ previews: { thumbnail: DataView<ArrayBuffer>, mime: string }[],
 *   scores: { candidates: number | null, current: number | null } }} Side
 * @typedef {{ prompt: string, current: string[], replace?: string[], candidate_count?: number,
 *   sides: { candidates: Side, current: Side } }} Trial
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
  return replaceNeeded(current.length, fresh.length, model.get("max_slots"));
}

/**
 * The current references a trial left out that are still pinned: what Pin replaces without
 * asking again (when they are enough).
 * @param {Model} model
 * @param {Trial | null} trial
 */
export function triedReplace(model, trial) {
  const current = /** @type {string[]} */ (model.get("reference_asset_ids") ?? []);
  return (trial?.replace ?? []).filter((id) => current.includes(id));
}

/**
 * A side's scores as short labelled figures: how close its previews stay to each set.
 * @param {Side["scores"]} scores
 */
export function scoreFigures(scores) {
  const figure = (/** @type {number | null} */ value) => (value === null ? "–" : String(value));
  return [
    { label: "current", value: figure(scores.current), set: "current" },
    { label: "candidates", value: figure(scores.candidates), set: "candidates" },
  ];
}

/**
 * What each side was made with, in a few words.
 * @param {Trial} trial
 */
export function sideNotes(trial) {
  const plural = (/** @type {number} */ n, /** @type {string} */ word) =>
    `${n} ${word}${n === 1 ? "" : "s"}`;
  const kept = trial.current.length - (trial.replace ?? []).length;
  const added = trial.candidate_count ?? 0;
  const left = (trial.replace ?? []).length;
  const candidates = [kept > 0 ? `${kept} current` : "", plural(added, "candidate")].filter(
    Boolean,
  );
  return {
    candidates: `${candidates.join(" + ")}${left ? ` (${left} replaced)` : ""}`,
    current: trial.current.length ? plural(trial.current.length, "reference") : "no references",
  };
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
        text: "Try shows what pinning the candidates would give (the current references plus the candidates) beside the current references; nothing is pinned until you press Pin these.",
      }),
      candidateList(model, urls, cleanups),
      candidateAdders(model),
      tryRow(model, urls, cleanups),
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
 * The trial prompt, Try, and the reason Try is disabled. When the candidates do not fit, Try
 * first asks which current references they would replace.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
function tryRow(model, urls, cleanups) {
  const chooser = h("div", { class: "masko-pin-chooser" });
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
    const text = prompt.value;
    if (replaceCount(model) === 0) return model.send({ event: "try", prompt: text });
    openChooser(model, urls, chooser, {
      action: "try",
      confirm: "Try in their place",
      choose: (replace) => model.send({ event: "try", prompt: text, replace }),
    });
  });
  function paint() {
    const why = tryBlocker(model, prompt.value);
    explainDisabled(button, reason, why);
  }
  prompt.addEventListener("input", paint);
  cleanups.push(() => prompt.removeEventListener("input", paint));
  cleanups.push(listen(model, ["trial_candidates", "tasks"], paint));
  cleanups.push(listen(model, ["trial_candidates", "trial"], () => chooser.replaceChildren()));
  paint();
  return h("div", { class: "masko-trial-try" }, [
    h("div", { class: "masko-add-row masko-action-row" }, [prompt, button, reason]),
    chooser,
  ]);
}

/**
 * Both previews in two aligned columns with their scores, and Pin these.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {Cleanup[]} cleanups
 */
function trialResult(model, urls, cleanups) {
  const chooser = h("div", { class: "masko-pin-chooser" });
  const sides = h("div", { class: "masko-trial-sides" });
  const pinButton = h("button", {
    type: "button",
    class: "masko-pin masko-primary",
    text: "Pin these",
  });
  pinButton.addEventListener("click", () => {
    const trial = /** @type {Trial | null} */ (model.get("trial") ?? null);
    const needed = replaceCount(model);
    const replace = triedReplace(model, trial);
    if (needed === 0) return model.send({ event: "pin" });
    if (replace.length >= needed) return model.send({ event: "pin", replace });
    openChooser(model, urls, chooser, {
      action: "pin",
      confirm: "Pin and replace",
      choose: (chosen) => model.send({ event: "pin", replace: chosen }),
    });
  });
  const box = h("section", { class: "masko-trial-result", "aria-label": "Trial result" }, [
    sides,
    h("div", { class: "masko-add-row" }, [pinButton]),
    chooser,
  ]);
  function paint() {
    const trial = /** @type {Trial | null} */ (model.get("trial") ?? null);
    shown(box, Boolean(trial?.sides));
    chooser.replaceChildren();
    if (!trial?.sides) return sides.replaceChildren();
    urls.retain(new Set(candidatesOf(model).map((c) => `candidate:${c.id}`)));
    const notes = sideNotes(trial);
    sides.replaceChildren(
      side(urls, "candidates", "If pinned", notes.candidates, trial.sides.candidates),
      side(urls, "current", "Now", notes.current, trial.sides.current),
    );
    pinButton.disabled = busy(model, WORK);
    const replaced = triedReplace(model, trial).length;
    pinButton.textContent = replaced ? "Pin these in their place" : "Pin these";
  }
  cleanups.push(listen(model, ["trial", "tasks"], paint));
  paint();
  return box;
}

/**
 * One column of a trial: its title, what it was made with, its previews, its scores.
 * @param {ObjectUrls} urls
 * @param {"candidates" | "current"} name
 * @param {string} title
 * @param {string} note
 * @param {Side} data
 */
function side(urls, name, title, note, data) {
  const images = data.previews.map((preview, i) => {
    const key = `trial:${name}:${i}`;
    const src = urls.set(key, preview.thumbnail, preview.mime);
    return h("li", { class: "masko-result" }, [
      h("img", { src, alt: `${title} (${note}), preview ${i + 1}` }),
    ]);
  });
  const figures = scoreFigures(data.scores).map((figure) =>
    h("span", { class: "masko-figure", "data-against": figure.set }, [
      h("span", { class: "masko-figure-label", text: figure.label }),
      h("strong", { text: figure.value }),
    ]),
  );
  return h(
    "section",
    { class: "masko-trial-side", "data-side": name, "aria-label": `${title}: ${note}` },
    [
      h("h4", { text: title }),
      h("p", { class: "masko-set-prompt", text: note }),
      h("ul", { class: "masko-results" }, images),
      h("p", { class: "masko-figures-row" }, [
        h("span", {
          class: "masko-figures-title",
          text: "On-model",
          title: "How close these previews stay to each set's colours, 0 to 100",
        }),
        ...figures,
      ]),
    ],
  );
}

/**
 * Ask which current references the candidates replace, then try or pin with them.
 * @param {Model} model
 * @param {ObjectUrls} urls
 * @param {HTMLElement} chooser
 * @param {import("../lib/replace.js").How} how
 */
function openChooser(model, urls, chooser, how) {
  const pictures = /** @type {import("./slots.js").Slot[]} */ (model.get("slots") ?? []);
  const what = { pictures, needed: replaceCount(model), max: model.get("max_slots") };
  openReplaceChooser(chooser, urls, what, how);
}
