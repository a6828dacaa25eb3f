// @ts-check
// The part of an anywidget model the views use, and listening that can be undone.
// js/test/fake-model.js implements the same interface for tests without a browser.

/**
 * @typedef {(...args: any[]) => void} Callback
 * @typedef {object} Model
 * @property {(name: string) => any} get
 * @property {(name: string, value: unknown) => void} set
 * @property {(event: string, callback: Callback) => void} on
 * @property {(event?: string | null, callback?: Callback | null) => void} off
 * @property {() => void} save_changes
 * @property {(content: object, callbacks?: unknown, buffers?: ArrayBuffer[]) => void} send
 *
 * @typedef {{ model: Model, el: HTMLElement }} RenderArgs
 * @typedef {() => void} Cleanup
 */

/**
 * Call `callback` on every change of the traits `names`; returns the function that stops it.
 * @param {Model} model
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
