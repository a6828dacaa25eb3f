// @ts-check
// The collection's style card as a picture (palette swatches sized by share, the character's
// proportions as a silhouette, its outline), with the text kept for copying and on hover.

import { copyButton } from "./copy.js";
import { h, shown } from "./dom.js";
import { listen } from "./model.js";

/**
 * @typedef {import("./model.js").Model<import("./protocol.js").CollectionTraits>} Model
 * @typedef {import("./model.js").Cleanup} Cleanup
 */

/**
 * @typedef {object} CardFacts
 * @property {{ colour: string, share: number }[]} palette
 * @property {number | null} proportions width / height of the character
 * @property {string} shape "tall", "wide" or "even" (as the card says)
 * @property {number | null} outline width in px (0: none, null: the card does not say)
 * @property {string} shading
 */

/**
 * The facts of a style card text ("Palette: #aabbcc 40%, … · Proportions: 0.67 (tall) ·
 * Outline: dark, 4 px · Shading: flat"); null when the text has no palette and no proportions.
 * @param {string} text
 * @returns {CardFacts | null}
 */
export function parseStyleCard(text) {
  /** @type {Record<string, string>} */
  const parts = {};
  for (const part of text.split("·")) {
    const colon = part.indexOf(":");
    if (colon > 0) parts[part.slice(0, colon).trim().toLowerCase()] = part.slice(colon + 1).trim();
  }
  const palette = [...(parts.palette ?? "").matchAll(/(#[0-9a-f]{6})\s+(\d+(?:\.\d+)?)%/gi)].map(
    (match) => ({ colour: match[1].toLowerCase(), share: Number(match[2]) / 100 }),
  );
  const ratio = Number.parseFloat(parts.proportions ?? "");
  if (palette.length === 0 && Number.isNaN(ratio)) return null;
  const outlineText = parts.outline ?? "";
  const width = outlineText.match(/(\d+)\s*px/);
  return {
    palette,
    proportions: Number.isNaN(ratio) ? null : ratio,
    shape: (parts.proportions ?? "").match(/\(([^)]+)\)/)?.[1] ?? "",
    outline: outlineText === "" ? null : /none/i.test(outlineText) ? 0 : Number(width?.[1] ?? 1),
    shading: parts.shading ?? "",
  };
}

/**
 * The short word and the explanation of a `style_card_status` ("cleared: the references …").
 * @param {string} status
 */
export function cardState(status) {
  const [state, ...rest] = (status || "none yet").split(":");
  const word = state.trim();
  return {
    state: word,
    label: word.charAt(0).toUpperCase() + word.slice(1),
    detail: rest.join(":").trim(),
  };
}

/**
 * The badge for `style_card_status`: a short word, its explanation on hover.
 * @param {import("./model.js").Model<{ style_card_status: string }, unknown>} model
 * @param {Cleanup[]} [cleanups] receives the function that stops the updates
 */
export function cardStatus(model, cleanups = []) {
  const badge = h("span", { class: "masko-card-status" });
  function paint() {
    const { state, label, detail } = cardState(model.get("style_card_status") ?? "");
    badge.textContent = label;
    badge.dataset.state = state;
    badge.title = detail ? `Style card ${state}: ${detail}` : `Style card: ${state}`;
  }
  cleanups.push(listen(model, ["style_card_status"], paint));
  paint();
  return badge;
}

/** Luminance (0–1) of "#rrggbb", to pick a body colour that is not the outline's. */
function lightness(/** @type {string} */ hex) {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Palette swatches, each as wide as its share of the character.
 * @param {CardFacts["palette"]} palette
 */
function swatches(palette) {
  const words = palette.map(({ colour, share }) => `${colour} ${Math.round(share * 100)}%`);
  const total = palette.reduce((sum, { share }) => sum + share, 0) || 1;
  return h(
    "div",
    { class: "masko-swatches", role: "img", "aria-label": `Palette: ${words.join(", ")}` },
    palette.map(({ colour, share }, index) => {
      const swatch = h("span", { class: "masko-swatch", title: words[index] });
      swatch.style.flexGrow = String(share / total); // the swatches fill the strip
      swatch.style.backgroundColor = colour;
      return swatch;
    }),
  );
}

/**
 * The character's proportions as a box of that width-to-height ratio, in its main colour,
 * with its outline and shading.
 * @param {CardFacts} facts
 */
function silhouette(facts) {
  const ratio = Math.min(2, Math.max(0.3, facts.proportions ?? 1));
  const body = facts.palette.find(({ colour }) => lightness(colour) > 0.15)?.colour ?? "#888888";
  const outline = facts.outline ?? 0;
  const words = [
    facts.proportions === null ? "" : `proportions ${facts.proportions} (${facts.shape})`,
    outline > 0 ? `dark outline ${outline} px` : facts.outline === 0 ? "no outline" : "",
    facts.shading ? `${facts.shading} shading` : "",
  ].filter(Boolean);
  const shape = h("span", { class: "masko-silhouette" });
  shape.style.width = `${Math.round(48 * Math.min(1, ratio))}px`;
  shape.style.height = `${Math.round(48 / Math.max(1, ratio))}px`;
  shape.style.backgroundColor = body;
  if (outline > 0) shape.style.borderWidth = `${Math.min(4, Math.max(1, outline / 2))}px`;
  shape.dataset.outline = outline > 0 ? "dark" : "none";
  shape.dataset.shading = facts.shading;
  return h(
    "div",
    { class: "masko-silhouette-frame", role: "img", "aria-label": words.join(", ") },
    [shape],
  );
}

/**
 * The facts in a few words beside the picture.
 * @param {CardFacts} facts
 */
function factList(facts) {
  const outline =
    facts.outline === null ? "" : facts.outline > 0 ? `Outline ${facts.outline} px` : "No outline";
  const items = [
    facts.proportions === null ? "" : `${facts.shape || "Proportions"} ${facts.proportions}`,
    outline,
    facts.shading ? `${facts.shading} shading` : "",
  ].filter(Boolean);
  return h(
    "ul",
    { class: "masko-card-facts" },
    items.map((text) => h("li", { text: text.charAt(0).toUpperCase() + text.slice(1) })),
  );
}

/**
 * The picture of a card text, or null when the text cannot be read as facts.
 * @param {string} text
 */
export function cardPicture(text) {
  const facts = parseStyleCard(text);
  if (!facts) return null;
  return h("div", { class: "masko-card-picture", title: text }, [
    facts.palette.length ? swatches(facts.palette) : null,
    silhouette(facts),
    factList(facts),
  ]);
}

/**
 * A live view of `style_card` and `style_card_status`. `compact` shows the state only;
 * `status: false` leaves the state out (a studio shows it once, in its header). `cleanups`
 * receives the functions that stop the updates.
 * @param {Model} model
 * @param {{ compact?: boolean, status?: boolean, cleanups?: Cleanup[] }} [options]
 */
export function styleCard(model, { compact = false, status = true, cleanups = [] } = {}) {
  const picture = h("div", { class: "masko-card-body" });
  const waiting = h("p", { class: "masko-card-waiting" });
  const text = h("p", { class: "masko-card-text" });
  const copy = copyButton(() => text.textContent ?? "", {
    label: "Copy text",
    title: "Copy the style card text",
  });
  const details = h("details", { class: "masko-card-details" }, [
    h("summary", { text: "Text" }),
    text,
  ]);
  const section = h("section", { class: "masko-card", "aria-label": "Style card" }, [
    h("div", { class: "masko-head" }, [
      h("span", { class: "masko-card-title", text: "Style card" }),
      status ? cardStatus(model, cleanups) : null,
      compact ? null : copy,
    ]),
    compact ? null : picture,
    compact ? null : waiting,
    compact ? null : details,
  ]);

  function paint() {
    const card = model.get("style_card") ?? "";
    text.textContent = card;
    picture.replaceChildren(cardPicture(card) ?? h("p", { class: "masko-card-plain", text: card }));
    for (const part of [picture, details, copy]) shown(part, card !== "");
    const references = (model.get("reference_asset_ids") ?? []).length;
    waiting.textContent = references
      ? "Made from the references at the next generation."
      : "None yet: add references, then generate a pose.";
    shown(waiting, card === "");
  }
  cleanups.push(listen(model, ["style_card", "reference_asset_ids"], paint));
  paint();
  return section;
}
