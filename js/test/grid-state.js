// @ts-check
// The state a PoseGrid model carries, for the grid's node tests.

/**
 * A grid state listing `poses` (rows of item id, name, score, version), as the Python widget
 * syncs it.
 * @param {import("../grid/store.js").PoseRow[]} poses
 * @param {object} [extra]
 * @returns {import("../lib/protocol.js").GridTraits & Record<string, unknown>}
 */
export function gridState(poses, extra = {}) {
  return {
    collection_name: "",
    pose_list: poses,
    pending: [],
    selected_item_id: null,
    source_image_asset_id: null,
    tasks: [],
    error: "",
    notice: "",
    animation: {},
    suggestions: [],
    max_batch: 10,
    min_duration: 1,
    max_duration: 15,
    style_card: null,
    style_card_status: "none yet",
    reference_asset_ids: [],
    ...extra,
  };
}
