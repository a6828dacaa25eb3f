// @ts-check
// The pose tiles: a virtual ARIA listbox that draws the tiles in view and asks the store for
// their thumbnails; after the poses, a placeholder tile for each pose on its way.

import { h } from "../lib/dom.js";
import { nextIndex } from "../lib/keyboard.js";
import { editsByItem, pendingLabel, placeholderIds, placeholderOf } from "./pending.js";
import { scrollToShow, spacing, windowOf } from "./window.js";

/** @typedef {import("./store.js").PoseStore} PoseStore */
/** @typedef {import("./store.js").PoseRow} PoseRow */
/** @typedef {import("./pending.js").PendingPose} PendingPose */
/** @typedef {{ li: HTMLLIElement, img: HTMLImageElement, missing: HTMLElement,
 *   name: HTMLElement, score: HTMLElement, value: HTMLElement, wait: HTMLElement,
 *   waitText: HTMLElement, label?: string, shown?: string | null, row?: PoseRow }} Tile */

/** "good", "fair", "off", or "none" for a missing score. */
export function scoreLevel(/** @type {number | null | undefined} */ score) {
  if (score === null || score === undefined) return "none";
  if (score >= 80) return "good";
  return score >= 60 ? "fair" : "off";
}

function makeTile() {
  const img = h("img", { alt: "", decoding: "async", hidden: true });
  const missing = h("span", { class: "masko-missing", text: "Image failed to load", hidden: true });
  const name = h("span", { class: "masko-pose-name" });
  const value = h("span", { class: "masko-score-value" });
  const score = h("span", { class: "masko-score" }, [
    h("span", { class: "masko-score-label", text: "On-model " }),
    value,
  ]);
  const waitText = h("span", { class: "masko-wait-text" });
  const wait = h("span", { class: "masko-wait", hidden: true }, [
    waitText,
    h("progress", { class: "masko-progress", "aria-hidden": "true" }),
  ]);
  const li = h("li", { role: "option", class: "masko-pose", tabindex: "-1" }, [
    img,
    missing,
    wait,
    name,
    score,
  ]);
  li.setAttribute("aria-selected", "false");
  img.onerror = () => {
    img.hidden = true;
    missing.hidden = false;
  };
  return /** @type {Tile} */ ({ li, img, missing, name, score, value, wait, waitText });
}

/** Milliseconds between repaints of the time a pose has been on its way. */
const TICK = 1000;

/** The note over a tile while its pose is on its way or being edited (none: hidden), with
 * the time it has taken so far; screen readers hear the status (not the clock) after the
 * tile's name. */
function paintWait(/** @type {Tile} */ tile, /** @type {PendingPose | undefined} */ entry) {
  tile.wait.hidden = entry === undefined;
  tile.waitText.textContent = entry ? pendingLabel(entry, Date.now()) : "";
  tile.li.classList.toggle("is-editing", entry !== undefined && tile.row !== undefined);
  tile.li.setAttribute("aria-busy", String(entry !== undefined));
  // Named by its text ("waving On-model 84"), and while on its way by its status too.
  const words = entry ? pendingLabel(entry).toLowerCase() : "";
  if (words) tile.li.setAttribute("aria-label", `${tile.label ?? ""}, ${words}`);
  else tile.li.removeAttribute("aria-label");
}

/** A placeholder tile: the name of the pose on its way and its job's status. */
function paintPlaceholder(/** @type {Tile} */ tile, /** @type {PendingPose} */ entry) {
  const label = entry.name || "New pose";
  tile.row = undefined;
  tile.shown = undefined;
  tile.li.classList.add("is-placeholder");
  tile.li.classList.remove("is-loading");
  tile.li.dataset.itemId = "";
  tile.li.dataset.job = entry.job;
  tile.li.id = `masko-pending-${entry.job}`;
  tile.li.setAttribute("aria-disabled", "true");
  tile.img.hidden = true;
  tile.img.removeAttribute("src");
  tile.missing.hidden = true;
  tile.name.textContent = label;
  tile.name.title = label;
  tile.score.hidden = true;
  tile.label = label;
  paintWait(tile, entry);
}

