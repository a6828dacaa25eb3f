// @ts-check
// Build DOM nodes without innerHTML: names and URLs from users stay text.

import { enterPresses } from "./keyboard.js";

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * Create an element. `attrs`: "text" sets textContent, "on<event>" adds a listener,
 * false/null/undefined are skipped, true sets an empty attribute, anything else
 * becomes a string attribute.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {Child[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") el.textContent = String(value);
    else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/**
 * The root of every Masko widget: one class scopes all CSS; keys stay out of Lab shortcuts,
 * and Enter in a field presses its button.
 * @param {HTMLElement} el
 * @param {string} kind
 * @param {string} label
 */
export function root(el, kind, label) {
  el.classList.add("masko", `masko-${kind}`);
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", label);
  enterPresses(el);
  return el;
}

/**
 * Show or hide `el` (keeps it in the DOM for stable selectors).
 * @template {HTMLElement} E
 * @param {E} el
 * @param {boolean} visible
 * @returns {E}
 */
export function shown(el, visible) {
  el.hidden = !visible;
  return el;
}

let counter = 0;

/**
 * An id unique in the page, for aria-describedby / aria-labelledby links.
 * @param {string} prefix
 */
export function uniqueId(prefix) {
  counter += 1;
  return `masko-${prefix}-${counter}`;
}

/**
 * Link `control` to the element that explains it (`aria-describedby`), or unlink it.
 * @param {HTMLElement} control
 * @param {HTMLElement | null} reason
 */
export function describedBy(control, reason) {
  if (reason) control.setAttribute("aria-describedby", reason.id);
  else control.removeAttribute("aria-describedby");
}

/**
 * Disable `button` while `why` says why it cannot be used (or while `allowed` is false), and
 * show that reason in `reason`, linked to the button for screen readers.
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} reason
 * @param {string} why
 * @param {boolean} [allowed]
 */
export function explainDisabled(button, reason, why, allowed = true) {
  button.disabled = !allowed || why !== "";
  reason.textContent = why;
  shown(reason, why !== "");
  describedBy(button, why ? reason : null);
}
