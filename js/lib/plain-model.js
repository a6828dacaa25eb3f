// @ts-check
// An anywidget-style model held in a plain object, without a kernel: traits by name, change
// and custom-message events, and what the view sends handed to `onSend`. The saved page's host
// and the node tests' FakeModel both build on it.

/** @typedef {import("./model.js").Callback} Callback */

export class PlainModel {
  /** @type {Map<string, Set<Callback>>} */
  listeners = new Map();

  /**
   * @param {Record<string, unknown>} state the traits the Python side would send
   * @param {(content: any, buffers: any[]) => void} [onSend] what becomes of a sent message
   */
  constructor(state = {}, onSend = () => {}) {
    /** @type {Record<string, any>} */
    this.state = { ...state };
    this.onSend = onSend;
  }

  /** @param {string} name */
  get(name) {
    return this.state[name];
  }

  /** The view sets a trait (then calls save_changes to send it). @param {string} name @param {unknown} value */
  set(name, value) {
    this.state[name] = value;
    this.emit(`change:${name}`);
  }

  /** @param {string} event @param {Callback} callback */
  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(callback);
  }

  /** Without a callback: every callback of `event`; without an event: all of them.
   * @param {string | null} [event] @param {Callback | null} [callback] */
  off(event, callback) {
    if (!event) return this.listeners.clear();
    if (!callback) return void this.listeners.delete(event);
    this.listeners.get(event)?.delete(callback);
  }

  save_changes() {}

  /** @param {any} content @param {unknown} [_callbacks] @param {any[]} [buffers] */
  send(content, _callbacks, buffers = []) {
    this.onSend(content, buffers);
  }

  /** Fire `event` to its listeners with `args`. @param {string} event @param {any[]} args */
  emit(event, ...args) {
    for (const callback of [...(this.listeners.get(event) ?? [])]) callback(...args);
  }
}