/** Words, score badge and data attributes of a tile from its row. */
function paintRow(/** @type {Tile} */ tile, /** @type {PoseRow} */ row) {
  const [itemId, poseName, value] = row;
  tile.row = row;
  const label = poseName || "Untitled pose";
  const scored = value !== null && value !== undefined;
  tile.li.classList.remove("is-placeholder");
  tile.li.removeAttribute("aria-disabled");
  delete tile.li.dataset.job;
  tile.score.hidden = false;
  tile.li.dataset.itemId = itemId;
  tile.li.id = `masko-pose-${itemId}`;
  tile.name.textContent = label;
  tile.name.title = label;
  tile.value.textContent = scored ? String(value) : "–";
  tile.score.dataset.level = scoreLevel(value);
  tile.score.title = scored
    ? `On-model score ${value} of 100 (palette closeness to the references)`
    : "On-model score: made when the picture loads (needs references)";
  // The tile's name is its text, "waving On-model 84" (the picture beside it says no more);
  // while it is edited, these words and its status (paintWait).
  tile.label = scored ? `${label}, on-model ${value} of 100` : label;
}

/** The tile's picture from the store, once it has come. */
function paintPicture(
  /** @type {Tile} */ tile,
  /** @type {PoseStore} */ store,
  /** @type {string} */ id,
) {
  const picture = store.pictures.get(id);
  const url = picture?.url ?? null;
  tile.li.classList.toggle("is-loading", picture === undefined);
  tile.missing.hidden = !picture?.error;
  if (tile.shown === url) return;
  tile.shown = url;
  tile.img.hidden = url === null;
  if (url === null) tile.img.removeAttribute("src");
  else {
    if (picture?.width && picture.height) {
      tile.img.width = picture.width;
      tile.img.height = picture.height;
    }
    tile.img.src = url;
  }
}

/** A row-wide element standing for rows not drawn (hidden while it stands for none). */
function spacer() {
  const element = h("li", { class: "masko-spacer", role: "none", "aria-hidden": "true" });
  element.hidden = true;
  return element;
}

/** `element` stands for `pixels` of rows; the grid's gap after it is part of them. */
function size(/** @type {HTMLElement} */ element, /** @type {number} */ pixels, gap = 0) {
  element.hidden = pixels <= 0;
  element.style.height = `${Math.max(0, pixels - gap)}px`;
}

/** The element with the focus in `element`'s document or shadow root (marimo draws in one). */
function focusedIn(/** @type {HTMLElement} */ element) {
  return /** @type {Document | ShadowRoot} */ (element.getRootNode()).activeElement ?? null;
}

/**
 * How the list is laid out, read from the browser: columns, the height of a row, the gap
 * between rows and the distance from one row to the next, the scrolled band; `watch` calls
 * back on scroll and resize. (A test passes its own.)
 * @typedef {{ columns: () => number, rowHeight: () => number, gap: () => number,
 *   stride: () => number,
 *   top: () => number, height: () => number, scrollTo: (top: number) => void,
 *   watch: (changed: () => void) => () => void, forget: () => void }} Layout
 */

/** @param {HTMLElement} list @returns {Layout} */
export function browserLayout(list) {
  /** @type {{ row: number, gap: number } | null} */
  let measured = null;
  function measure() {
    const tile = /** @type {HTMLElement | null} */ (list.querySelector("[role=option]"));
    const row = tile?.offsetHeight ?? 0;
    if (row === 0) return { row: 0, gap: 0 }; // not laid out yet: try again next time
    measured = { row, gap: parseFloat(getComputedStyle(list).rowGap) || 0 };
    return measured;
  }
  return {
    columns: () => getComputedStyle(list).gridTemplateColumns.split(" ").filter(Boolean).length,
    rowHeight: () => (measured ?? measure()).row,
    gap: () => (measured ?? measure()).gap,
    stride: () => {
      const { row, gap } = measured ?? measure();
      return row > 0 ? row + gap : 0;
    },
    top: () => list.scrollTop,
    height: () => list.clientHeight,
    scrollTo(top) {
      list.scrollTop = top;
    },
    watch(changed) {
      let queued = false;
      const soon = () => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          changed();
        });
      };
      const resized = new ResizeObserver(() => {
        measured = null; // tiles change size with the columns
        soon();
      });
      resized.observe(list);
      list.addEventListener("scroll", soon, { passive: true });
      return () => {
        resized.disconnect();
        list.removeEventListener("scroll", soon);
      };
    },
    forget() {
      measured = null;
    },
  };
}

/**
 * What one pose list keeps between paints.
 * @typedef {{ store: PoseStore, selection: Selection, pending: () => PendingPose[],
 *   list: HTMLUListElement, layout: Layout, above: HTMLElement, below: HTMLElement,
 *   drawn: Map<string, Tile>, spare: Tile[], ids: string[], focus: number,
 *   revealPending: boolean, ticking: ReturnType<typeof setInterval> | null }} ListState
 *   `drawn`: item id -> its tile, for the tiles drawn; `spare`: tiles out of view, kept for
 *   reuse; `focus`: the index of the tile that takes the focus
 * @typedef {{ select: (id: string) => void, selected: () => string | null,
 *   pending?: () => PendingPose[] }} Selection
 */

