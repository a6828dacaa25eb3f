// @ts-check
// Image files picked or dropped in the browser, sent to Python one file per message.

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Why `file` cannot be sent, or "" when it can.
 * @param {{ name: string, type: string, size: number }} file
 */
export function fileProblem(file) {
  if (!IMAGE_TYPES.includes(file.type)) {
    return `${file.name} is not a PNG, JPEG, WebP or GIF image.`;
  }
  if (file.size > MAX_FILE_BYTES) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    return `${file.name} is ${mb} MB; the limit is 10 MB.`;
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
