// @ts-check
// The host of a saved page (see masko_widgets/export.py): no kernel and no widget manager.
// Each widget's bundle is imported from its text, given a kernel-less model of its saved state
// (binary buffers put back at their paths) and rendered into its place on the page.

import { PlainModel } from "../lib/plain-model.js";

/**
 * @typedef {{ path: (string | number)[], data: string }} SavedBuffer base64 bytes
 * @typedef {{ bundle: string, state: Record<string, unknown>, buffers: SavedBuffer[] }} SavedWidget
 * @typedef {{ bundles: Record<string, string>, widgets: SavedWidget[] }} SavedPage
 */

/** Put binary buffers back at their paths in a state object (as the widget protocol does). */
export function putBuffers(
  /** @type {any} */ state,
  /** @type {(string | number)[][]} */ paths,
  /** @type {DataView[]} */ buffers,
) {
  paths.forEach((path, index) => {
    let target = state;
    for (const key of path.slice(0, -1)) target = target[key];
    target[path[path.length - 1]] = buffers[index];
  });
  return state;
}

/** The bytes of base64 text, as the DataView a widget gets for a binary trait. */
export function fromBase64(/** @type {string} */ text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return new DataView(bytes.buffer);
}

/** A kernel-less model of one saved widget: what its view sends goes nowhere. */
export function savedModel(/** @type {SavedWidget} */ saved) {
  const state = structuredClone(saved.state);
  putBuffers(
    state,
    saved.buffers.map((buffer) => buffer.path),
    saved.buffers.map((buffer) => fromBase64(buffer.data)),
  );
  return new PlainModel(state);
}

/** The widget definition of a bundle's module (an object, or a function returning one). */
async function definition(/** @type {string} */ source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    const module = await import(/* @vite-ignore */ url);
    const exported = module.default ?? module;
    return typeof exported === "function" ? await exported() : exported;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Render every saved widget of `page` into the elements `places` (one per widget, in order). */
export async function renderPage(
  /** @type {SavedPage} */ page,
  /** @type {HTMLElement[]} */ places,
) {
  /** @type {Map<string, Promise<any>>} */
  const modules = new Map();
  for (const [index, saved] of page.widgets.entries()) {
    if (!modules.has(saved.bundle))
      modules.set(saved.bundle, definition(page.bundles[saved.bundle]));
    const widget = await modules.get(saved.bundle);
    const model = savedModel(saved);
    await widget.initialize?.({ model });
    await widget.render?.({ model, el: places[index] });
  }
}

const data = globalThis.document?.getElementById("masko-export-data");
if (data?.textContent) {
  // A saved page follows the reader's light or dark preference (the widgets' CSS reads it).
  if (globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches) {
    document.documentElement.dataset.theme = "dark";
  }
  const places = /** @type {NodeListOf<HTMLElement>} */ (
    document.querySelectorAll(".masko-export-view")
  );
  renderPage(JSON.parse(data.textContent), [...places]);
}
