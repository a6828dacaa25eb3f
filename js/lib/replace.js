// @ts-check
// "Which references should go?": a chooser of the current references, for pinning new ones
// when the six slots would overflow (the gallery's Try and Pin, the preview's pin-then-keep).

import { h } from "./dom.js";

/**
 * @typedef {import("./urls.js").ObjectUrls} ObjectUrls
 * @typedef {{ asset_id: string, thumbnail?: DataView<ArrayBuffer> | null, mime?: string }} Picture
 * @typedef {{ action: string, confirm: string, choose: (replace: string[]) => void }} How
 */

/**
 * How many of `current` references `adding` new ones must replace within `max` slots.
 * @param {number} current
 * @param {number} adding
 * @param {number} max
 */
export function replaceNeeded(current, adding, max) {
  return Math.max(0, current + adding - max);
}

/**
 * Fill `chooser` with a checkbox per reference; the confirm button waits for `needed` ticks,
 * then calls `how.choose` with the ticked asset ids. Cancel empties the chooser.
 * @param {HTMLElement} chooser
 * @param {ObjectUrls} urls
 * @param {{ pictures: Picture[], needed: number, max: number }} what
 * @param {How} how
 */
export function openReplaceChooser(chooser, urls, { pictures, needed, max }, how) {
  const boxes = pictures.map((picture, index) =>
    h("input", {
      type: "checkbox",
      value: picture.asset_id,
      "aria-label": `Replace reference ${index + 1}`,
    }),
  );
  const confirm = h("button", { type: "button", class: "masko-primary", text: how.confirm });
  const paint = () => {
    confirm.disabled = boxes.filter((box) => box.checked).length < needed;
  };
  for (const box of boxes) box.addEventListener("change", paint);
  confirm.addEventListener("click", () => {
    const replace = boxes.filter((box) => box.checked).map((box) => box.value);
    chooser.replaceChildren();
    how.choose(replace);
  });
  const cancel = h("button", {
    type: "button",
    text: "Cancel",
    onclick: () => chooser.replaceChildren(),
  });
  const legend = `All ${max} slots would be used: choose ${needed} reference${needed === 1 ? "" : "s"} to replace`;
  chooser.replaceChildren(
    h("fieldset", { class: "masko-replace", "data-action": how.action }, [
      h("legend", { text: legend }),
      h(
        "ul",
        { class: "masko-hint-list" },
        pictures.map((picture, index) => {
          const src =
            picture.thumbnail &&
            urls.set(`replace:${picture.asset_id}`, picture.thumbnail, picture.mime ?? "");
          return h("li", { class: "masko-replace-choice" }, [
            h("label", {}, [
              boxes[index],
              src ? h("img", { src, alt: "" }) : null,
              h("span", { text: `Reference ${index + 1}` }),
            ]),
          ]);
        }),
      ),
      h("div", { class: "masko-add-row" }, [confirm, cancel]),
    ]),
  );
  paint();
  boxes[0]?.focus();
}
