// @ts-check
// The six-slot limit of a collection's references (and of a preview's hints), mirrored
// from Python so the controls can say why they are disabled.

/**
 * Counts and words for `used` of `max` slots, with `pending` adds still on their way.
 * @param {number} used
 * @param {number} max
 * @param {number} [pending]
 * @param {string} [noun]
 */
export function slotSummary(used, max, pending = 0, noun = "reference") {
  const free = Math.max(0, max - used - pending);
  const full = free === 0;
  return {
    used,
    max,
    free,
    full,
    label: `${used} of ${max} ${noun} slots used`,
    reason: full
      ? pending > 0 && used < max
        ? `Every free ${noun} slot is being filled. Wait for the uploads to finish.`
        : `All ${max} ${noun} slots are in use. Remove a ${noun} to add another.`
      : "",
  };
}

/**
 * Split dropped/picked files into those that fit in `free` slots and the count refused.
 * @template T
 * @param {Iterable<T> | ArrayLike<T>} files
 * @param {number} free
 */
export function takeFiles(files, free) {
  const list = Array.from(files);
  const accepted = list.slice(0, Math.max(0, free));
  return { accepted, refused: list.length - accepted.length };
}
