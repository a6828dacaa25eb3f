// @ts-check
// A part of the studio (gallery, preview, grid) as a model of its own: its state comes from
// the studio's `parts` trait and the studio's custom messages tagged with its name; what the
// part's view sets or sends goes back through the studio's model. So the three views keep
// their `render({ model, el })` shape while the studio stays one model.

import { poseStore } from "../grid/store.js";

/** @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").StudioTraits, import("../lib/protocol.js").StudioMessage>} Model */
/** @typedef {import("../lib/model.js").Callback} Callback */

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

export class PartModel {
  /** @type {Record<string, any>} */
  #state;
  /** @type {Record<string, any>} */
  #unsaved = {};
  /** @type {Map<string, Set<Callback>>} */
  #callbacks = new Map();
  #name;
  #studio;

  /** @param {Model} studio @param {string} name */
  constructor(studio, name) {
    this.#studio = studio;
    this.#name = name;
    this.#state = { ...(studio.get("parts")?.[name] ?? {}) };
  }

  /** @param {string} key */
  get(key) {
    return this.#state[key];
  }

  /** @param {string} key @param {any} value */
  set(key, value) {
    this.#state[key] = value;
    this.#unsaved[key] = value;
    this.#emit(`change:${key}`, this, value);
  }

  save_changes() {
    const state = this.#unsaved;
    this.#unsaved = {};
    if (Object.keys(state).length > 0) this.#toKernel({ method: "update", state });
  }

  /** @param {any} content @param {any} [_callbacks] @param {any[]} [buffers] */
  send(content, _callbacks, buffers) {
    this.#toKernel({ method: "custom", content }, buffers);
  }

  /** @param {string} name @param {Callback} callback */
  on(name, callback) {
    if (!this.#callbacks.has(name)) this.#callbacks.set(name, new Set());
    this.#callbacks.get(name)?.add(callback);
  }

  /** Without a callback: every callback of `name`; without a name: of every event.
   * @param {string | null} [name] @param {Callback | null} [callback] */
  off(name, callback) {
    for (const [event, callbacks] of this.#callbacks) {
      if (name && event !== name) continue;
      if (callback) callbacks.delete(callback);
      else callbacks.clear();
    }
  }

  /** A message of the studio's kernel side; returns true when it was this part's. */
  receive(/** @type {any} */ content, /** @type {DataView[]} */ buffers) {
    if (content?.part !== this.#name) return false;
    const data = content.data ?? {};
    if (data.method === "update") {
      const state = putBuffers(data.state ?? {}, data.buffer_paths ?? [], buffers);
      for (const [key, value] of Object.entries(state)) {
        this.#state[key] = value;
        this.#emit(`change:${key}`, this, value);
      }
    } else if (data.method === "custom") {
      this.#emit("msg:custom", data.content, buffers);
    }
    return true;
  }

  /** @param {any} message @param {any[]} [buffers] */
  #toKernel(message, buffers) {
    try {
      this.#studio.send({ part: this.#name, ...message }, undefined, buffers);
    } catch {
      // a saved page has no kernel
    }
  }

  /** @param {string} name @param {any[]} args */
  #emit(name, ...args) {
    for (const callback of [...(this.#callbacks.get(name) ?? [])]) callback(...args);
  }
}

/**
 * A view's handle on a shared part: listeners it adds are removed when the view goes.
 * @param {PartModel} part
 */
export function viewOf(part) {
  /** @type {[string, Callback][]} */
  let added = [];
  /** Forget the view's listeners that match (as `off` does), on the part too. */
  const drop = (/** @type {string | null | undefined} */ name, /** @type {any} */ callback) => {
    const gone = added.filter(
      ([event, cb]) => (!name || event === name) && (!callback || cb === callback),
    );
    for (const [event, cb] of gone) part.off(event, cb);
    added = added.filter((entry) => !gone.includes(entry));
  };
  /** @type {import("../lib/model.js").Model<Record<string, any>, import("../lib/protocol.js").PartMessage>} */
  const model = {
    get: (name) => part.get(name),
    set: (name, value) => part.set(name, value),
    save_changes: () => part.save_changes(),
    send: (content, callbacks, buffers) => part.send(content, callbacks, buffers),
    on(name, callback) {
      added.push([name, callback]);
      part.on(name, callback);
    },
    off: drop,
  };
  return { model, dispose: () => drop(null, null) };
}

/** @type {WeakMap<object, Map<string, PartModel>>} */
const studios = new WeakMap();

/**
 * The parts of a studio model, made once per model (keyed by its `parts` value) and fed by
 * one message listener.
 * @param {Model} studio
 */
export function partsOf(studio) {
  const key = studio.get("parts") ?? {};
  let parts = studios.get(key);
  if (parts === undefined) {
    const made = new Map(Object.keys(key).map((name) => [name, new PartModel(studio, name)]));
    studio.on("msg:custom", (/** @type {any} */ content, /** @type {DataView[]} */ buffers) => {
      for (const part of made.values()) if (part.receive(content, buffers)) return;
    });
    studios.set(key, made);
    const grid = made.get("grid");
    if (grid) poseStore(grid); // the grid's thumbnails outlive any one view of the studio
    parts = made;
  }
  return parts;
}