/** A tile for the window: a spare one, or a new one that selects its pose on click. */
function takeTile(/** @type {ListState} */ state) {
  const made = state.spare.pop() ?? makeTile();
  if (!made.li.onclick) made.li.onclick = () => choose(state, made.li.dataset.itemId ?? "");
  return made;
}

/** Take out the tiles whose pose left the window, keeping them for reuse. */
function recycle(/** @type {ListState} */ state, /** @type {Set<string>} */ keep) {
  const active = focusedIn(state.list);
  for (const [id, old] of state.drawn) {
    if (keep.has(id)) continue;
    if (old.li === active) state.list.focus({ preventScroll: true }); // the keys still reach us
    old.li.remove();
    old.shown = undefined;
    old.row = undefined;
    state.drawn.delete(id);
    state.spare.push(old);
  }
}

/** Paint a drawn tile: a placeholder for a pose on its way, else its row and picture. */
function paintTile(
  /** @type {ListState} */ state,
  /** @type {Tile} */ tile,
  /** @type {string} */ id,
  /** @type {PendingPose[]} */ waiting,
  /** @type {Map<string, PendingPose>} */ edits,
) {
  const row = state.store.rows.get(id);
  const coming = row === undefined ? placeholderOf(waiting, id) : undefined;
  if (coming) paintPlaceholder(tile, coming);
  else if (row) {
    if (tile.row !== row) paintRow(tile, row); // a new row object when it changed
    paintPicture(tile, state.store, id);
    paintWait(tile, edits.get(id));
  }
}

/** Draw the tiles `wanted` (from `start` in the list) between the spacers, in order. */
function place(
  /** @type {ListState} */ state,
  /** @type {string[]} */ wanted,
  /** @type {number} */ start,
) {
  const waiting = state.pending();
  const edits = editsByItem(waiting);
  /** @type {Element} */
  let previous = state.above;
  wanted.forEach((id, offset) => {
    const current = state.drawn.get(id) ?? takeTile(state);
    state.drawn.set(id, current);
    paintTile(state, current, id, waiting, edits);
    current.li.setAttribute("aria-posinset", String(start + offset + 1));
    current.li.setAttribute("aria-setsize", String(state.ids.length));
    if (current.li.previousElementSibling !== previous || !current.li.isConnected) {
      previous.after(current.li);
    }
    previous = current.li;
  });
  if (state.below.previousElementSibling !== previous) previous.after(state.below);
}

/** Draw the tiles of the current window, reusing those that leave it. */
function draw(/** @type {ListState} */ state) {
  const { layout } = state;
  if (state.revealPending && layout.stride() > 0) {
    state.revealPending = false; // laid out now: the selection asked to be shown can be
    reveal(state, state.ids.indexOf(state.selection.selected() ?? ""));
  }
  const grid = { count: state.ids.length, columns: layout.columns(), stride: layout.stride() };
  const range = windowOf({ ...grid, top: layout.top(), height: layout.height() });
  const { before, after } = spacing({ ...grid, ...range });
  size(state.above, before, layout.gap());
  size(state.below, after, layout.gap());
  const wanted = state.ids.slice(range.start, range.end);
  recycle(state, new Set(wanted));
  place(state, wanted, range.start);
  state.spare.length = Math.min(state.spare.length, wanted.length);
  if (grid.stride > 0) state.store.want(wanted); // measured: these are the tiles in view
  paintSelection(state);
}

/** The time on the tiles of poses on their way, every TICK while there are any. */
function tick(/** @type {ListState} */ state) {
  const waiting = state.pending();
  const edits = editsByItem(waiting);
  for (const [id, drawnTile] of state.drawn) {
    const entry = state.store.rows.has(id) ? edits.get(id) : placeholderOf(waiting, id);
    if (entry) drawnTile.waitText.textContent = pendingLabel(entry, Date.now());
  }
}

/** The list's ids from the store's rows and the poses on their way; the clock runs while
 * any pose is on its way. */
function rows(/** @type {ListState} */ state) {
  const waiting = state.pending();
  state.ids = [...state.store.rows.keys(), ...placeholderIds(waiting)];
  if (waiting.length > 0 && state.ticking === null) {
    state.ticking = setInterval(() => tick(state), TICK);
  } else if (waiting.length === 0 && state.ticking !== null) {
    clearInterval(state.ticking);
    state.ticking = null;
  }
  draw(state);
}

/** A thumbnail came: repaint its tile if it is drawn. */
function picture(/** @type {ListState} */ state, /** @type {string} */ id) {
  const shown = state.drawn.get(id);
  const row = state.store.rows.get(id);
  if (shown && row) {
    paintRow(shown, row);
    paintPicture(shown, state.store, id);
    paintWait(shown, editsByItem(state.pending()).get(id));
  }
}

