// @ts-check
// A stand-in for the anywidget model, and a DOM (linkedom), so views run in node --test.
// Like lonboard's fake-widget-model: traits in a plain object, events by name, and a record
// of what the view sends to Python and saves.

import { File as BufferFile } from "node:buffer";

import { parseHTML } from "linkedom";

import { PlainModel } from "../lib/plain-model.js";

/** Install a browser-like `document` (and the classes views use) on globalThis, once. */
export function installDom() {
  if (globalThis.document) return globalThis.document;
  const { window, document } = parseHTML("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, {
    window,
    document,
    HTMLElement: window.HTMLElement,
    Event: window.Event,
    navigator: globalThis.navigator ?? {},
    File: globalThis.File ?? BufferFile, // a global from Node 20 on
    // linkedom lays nothing out: no computed style, and sizes never change (so an
    // observer never fires)
    getComputedStyle:
      globalThis.getComputedStyle ?? (() => ({ gridTemplateColumns: "", rowGap: "" })),
    ResizeObserver:
      globalThis.ResizeObserver ??
      class {
        observe() {}
        unobserve() {}
        disconnect() {}
      },
  });
  return document;
}

export class FakeModel extends PlainModel {
  /** @param {Record<string, unknown>} state the traits the Python side would send */
  constructor(state = {}) {
    super(state, (content, buffers) => this.sent.push({ content, buffers }));
    /** @type {{ content: any, buffers: ArrayBuffer[] }[]} */
    this.sent = [];
    this.saves = 0;
    /** @type {Record<string, unknown>} set by the view, not yet saved (sent) to Python */
    this.unsaved = {};
    /** @type {Record<string, unknown>[]} what each save_changes sent to Python, in order */
    this.saved = [];
  }

  /** The view sets a trait; Python sees it only once the view calls save_changes. */
  set(name, value) {
    this.unsaved[name] = value;
    super.set(name, value);
  }

  save_changes() {
    this.saves += 1;
    if (Object.keys(this.unsaved).length > 0) this.saved.push(this.unsaved);
    this.unsaved = {};
  }

  /** The value of trait `name` Python has received (the last saved), or undefined. */
  savedValue(name) {
    const last = this.saved.findLast((changes) => name in changes);
    return last?.[name];
  }

  /** Python changes traits: each changed trait fires its change event. */
  update(patch) {
    for (const [name, value] of Object.entries(patch)) {
      this.state[name] = value;
      this.emit(`change:${name}`);
    }
  }

  /** How many listeners are still attached (0 after a view's cleanup). */
  get listenerCount() {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  /** The events sent so far, by name. */
  events(name) {
    return this.sent.filter((message) => message.content.event === name);
  }
}

/**
 * Render `view` with a FakeModel of `state` into a fresh element.
 * @returns {{ model: FakeModel, el: HTMLElement, cleanup: () => void }}
 */
export function mount(view, state) {
  const document = installDom();
  const model = new FakeModel(state);
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = view.render({ model, el }) ?? (() => {});
  return { model, el, cleanup };
}

/**
 * `root.querySelector(selector)`, typed as the form control the tests click, fill and read
 * (buttons, inputs and plain elements alike share the fields they use).
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {HTMLInputElement | null}
 */
export function query(root, selector) {
  return root.querySelector(selector);
}

/**
 * `root.querySelectorAll(selector)` as an array, typed like `query`.
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {HTMLInputElement[]}
 */
export function queryAll(root, selector) {
  return [...root.querySelectorAll(selector)].map((found) => /** @type {any} */ (found));
}

/** A key press as the browser sends it (linkedom has no KeyboardEvent: an Event with a key). */
export function press(/** @type {EventTarget} */ target, /** @type {string} */ key) {
  const event = new Event("keydown", { bubbles: true, cancelable: true });
  target.dispatchEvent(Object.assign(event, { key }));
}
