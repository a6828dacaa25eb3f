// @ts-check
// Object URLs for image/video bytes, revoked as soon as the bytes leave.

export class ObjectUrls {
  /** @type {Map<string, string>} */
  #urls = new Map();
  /** @type {(blob: Blob) => string} */
  #create;
  /** @type {(url: string) => void} */
  #revoke;

  /**
   * `create`/`revoke` default to the browser's URL functions (injectable for tests).
   * @param {{ create?: (blob: Blob) => string, revoke?: (url: string) => void }} [functions]
   */
  constructor({
    create = (blob) => URL.createObjectURL(blob),
    revoke = (url) => URL.revokeObjectURL(url),
  } = {}) {
    this.#create = create;
    this.#revoke = revoke;
  }

  /**
   * URL for `data` (DataView/ArrayBuffer/typed array) under `key`; revokes the old one.
   * @param {string} key
   * @param {ArrayBufferView<ArrayBuffer> | ArrayBuffer | null | undefined} data
   * @param {string} mime
   * @returns {string | null}
   */
  set(key, data, mime) {
    this.delete(key);
    if (!data || data.byteLength === 0) return null;
    // A DataView keeps its byteOffset/byteLength when given to Blob whole.
    const url = this.#create(new Blob([data], { type: mime }));
    this.#urls.set(key, url);
    return url;
  }

  /** @param {string} key */
  get(key) {
    return this.#urls.get(key) ?? null;
  }

  /** @param {string} key */
  delete(key) {
    const url = this.#urls.get(key);
    if (url === undefined) return;
    this.#revoke(url);
    this.#urls.delete(key);
  }

  /**
   * Revoke every URL whose key is not in `keep`.
   * @param {Set<string>} keep
   */
  retain(keep) {
    for (const key of [...this.#urls.keys()]) if (!keep.has(key)) this.delete(key);
  }

  clear() {
    for (const key of [...this.#urls.keys()]) this.delete(key);
  }

  get size() {
    return this.#urls.size;
  }
}
