// @ts-check
// The controls that add images (references, hints): a file picker, a URL form, and a line
// for problems found in the browser before anything is sent.

import { h, shown } from "./dom.js";
import { fileProblem, isHttpUrl, sendFile, uploadLimits } from "./files.js";
import { takeFiles } from "./slots.js";

/** @typedef {import("./model.js").Model<import("./protocol.js").UploadTraits, unknown>} Model */

/**
 * A line for problems found in the browser, with its own Dismiss button; `say(text)` shows it,
 * `say("")` hides it.
 */
export function localError() {
  const text = h("span", { class: "masko-error-text" });
  const el = h("div", { class: "masko-error masko-local-error", role: "alert" }, [
    text,
    h("button", {
      type: "button",
      class: "masko-dismiss",
      "aria-label": "Dismiss this message",
      title: "Dismiss",
      text: "×",
      onclick: () => say(""),
    }),
  ]);
  /** @param {string} message */
  function say(message) {
    text.textContent = message;
    shown(el, message !== "");
  }
  say("");
  return { el, say };
}

/**
 * A hidden multi-file input for the model's upload types and the button that opens it; each
 * pick goes to `onFiles`.
 * @param {{ model: Model, inputClass: string, label: string, text: string, onFiles: (files: File[]) => void }} options
 */
export function filePicker({ model, inputClass, label, text, onFiles }) {
  const input = h("input", {
    type: "file",
    multiple: true,
    accept: uploadLimits(model).types.join(","),
    class: `${inputClass} masko-visually-hidden`,
    "aria-label": label,
    tabindex: -1,
  });
  const button = h("button", {
    type: "button",
    class: "masko-upload",
    text,
    onclick: () => input.click(),
  });
  input.addEventListener("change", () => {
    const files = Array.from(input.files ?? []);
    input.value = ""; // so the same file can be picked again
    onFiles(files);
  });
  return { input, button };
}

/**
 * @template {string} E
 * @typedef {object} UrlFormOptions
 * @property {E} event the message sent to Python
 * @property {string} inputClass
 * @property {string} buttonClass
 * @property {string} placeholder
 * @property {string} label the input's accessible name
 * @property {string} text the button's text
 * @property {(text: string) => void} say where a problem is shown
 * @property {() => void} upload opens the file picker, offered where URLs cannot be used
 */

/**
 * A URL box and its button; an http(s) URL is sent to Python as `{event, url}`. Where the
 * server cannot fetch URLs (`url_note` says why), the box gives way to that reason and an
 * upload button.
 * @template {string} E
 * @param {import("./model.js").Model<{ url_note: string }, { event: E, url: string }>} model
 * @param {UrlFormOptions<E>} options
 */
export function urlForm(
  model,
  { event, inputClass, buttonClass, placeholder, label, text, say, upload },
) {
  const input = h("input", { type: "url", class: inputClass, placeholder, "aria-label": label });
  const note = model.get("url_note") ?? "";
  // Where URLs cannot be used, `button` is the upload offered instead (disabled as the URL's
  // button would be, when no slot is free).
  const button = note
    ? h("button", { type: "button", class: "masko-upload", text: "Upload the file…" })
    : h("button", { type: "submit", class: buttonClass, text });
  if (note) button.addEventListener("click", upload);
  const form = note
    ? h("p", { class: "masko-url-form masko-url-note" }, [h("span", { text: note }), button])
    : h("form", { class: "masko-url-form" }, [input, button]);
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    const url = input.value.trim();
    if (!isHttpUrl(url)) return say("Enter an http(s) URL of an image.");
    say("");
    model.send({ event, url });
    input.value = "";
  });
  return { form, input, button };
}

/**
 * Send each usable image of `files` that fits in `free` slots as an `event` message (files
 * outside the model's upload limits are refused).
 * Returns the problems found (in words), and how many were sent and refused for want of slots.
 * @template {string} E
 * @param {import("./model.js").Model<import("./protocol.js").UploadTraits, import("./protocol.js").FileMessage<E>>} model
 * @param {E} event
 * @param {Iterable<File> | ArrayLike<File>} files
 * @param {number} free
 */
export function sendImages(model, event, files, free) {
  const list = Array.from(files);
  const limits = uploadLimits(model);
  const problem = (/** @type {File} */ file) => fileProblem(file, limits);
  const problems = list.map(problem).filter(Boolean);
  const { accepted, refused } = takeFiles(
    list.filter((file) => !problem(file)),
    free,
  );
  for (const file of accepted) sendFile(model, event, file);
  return { problems, sent: accepted.length, refused };
}
