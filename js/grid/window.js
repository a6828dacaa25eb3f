// @ts-check
// The window of a virtual grid: which tiles to draw for a scroll position, the space that
// stands for the rows not drawn, and where to scroll to show one tile. Pure functions.

/** Rows drawn beyond the visible ones, above and below, so a short scroll finds them ready. */
export const OVERSCAN_ROWS = 2;
/** Tiles drawn before the list is laid out (nothing is measured yet). */
export const UNMEASURED = 24;

/**
 * @typedef {{ count: number, columns: number, stride: number }} Grid
 *   `count` tiles in rows of `columns`, one row every `stride` pixels (0: not measured yet)
 * @typedef {{ start: number, end: number }} Range tiles `start` to `end` (not included)
 */

/**
 * The tiles to draw for the visible band `top` to `top + height`: whole rows, with
 * `overscan` rows more above and below.
 * @param {Grid & { top: number, height: number, overscan?: number }} view
 * @returns {Range}
 */
export function windowOf({ count, columns, stride, top, height, overscan = OVERSCAN_ROWS }) {
  const cols = Math.max(1, Math.floor(columns));
  if (count <= 0) return { start: 0, end: 0 };
  if (!(stride > 0)) return { start: 0, end: Math.min(count, UNMEASURED) };
  const rows = Math.ceil(count / cols);
  const first = Math.min(rows - 1, Math.max(0, Math.floor(top / stride) - overscan));
  const last = Math.min(rows, Math.max(first + 1, Math.ceil((top + height) / stride) + overscan));
  return { start: first * cols, end: Math.min(count, last * cols) };
}

/**
 * Pixels standing for the rows before and after the drawn ones, so the scroll bar stands
 * for the whole list.
 * @param {Grid & Range} view
 */
export function spacing({ count, columns, stride, start, end }) {
  const cols = Math.max(1, Math.floor(columns));
  if (!(stride > 0) || count <= 0) return { before: 0, after: 0 };
  const rows = Math.ceil(count / cols);
  const drawnRows = end > start ? Math.ceil(end / cols) - Math.floor(start / cols) : 0;
  const before = Math.floor(start / cols);
  return { before: before * stride, after: Math.max(0, rows - before - drawnRows) * stride };
}

/**
 * The scroll position that shows tile `index` whole (moving as little as it can), or null
 * when it is in view already.
 * @param {{ index: number, columns: number, stride: number, rowHeight: number, top: number,
 *   height: number }} view
 * @returns {number | null}
 */
export function scrollToShow({ index, columns, stride, rowHeight, top, height }) {
  if (!(stride > 0) || index < 0) return null;
  const y = Math.floor(index / Math.max(1, Math.floor(columns))) * stride;
  if (y < top) return y;
  if (y + rowHeight > top + height) return Math.max(0, y + rowHeight - height);
  return null;
}
