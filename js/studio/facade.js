// @ts-check
// A part of the studio (gallery, preview, grid) as a model of its own: its trait `x` is the
// studio model's key `<part>.x` (so the studio model's state is the whole truth, whenever and
// wherever it is displayed), and its events are the studio's custom messages tagged with its
// name. So the three views keep their `render({ model, el })` shape while the studio stays one
// model.

import { poseStore } from "../grid/store.js";

/** @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").StudioTraits, import("../lib/protocol.js").StudioMessage>} Model */
/** @typedef {import("../lib/model.js").Callback} Callback */
/** The studio model as a part sees it: keys named at run time. */
/** @typedef {import("../lib/model.js").Model<Record<string, any>, import("../lib/protocol.js").StudioMessage>} StudioKeys */

export class PartModel {
  /** @type {Map<string, Set<Callback>>} */
  #callbacks = new Map();
  #name;
  #studio;

  /** @param {StudioKeys} studio @param {string} name */
  constructor(studio, name) {
    this.#studio = studio;
    this.#name = name;
  }

  /** The studio's key of this part's trait. @param {string} key */
  #key(key) {
    return `${this.#name}.${key}`;
  }

  /** @param {string} key */
  get(key) {
    return this.#studio.get(this.#key(key));
  }

  /** @param {string} key @param {any} value */
  set(key, value) {
    this.#studio.set(this.#key(key), value);
  }

  save_changes() {
    quietly(() => this.#studio.save_changes());
  }

  /** @param {any} content @param {any} [_callbacks] @param {any[]} [buffers] */
  send(content, _callbacks, buffers) {
    quietly(() => this.#studio.send({ part: this.#name, content }, undefined, buffers));
  }

  /** @param {string} name @param {Callback} callback */
  on(name, callback) {
    if (!this.#callbacks.has(name)) {
      this.#callbacks.set(name, new Set());
      if (name.startsWith("change:")) {
        const key = name.slice("change:".length);
        // one relay per event, for the model's life; views come and go on the part's own set
        this.#studio.on(`change:${this.#key(key)}`, () => this.#emit(name, this, this.get(key)));
      }
    }
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

  /** A custom message of the studio's kernel side; returns true when it was this part's. */
  receive(/** @type {any} */ content, /** @type {DataView[]} */ buffers) {
    if (content?.part !== this.#name) return false;
    if (content.data?.method === "custom") this.#emit("msg:custom", content.data.content, buffers);
    return true;
  }

  /** @param {string} name @param {any[]} args */
  #emit(name, ...args) {
    for (const callback of [...(this.#callbacks.get(name) ?? [])]) callback(...args);
  }
}

/** Talk to the kernel; a saved page has none. @param {() => void} action */
function quietly(action) {
  try {
    action();
  } catch {
    // a saved page has no kernel
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
 * The parts of a studio model, made once per model (keyed by its `parts` value, the list of
 * their names) and fed by one message listener.
 * @param {Model} studio
 */
export function partsOf(studio) {
  /** @type {string[]} */
  const key = studio.get("parts") ?? [];
  let parts = studios.get(key);
  if (parts === undefined) {
    const keys = /** @type {StudioKeys} */ (/** @type {unknown} */ (studio));
    const made = new Map(key.map((name) => [name, new PartModel(keys, name)]));
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
