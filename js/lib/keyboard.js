// @ts-check
// Arrow-key movement in a wrapped grid of options (an ARIA listbox).

/**
 * The index that `key` moves to from `index` among `count` items in `columns`; null if not a
 * move key.
 * @param {string} key
 * @param {number} index
 * @param {number} count
 * @param {number} columns
 * @returns {number | null}
 */
export function nextIndex(key, index, count, columns) {
  if (count === 0) return null;
  const cols = Math.max(1, columns);
  const at = Math.min(Math.max(index, 0), count - 1);
  switch (key) {
    case "ArrowRight":
      return Math.min(count - 1, at + 1);
    case "ArrowLeft":
      return Math.max(0, at - 1);
    case "ArrowDown":
      return at + cols < count ? at + cols : at;
    case "ArrowUp":
      return at - cols >= 0 ? at - cols : at;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}
