// The collection's style card: its state ("cached", "cleared: …", "none yet") and text.

import { h, shown } from "./dom.js";

/** A live view of `style_card` and `style_card_status`; `compact` shows the state only. */
export function styleCard(model, { compact = false } = {}) {
  const status = h("span", { class: "masko-card-status" });
  const text = h("pre", { class: "masko-card-text" });
  const section = h("section", { class: "masko-card", "aria-label": "Style card" }, [
    h("span", { class: "masko-card-title", text: "Style card" }),
    status,
    compact ? null : text,
  ]);

  function render() {
    const state = model.get("style_card_status") ?? "none yet";
    status.textContent = state;
    status.dataset.state = state.split(":")[0];
    text.textContent = model.get("style_card") ?? "";
    shown(text, text.textContent !== "");
  }

  model.on("change:style_card", render);
  model.on("change:style_card_status", render);
  render();
  return section;
}
