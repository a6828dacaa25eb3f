// @ts-check
// The part of an anywidget model the views use, and listening that can be undone.
// js/test/fake-model.js implements the same interface for tests without a browser.

/**
 * @typedef {(...args: any[]) => void} Callback
 * @typedef {() => void} Cleanup
 */

/**
 * @template {object} [T=import("./protocol.js").WidgetTraits]
 * @template [M=import("./protocol.js").WidgetMessage]
 * @typedef {import("./protocol.js").Model<T, M>} Model the model a view draws (protocol.d.ts)
 */

/**
 * @template {object} T
 * @template M
 * @typedef {{ model: Model<T, M>, el: HTMLElement }} RenderArgs
 */

/**
 * Call `callback` on every change of the traits `names`; returns the function that stops it.
 * @param {Model<object, any>} model
 * @param {string[]} names
 * @param {Callback} callback
 * @returns {Cleanup}
 */
export function listen(model, names, callback) {
  for (const name of names) model.on(`change:${name}`, callback);
  return () => {
    for (const name of names) model.off(`change:${name}`, callback);
  };
}
