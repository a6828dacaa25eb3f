// @ts-check
// A button that copies a text (a style card, an id) to the clipboard and says it did.

import { h } from "./dom.js";

/**
 * @param {() => string} text what to copy, read at click time
 * @param {{ label: string, title: string, className?: string }} words
 */
export function copyButton(text, { label, title, className = "masko-copy" }) {
  const button = h("button", { type: "button", class: className, text: label, title });
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copy failed: select the text";
    }
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
  return button;
}
