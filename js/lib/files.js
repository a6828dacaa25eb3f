// @ts-check
// Image files picked or dropped in the browser, sent to Python one file per message.

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

/**
 * Why `file` cannot be sent, or "" when it can (at most `maxBytes`).
 * @param {{ name: string, type: string, size: number }} file
 * @param {number} maxBytes
 */
export function fileProblem(file, maxBytes) {
  if (!IMAGE_TYPES.includes(file.type)) {
    return `${file.name} is not a PNG, JPEG, WebP or GIF image.`;
  }
  if (file.size > maxBytes) {
    const mb = (/** @type {number} */ size) => (size / 1024 / 1024).toFixed(1).replace(/\.0$/, "");
    return `${file.name} is ${mb(file.size)} MB; the limit is ${mb(maxBytes)} MB.`;
  }
  return "";
}

/**
 * Send one file's bytes as a standalone ArrayBuffer in a custom message.
 * @param {import("./model.js").Model} model
 * @param {string} event
 * @param {File} file
 * @param {object} [extra]
 */
export async function sendFile(model, event, file, extra = {}) {
  const buffer = await file.arrayBuffer();
  model.send({ event, name: file.name, mime: file.type, ...extra }, undefined, [buffer]);
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