function choose(/** @type {ListState} */ state, /** @type {string} */ id) {
  if (!state.store.rows.has(id)) return; // a placeholder: its pose is not there yet
  state.focus = state.ids.indexOf(id);
  state.selection.select(id);
  paintSelection(state);
}

/** Scroll so that tile `index` shows whole; returns whether it moved. */
function reveal(/** @type {ListState} */ state, /** @type {number} */ index) {
  const { layout } = state;
  const top = scrollToShow({
    index,
    columns: layout.columns(),
    stride: layout.stride(),
    rowHeight: layout.rowHeight(),
    top: layout.top(),
    height: layout.height(),
  });
  if (top === null) return false;
  layout.scrollTo(top);
  return true;
}

/** The selected pose, shown: scrolled to when it is out of view (e.g. chosen in Python,
 * or selected before this view opened). */
function showSelected(/** @type {ListState} */ state) {
  const at = state.ids.indexOf(state.selection.selected() ?? "");
  if (at >= 0 && !(state.layout.stride() > 0)) state.revealPending = true;
  else if (at >= 0 && reveal(state, at)) return draw(state);
  paintSelection(state);
}

function paintSelection(/** @type {ListState} */ state) {
  const { ids, list } = state;
  const selected = state.selection.selected();
  const at = selected === null ? -1 : ids.indexOf(selected);
  if (at >= 0 && !list.contains(focusedIn(list))) state.focus = at;
  state.focus = Math.min(Math.max(state.focus, 0), Math.max(ids.length - 1, 0));
  const focused = ids[state.focus];
  for (const [id, { li }] of state.drawn) {
    li.setAttribute("aria-selected", String(id === selected));
    li.classList.toggle("is-selected", id === selected);
    li.tabIndex = id === focused ? 0 : -1;
  }
  list.tabIndex = focused !== undefined && state.drawn.has(focused) ? -1 : 0; // always reachable
}

/** Arrow keys, Home and End move the focus (scrolling to it); Enter or Space selects. */
function onKey(/** @type {ListState} */ state, /** @type {KeyboardEvent} */ event) {
  const { ids } = state;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    if (ids[state.focus] !== undefined) choose(state, ids[state.focus]);
    return;
  }
  const next = nextIndex(event.key, state.focus, ids.length, state.layout.columns());
  if (next === null) return;
  event.preventDefault();
  state.focus = next;
  reveal(state, next);
  draw(state);
  state.drawn.get(ids[next])?.li.focus();
}

/** The empty listbox with its two spacers, and the state of the list around it. */
function listState(
  /** @type {PoseStore} */ store,
  /** @type {Selection} */ selection,
  /** @type {(list: HTMLElement) => Layout} */ layoutOf,
) {
  const list = /** @type {HTMLUListElement} */ (
    h("ul", {
      class: "masko-poses",
      role: "listbox",
      "aria-label": "Poses",
      "aria-orientation": "horizontal",
    })
  );
  const above = spacer();
  const below = spacer();
  list.append(above, below);
  return /** @type {ListState} */ ({
    store,
    selection,
    pending: selection.pending ?? (() => []),
    list,
    layout: layoutOf(list),
    above,
    below,
    drawn: new Map(),
    spare: [],
    ids: [],
    focus: 0,
    revealPending: false,
    ticking: null,
  });
}

/**
 * The listbox of pose tiles, in the store's order, virtual: only the tiles in and near view
 * are in the document (recycled as the list scrolls), and only their thumbnails are asked
 * for. Arrow keys, Home and End move the focus (scrolling to it), Enter or Space selects.
 * The poses on their way (`selection.pending`) follow as placeholders, which cannot be
 * selected; a pose being edited says so on its tile.
 * @param {PoseStore} store
 * @param {Selection} selection
 * @param {(list: HTMLElement) => Layout} [layoutOf]
 */
export function poseList(store, selection, layoutOf = browserLayout) {
  const state = listState(store, selection, layoutOf);
  state.list.addEventListener("keydown", (event) => onKey(state, event));
  const unwatch = state.layout.watch(() => draw(state));
  const unlisten = store.listen({
    rows: () => rows(state),
    picture: (id) => picture(state, id),
  });
  rows(state);
  return {
    list: state.list,
    paintPending: () => rows(state),
    paintSelection: () => paintSelection(state),
    showSelected: () => showSelected(state),
    dispose() {
      if (state.ticking !== null) clearInterval(state.ticking);
      unlisten();
      unwatch();
    },
  };
}
