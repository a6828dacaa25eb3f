// @ts-check
// The host of a saved page (see masko_widgets/export.py): no kernel and no widget manager.
// The page holds its bundles, CSS and states as gzip-compressed JSON and its binary buffers as
// one run of bytes, both in base64. Each widget's bundle is imported from its text, given a
// kernel-less model of its saved state (binary buffers put back at their paths) and rendered
// into its place on the page.

import { PlainModel } from "../lib/plain-model.js";

/**
 * @typedef {{ path: (string | number)[], blob: number }} SavedBuffer a blob of the page's bytes
 * @typedef {{ bundle: string, state: Record<string, unknown>, buffers: SavedBuffer[] }} SavedWidget
 * @typedef {{ bundles: Record<string, string>, styles: string[], widgets: SavedWidget[],
 *   blobs: [number, number][] }} SavedPage blobs: (start, length) in the page's bytes
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

/** The bytes of base64 text. */
export function fromBase64(/** @type {string} */ text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** The text of gzip-compressed bytes. */
export async function inflate(/** @type {Uint8Array<ArrayBuffer>} */ bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

/** A kernel-less model of one saved widget: what its view sends goes nowhere. Each buffer is a
 * DataView of its own copy of its blob of `bytes`, as a binary trait holds. */
export function savedModel(
  /** @type {SavedWidget} */ saved,
  /** @type {[number, number][]} */ blobs,
  /** @type {Uint8Array} */ bytes,
) {
  const state = structuredClone(saved.state);
  const views = saved.buffers.map(({ blob }) => {
    const [start, length] = blobs[blob];
    return new DataView(bytes.slice(start, start + length).buffer);
  });
  putBuffers(
    state,
    saved.buffers.map((buffer) => buffer.path),
    views,
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

/** Render every saved widget of `page` into the elements `places` (one per widget, in order);
 * `bytes` are the page's binary buffers. */
export async function renderPage(
  /** @type {SavedPage} */ page,
  /** @type {Uint8Array} */ bytes,
  /** @type {HTMLElement[]} */ places,
) {
  for (const css of page.styles) {
    const style = document.createElement("style");
    style.textContent = css;
    document.head.append(style);
  }
  /** @type {Map<string, Promise<any>>} */
  const modules = new Map();
  for (const [index, saved] of page.widgets.entries()) {
    if (!modules.has(saved.bundle))
      modules.set(saved.bundle, definition(page.bundles[saved.bundle]));
    const widget = await modules.get(saved.bundle);
    const model = savedModel(saved, page.blobs, bytes);
    await widget.initialize?.({ model });
    await widget.render?.({ model, el: places[index] });
  }
}

/** Read the page's saved widgets and render them. */
async function start(/** @type {string} */ state, /** @type {string} */ bytes) {
  // A saved page follows the reader's light or dark preference (the widgets' CSS reads it).
  if (globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches) {
    document.documentElement.dataset.theme = "dark";
  }
  const page = JSON.parse(await inflate(fromBase64(state)));
  const places = /** @type {NodeListOf<HTMLElement>} */ (
    document.querySelectorAll(".masko-export-view")
  );
  await renderPage(page, fromBase64(bytes), [...places]);
}

const saved = globalThis.document?.getElementById("masko-export-state");
if (saved?.textContent) {
  start(saved.textContent, document.getElementById("masko-export-bytes")?.textContent ?? "");
}
