// @ts-check
// Image files picked or dropped in the browser, sent to Python one file per message.

/**
 * What a widget accepts from the browser: its `max_upload_bytes` and `upload_types` traits,
 * which come from the API contract.
 * @typedef {{ maxBytes: number, types: string[] }} UploadLimits
 */

/**
 * The upload limits a widget's model carries.
 * @param {import("./model.js").Model<import("./protocol.js").UploadTraits, unknown>} model
 * @returns {UploadLimits}
 */
export function uploadLimits(model) {
  return { maxBytes: model.get("max_upload_bytes"), types: model.get("upload_types") };
}

/** Names that are not the upper-cased MIME subtype. */
const TYPE_NAMES = /** @type {Record<string, string>} */ ({ "image/webp": "WebP" });

/**
 * "a PNG, JPEG, WebP or GIF" for the MIME types given.
 * @param {string[]} types
 */
function typeNames(types) {
  const names = types.map((type) => TYPE_NAMES[type] ?? type.replace(/^image\//, "").toUpperCase());
  const last = names.pop();
  return names.length ? `a ${names.join(", ")} or ${last}` : `a ${last}`;
}

/**
 * Why `file` cannot be sent under `limits`, or "" when it can.
 * @param {{ name: string, type: string, size: number }} file
 * @param {UploadLimits} limits
 */
export function fileProblem(file, { maxBytes, types }) {
  if (!types.includes(file.type)) {
    return `${file.name} is not ${typeNames(types)} image.`;
  }
  if (file.size > maxBytes) {
    const mb = (/** @type {number} */ size) => (size / 1024 / 1024).toFixed(1).replace(/\.0$/, "");
    return `${file.name} is ${mb(file.size)} MB; the limit is ${mb(maxBytes)} MB.`;
  }
  return "";
}

/**
 * Send one file's bytes as a standalone ArrayBuffer in a custom message.
 * @template {string} E
 * @param {import("./model.js").Model<object, import("./protocol.js").FileMessage<E>>} model
 * @param {E} event
 * @param {File} file
 */
export async function sendFile(model, event, file) {
  const buffer = await file.arrayBuffer();
  model.send({ event, name: file.name }, undefined, [buffer]);
}

/**
 * A looks-like-a-URL check for the URL boxes (the server checks for real).
 * @param {string} text
 */
export function isHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
