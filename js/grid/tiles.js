// @ts-check
// The pose tiles: an ARIA listbox that asks the store for the thumbnails of the tiles in view.

import { h } from "../lib/dom.js";
import { columnCount, nextIndex } from "../lib/keyboard.js";

/** @typedef {import("./store.js").PoseStore} PoseStore */
/** @typedef {import("./store.js").PoseRow} PoseRow */
/** @typedef {{ li: HTMLLIElement, img: HTMLImageElement, missing: HTMLElement,
 *   name: HTMLElement, score: HTMLElement, shown?: string | null }} Tile */

/** How far outside the visible area tiles start loading, so scrolling finds them ready. */
const MARGIN = "300px";

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
  const score = h("span", { class: "masko-score" });
  const li = h("li", { role: "option", class: "masko-pose", tabindex: "-1" }, [
    img,
    missing,
    name,
    score,
  ]);
  li.setAttribute("aria-selected", "false");
  img.onerror = () => {
    img.hidden = true;
    missing.hidden = false;
  };
  return /** @type {Tile} */ ({ li, img, missing, name, score });
}

/** Words, score badge and data attributes of a tile from its row. */
function paintRow(/** @type {Tile} */ tile, /** @type {PoseRow} */ row) {
  const [itemId, poseName, value] = row;
  const label = poseName || "Untitled pose";
  const scored = value !== null && value !== undefined;
  tile.li.dataset.itemId = itemId;
  tile.li.id = `masko-pose-${itemId}`;
  tile.name.textContent = label;
  tile.name.title = label;
  tile.score.textContent = scored ? String(value) : "–";
  tile.score.dataset.level = scoreLevel(value);
  tile.score.title = scored
    ? `On-model score ${value} of 100 (palette closeness to the references)`
    : "On-model score: made when the picture loads (needs references)";
  tile.li.setAttribute("aria-label", scored ? `${label}, on-model ${value} of 100` : label);
  tile.img.alt = label;
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

/**
 * Arrow keys move the focus among the tiles, Enter or Space selects.
 * @param {{ ids: () => string[], li: (id: string) => HTMLElement,
 *   focus: { index: number }, choose: (id: string) => void, paint: () => void }} grid
 */
function keyboard(grid) {
  return (/** @type {KeyboardEvent} */ event) => {
    const ids = grid.ids();
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (ids[grid.focus.index] !== undefined) grid.choose(ids[grid.focus.index]);
      return;
    }
    const options = ids.map(grid.li);
    const next = nextIndex(event.key, grid.focus.index, options.length, columnCount(options));
    if (next === null) return;
    event.preventDefault();
    grid.focus.index = next;
    grid.paint();
    options[next].focus();
  };
}

/** Asks the store for the thumbnails of tiles coming into view (and a margin around it). */
function visibility(/** @type {PoseStore} */ store) {
  return new IntersectionObserver(
    (entries) => {
      const seen = entries.filter((entry) => entry.isIntersecting);
      store.want(
        seen.map((entry) => /** @type {HTMLElement} */ (entry.target).dataset.itemId ?? ""),
      );
    },
    { rootMargin: MARGIN },
  );
}

/**
 * The listbox of pose tiles, in the store's order.
 * @param {PoseStore} store
 * @param {{ select: (id: string) => void, selected: () => string | null }} selection
 */
export function poseList(store, selection) {
  /** @type {Map<string, Tile>} */
  const tiles = new Map();
  const focus = { index: 0 };
  const list = h("ul", {
    class: "masko-poses",
    role: "listbox",
    "aria-label": "Poses",
    "aria-orientation": "horizontal",
  });
  const observer = visibility(store);
  const tileOf = (/** @type {string} */ id) => /** @type {Tile} */ (tiles.get(id));

  function sync() {
    for (const [id, tile] of tiles) {
      if (store.rows.has(id)) continue;
      observer.unobserve(tile.li);
      tile.li.remove();
      tiles.delete(id);
    }
    /** @type {Element | null} */
    let previous = null;
    for (const [id, row] of store.rows) {
      const tile = tiles.get(id) ?? makeTile();
      if (!tiles.has(id)) {
        tiles.set(id, tile);
        tile.li.addEventListener("click", () => choose(id));
      }
      paintRow(tile, row);
      paintPicture(tile, store, id);
      if (tile.li.previousElementSibling !== previous || !tile.li.isConnected) {
        if (previous) previous.after(tile.li);
        else list.prepend(tile.li);
        observer.observe(tile.li);
      }
      previous = tile.li;
    }
    paintSelection();
  }

  function picture(/** @type {string} */ id) {
    const row = store.rows.get(id);
    if (tiles.has(id) && row) {
      paintRow(tileOf(id), row);
      paintPicture(tileOf(id), store, id);
    }
  }

  function choose(/** @type {string} */ id) {
    focus.index = [...tiles.keys()].indexOf(id);
    selection.select(id);
    paintSelection();
  }

  function paintSelection() {
    const ids = [...tiles.keys()];
    const selected = selection.selected();
    const at = selected === null ? -1 : ids.indexOf(selected);
    if (at >= 0 && !list.contains(document.activeElement)) focus.index = at;
    focus.index = Math.min(Math.max(focus.index, 0), Math.max(ids.length - 1, 0));
    ids.forEach((id, index) => {
      const { li } = tileOf(id);
      li.setAttribute("aria-selected", String(index === at));
      li.classList.toggle("is-selected", index === at);
      li.tabIndex = index === focus.index ? 0 : -1;
    });
  }

  const ids = () => [...tiles.keys()];
  const li = (/** @type {string} */ id) => tileOf(id).li;
  list.addEventListener("keydown", keyboard({ ids, li, focus, choose, paint: paintSelection }));
  const unlisten = store.listen({ rows: sync, picture });
  sync();
  return {
    list,
    paintSelection,
    dispose() {
      unlisten();
      observer.disconnect();
    },
  };
}
