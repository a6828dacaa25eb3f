// @ts-check
// The state a ReferenceGallery model carries, for the gallery's node tests.

export const png = new DataView(new Uint8Array([137, 80, 78, 71]).buffer);
export const picture = { thumbnail: png, mime: "image/png" };

/** One reference slot. */
export const slot = (/** @type {string} */ id) => ({
  asset_id: id,
  ...picture,
  width: 64,
  height: 64,
});

/**
 * A gallery state with `count` references, as the Python widget syncs it.
 * @param {number} count
 * @param {object} [extra]
 */
export function galleryState(count, extra = {}) {
  const ids = Array.from({ length: count }, (_, i) => `asset-${i + 1}`);
  return {
    slots: ids.map(slot),
    reference_asset_ids: ids,
    max_slots: 6,
    max_upload_bytes: 10 * 1024 * 1024,
    upload_types: ["image/png", "image/jpeg", "image/webp", "image/gif"],
    tasks: [],
    error: "",
    notice: "",
    style_card: null,
    style_card_status: "none yet",
    trial_prompt: "",
    trial_candidates: [],
    trial: {},
    ...extra,
  };
}
