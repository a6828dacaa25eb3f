// @ts-check
// The poses of one grid model, shared by every view of it: the compact list (patched by the
// kernel's "poses" messages) and the thumbnails, asked for in pages for the tiles in view and
// kept until the pose gets a new picture.

import { ObjectUrls } from "../lib/urls.js";

/** [item id, name, on-model score or null, thumbnail version] */
/** @typedef {[string, string, number | null, string]} PoseRow */
/** @typedef {{ url: string | null, width?: number, height?: number, error?: string }} Picture */
/** @typedef {import("../lib/model.js").Model<import("../lib/protocol.js").GridTraits, import("../lib/protocol.js").GridMessage>} Model */
/** @typedef {{ rows: () => void, picture: (id: string) => void }} Listener */

/** The kind of the kernel's task that loads the poses after the first page. */
export const LOADING = "load";
/** The kind of the kernel's quiet task that waits, after Cancel, for a pose on its way. */
export const LATE = "late";

/** Thumbnails asked for in one message, at most. */
export const PAGE = 48;

export class PoseStore {
  /** @type {Map<string, PoseRow>} */
  rows = new Map();
  /** @type {Map<string, Picture>} item id -> its picture, for the version in `rows` */
  pictures = new Map();
  /** @type {Map<string, string>} item id -> version asked for */
  #asked = new Map();
  /** @type {Set<string>} */
  #wanted = new Set();
  /** @type {Set<Listener>} */
  #listeners = new Set();
  #urls;
  #send;

  /**
   * @param {PoseRow[]} rows the list at open
   * @param {(content: any) => void} send sends a message to the kernel
   * @param {ObjectUrls} [urls]
   */
  constructor(rows, send, urls = new ObjectUrls()) {
    for (const row of rows) this.rows.set(row[0], row);
    this.#send = send;
    this.#urls = urls;
  }

  /** @param {Listener} listener @returns {() => void} unsubscribe */
  listen(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** @param {string} id */
  version(id) {
    return this.rows.get(id)?.[3];
  }

  /** Ask (once per version) for the thumbnails of `ids`, sent together on the next tick. */
  want(/** @type {Iterable<string>} */ ids) {
    const first = this.#wanted.size === 0;
    for (const id of ids) {
      const version = this.version(id);
      if (version !== undefined && this.#asked.get(id) !== version) this.#wanted.add(id);
    }
    if (first && this.#wanted.size > 0) queueMicrotask(() => this.#flush());
  }

  #flush() {
    const ids = [...this.#wanted];
    this.#wanted.clear();
    for (const id of ids) this.#asked.set(id, this.version(id) ?? "");
    for (let start = 0; start < ids.length; start += PAGE) {
      this.#send({ event: "thumbnails", ids: ids.slice(start, start + PAGE) });
    }
  }

  /** A message from the kernel; returns true when it was the grid's. */
  receive(/** @type {any} */ content, /** @type {DataView[]} */ buffers = []) {
    if (content?.event === "poses" && Array.isArray(content.all)) this.#replace(content.all);
    else if (content?.event === "poses") {
      this.#patch(content.upsert ?? [], content.remove ?? [], content.last ?? []);
    } else if (content?.event === "thumbnails") this.#pictures(content, buffers);
    else return false;
    return true;
  }

  /**
   * Rows added (at the end) or changed (in place), ids removed, then ids moved to the end in
   * that order (poses made while the list was loading stay after the loaded ones).
   * @param {PoseRow[]} upsert @param {string[]} remove @param {string[]} last
   */
  #patch(upsert, remove, last) {
    for (const row of upsert) {
      const [id, , , version] = row;
      if (this.version(id) !== version) this.#forget(id);
      this.rows.set(id, row);
    }
    for (const id of remove) {
      this.#forget(id);
      this.rows.delete(id);
    }
    for (const id of last) {
      const row = this.rows.get(id);
      if (row === undefined) continue;
      this.rows.delete(id);
      this.rows.set(id, row);
    }
    for (const listener of this.#listeners) listener.rows();
  }

  /** The whole list as the kernel has it now; pictures of unchanged versions are kept. */
  #replace(/** @type {PoseRow[]} */ rows) {
    const next = new Map(rows.map((row) => [row[0], row]));
    for (const [id, [, , , version]] of this.rows) {
      if (next.get(id)?.[3] !== version) this.#forget(id);
    }
    this.rows.clear();
    for (const [id, row] of next) this.rows.set(id, row);
    for (const listener of this.#listeners) listener.rows();
  }

  /** @param {string} id */
  #forget(id) {
    this.pictures.delete(id);
    this.#asked.delete(id);
    this.#urls.delete(id);
  }

  /**
   * `pictures`: rows [id, version, score] with one buffer each, in order, or
   * [id, version, error] (a string) with none; `mime`: the thumbnails' format.
   * @param {{ mime: string, pictures?: any[][] }} message @param {DataView[]} buffers
   */
  #pictures({ mime, pictures = [] }, buffers) {
    let next = 0;
    for (const [id, version, outcome] of pictures) {
      if (typeof outcome === "string") this.#picture({ id, version, error: outcome }, undefined);
      else this.#picture({ id, version, mime, score: outcome }, buffers[next++]);
    }
  }

  /** @param {any} message @param {any} data a DataView of the thumbnail's bytes */
  #picture(message, data) {
    const row = this.rows.get(message.id);
    if (!row || row[3] !== message.version) return; // the pose changed meanwhile
    if (message.error) {
      this.#asked.delete(message.id); // the tile asks again when next in view
      this.pictures.set(message.id, { url: null, error: message.error });
    } else {
      const url = this.#urls.set(message.id, data, message.mime);
      const { width, height } = message; // known in a saved page; else the image's own size
      this.pictures.set(message.id, width ? { url, width, height } : { url });
    }
    if (message.score !== undefined) row[2] = message.score;
    for (const listener of this.#listeners) listener.picture(message.id);
  }

  /** Pictures that came with the state (a saved page has no kernel to ask). */
  preload(/** @type {import("../lib/protocol.js").EmbeddedPicture[]} */ embedded) {
    for (const picture of embedded) {
      const { data, ...message } = picture;
      this.#asked.set(message.id, message.version);
      this.#picture(message, data);
    }
  }
}

/** @type {WeakMap<object, PoseStore>} */
const stores = new WeakMap();

/**
 * The store of `model`, made on first use. Views of one model share it: it is keyed by the
 * model's `pose_list` value, one object per model.
 * @param {Model} model
 */
export function poseStore(model) {
  const rows = model.get("pose_list") ?? [];
  let store = stores.get(rows);
  if (store === undefined) {
    store = new PoseStore(rows, (content) => sendQuietly(model, content));
    store.preload(model.get("pose_pictures") ?? []);
    const onMessage = (/** @type {any} */ content, /** @type {DataView[]} */ buffers) =>
      store?.receive(content, buffers);
    model.on("msg:custom", onMessage);
    stores.set(rows, store);
    sendQuietly(model, { event: "sync" }); // changes made before this view started come back
  }
  return store;
}

/** Send to the kernel; a saved page has none, and then nothing is asked. */
function sendQuietly(/** @type {Model} */ model, /** @type {any} */ content) {
  try {
    model.send(content);
  } catch {
    // no kernel: the tile keeps its placeholder
  }
}
