// @ts-check
// The poses on their way (the kernel's `pending` trait): a placeholder tile for each new pose,
// and a note over the tile of each pose being edited. Pure functions.

/** @typedef {{ job: string, kind: string, name: string, item_id: string | null,
 *   status: string, started?: number }} PendingPose started: seconds since the epoch */

/** The kind of an entry for a pose that does not exist yet. */
export const NEW = "new";
/** The kind of an entry for a pose whose picture is being changed. */
export const EDIT = "edit";
/** Placeholder tiles are listed under this prefix and their job id (never an item id). */
export const PLACEHOLDER = "pending:";

/** The ids the list shows after the poses: one placeholder per new pose on its way. */
export function placeholderIds(/** @type {PendingPose[]} */ pending) {
  return pending.filter((entry) => entry.kind === NEW).map((entry) => PLACEHOLDER + entry.job);
}

/** The entry a placeholder id stands for, or undefined. */
export function placeholderOf(/** @type {PendingPose[]} */ pending, /** @type {string} */ id) {
  if (!id.startsWith(PLACEHOLDER)) return undefined;
  const job = id.slice(PLACEHOLDER.length);
  return pending.find((entry) => entry.kind === NEW && entry.job === job);
}

/** item id -> the edit on its way for that pose. */
export function editsByItem(/** @type {PendingPose[]} */ pending) {
  return new Map(
    pending
      .filter((entry) => entry.kind === EDIT && entry.item_id)
      .map((entry) => [/** @type {string} */ (entry.item_id), entry]),
  );
}

/** What a job's last known status means to the user. */
export function statusWords(/** @type {string} */ status) {
  if (status === "pending") return "on its way"; // all a 202 or a held long-poll tells
  if (status === "processing") return "being drawn";
  return status || "on its way";
}

/** "8 s", "2 min 5 s": how long a job has run (never negative, whatever the clocks say). */
export function elapsedWords(/** @type {number} */ seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return `${whole} s`;
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/**
 * The words a tile shows while its pose is on its way (or being edited), with the time since
 * the job began when `now` (milliseconds since the epoch) is given.
 * @param {PendingPose} entry
 * @param {number} [now]
 */
export function pendingLabel(entry, now) {
  const what = entry.kind === EDIT ? "Editing" : "New pose";
  const since =
    now !== undefined && entry.started ? `, ${elapsedWords(now / 1000 - entry.started)}` : "";
  return `${what}: ${statusWords(entry.status)}${since}`;
}
