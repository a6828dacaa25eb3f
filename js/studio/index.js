// MascotStudio's header: which mascot, its style card state, credits, and a Refresh for all.

import { h, root, shown } from "../lib/dom.js";

function render({ model, el }) {
  root(el, "studio-bar", "Mascot studio");
  const name = h("h2", { class: "masko-studio-name" });
  const card = h("span", { class: "masko-card-status" });
  const credits = h("span", { class: "masko-credits" });
  const error = h("p", { class: "masko-error", role: "alert" });
  const refresh = h("button", {
    type: "button",
    class: "masko-refresh",
    text: "Refresh all",
    onclick: () => model.send({ event: "refresh" }),
  });

  function paint() {
    name.textContent = model.get("collection_name") || "Mascot studio";
    const state = model.get("style_card_status") ?? "none yet";
    card.textContent = `Style card: ${state}`;
    card.dataset.state = state.split(":")[0];
    const balance = model.get("credits");
    credits.textContent = balance === null || balance === undefined ? "" : `${balance} credits`;
    error.textContent = model.get("error") ?? "";
    shown(error, error.textContent !== "");
  }

  for (const trait of ["collection_name", "style_card_status", "credits", "error"]) {
    model.on(`change:${trait}`, paint);
  }
  el.replaceChildren(h("header", { class: "masko-head" }, [name, card, credits, refresh]), error);
  paint();
}

export default { render };
