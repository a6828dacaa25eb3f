// PoseGrid: the collection's poses as an ARIA listbox; the selection is a Python trait.
// Each pose is its own widget model, chained newest first (grid.last_pose, pose.previous),
// so a new pose sends only that pose.

import { styleCard } from "../lib/card.js";
import { h, root, shown } from "../lib/dom.js";
import { columnCount, nextIndex } from "../lib/keyboard.js";
import { busy, statusArea } from "../lib/status.js";
import { ObjectUrls } from "../lib/urls.js";

const REF_PREFIX = "IPY_MODEL_";

function scoreLevel(score) {
  if (score === null || score === undefined) return "none";
  if (score >= 80) return "good";
  return score >= 60 ? "fair" : "off";
}

function render({ model, el }) {
  root(el, "grid", "Pose grid");
  const urls = new ObjectUrls();
  const tiles = new Map(); // model id -> tile
  const order = []; // model ids, oldest first
  let focusIndex = 0;
  let syncRound = 0;

  const count = h("span", { class: "masko-count", "aria-live": "polite" });
  const refresh = h("button", {
    type: "button",
    class: "masko-refresh",
    text: "Refresh",
    onclick: () => model.send({ event: "refresh" }),
  });
  const list = h("ul", {
    class: "masko-poses",
    role: "listbox",
    "aria-label": "Poses",
    "aria-orientation": "horizontal",
  });
  const empty = h("p", { class: "masko-empty", text: "No poses yet. Generate some below." });

  // --- tiles -------------------------------------------------------------
  function makeTile(id, child) {
    const img = h("img", { alt: "", loading: "lazy", decoding: "async" });
    const missing = h("span", {
      class: "masko-missing",
      text: "Image failed to load",
      hidden: true,
    });
    img.onerror = () => {
      img.hidden = true;
      missing.hidden = false;
    };
    const name = h("span", { class: "masko-pose-name" });
    const score = h("span", { class: "masko-score" });
    const li = h(
      "li",
      { role: "option", class: "masko-pose", tabindex: "-1", "aria-selected": "false" },
      [img, missing, name, score],
    );
    li.addEventListener("click", () => {
      focusIndex = order.indexOf(id);
      select(id);
    });
    const tile = { id, child, li, img, name, score };
    tile.update = () => paintTile(tile);
    child.on("change", tile.update);
    paintTile(tile);
    return tile;
  }

  function paintTile(tile) {
    const { child } = tile;
    const itemId = child.get("item_id");
    const poseName = child.get("name") || "Untitled pose";
    const value = child.get("score");
    const scored = value !== null && value !== undefined;
    tile.li.dataset.itemId = itemId;
    tile.li.id = `masko-pose-${itemId}`;
    tile.name.textContent = poseName;
    tile.score.textContent = scored ? String(value) : "–";
    tile.score.dataset.level = scoreLevel(value);
    tile.score.title = scored
      ? `On-model score ${value} of 100 (palette closeness to the references)`
      : "On-model score: add references to compare palettes";
    const words = scored ? `, on-model ${value} of 100` : "";
    tile.li.setAttribute("aria-label", `${poseName}${words}`);
    tile.img.alt = poseName;
    const thumbnail = child.get("thumbnail");
    if (thumbnail !== tile.shown) {
      tile.shown = thumbnail;
      tile.img.hidden = false;
      tile.img.src = urls.set(tile.id, thumbnail, child.get("mime")) ?? "";
      tile.img.width = child.get("width") || 0;
      tile.img.height = child.get("height") || 0;
    }
  }

  function dropTile(tile) {
    tile.child.off("change", tile.update);
    urls.delete(tile.id);
    tile.li.remove();
  }

  /** Model ids of the chain from `ref` back to a pose already shown (or the start). */
  async function newPoses(ref) {
    const fresh = [];
    let next = ref;
    while (next) {
      const id = String(next).replace(REF_PREFIX, "");
      if (tiles.has(id)) break;
      const child = await model.widget_manager.get_model(id);
      fresh.push({ id, child });
      next = child.get("previous");
    }
    return fresh.reverse(); // oldest first
  }

  async function syncPoses() {
    const round = ++syncRound;
    const fresh = await newPoses(model.get("last_pose"));
    if (round !== syncRound) return; // a newer chain is being shown
    for (const { id, child } of fresh) {
      if (tiles.has(id)) continue;
      const tile = makeTile(id, child);
      tiles.set(id, tile);
      order.push(id);
      list.append(tile.li);
    }
    count.textContent = `${order.length} pose${order.length === 1 ? "" : "s"}`;
    shown(empty, order.length === 0);
    paintSelection();
  }

  // --- selection and keyboard ---------------------------------------------
  function select(id) {
    const tile = tiles.get(id);
    if (!tile) return;
    model.set("selected_item_id", tile.child.get("item_id"));
    model.save_changes();
    paintSelection();
  }

  function paintSelection() {
    const selected = model.get("selected_item_id");
    const selectedIndex = order.findIndex((id) => tiles.get(id).child.get("item_id") === selected);
    if (selectedIndex >= 0 && !list.contains(document.activeElement)) focusIndex = selectedIndex;
    focusIndex = Math.min(Math.max(focusIndex, 0), Math.max(order.length - 1, 0));
    order.forEach((id, index) => {
      const tile = tiles.get(id);
      const isSelected = index === selectedIndex;
      tile.li.setAttribute("aria-selected", String(isSelected));
      tile.li.classList.toggle("is-selected", isSelected);
      tile.li.tabIndex = index === focusIndex ? 0 : -1;
    });
    paintAnimateForm();
  }

  list.addEventListener("keydown", (event) => {
    const options = order.map((id) => tiles.get(id).li);
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (order[focusIndex] !== undefined) select(order[focusIndex]);
      return;
    }
    const next = nextIndex(event.key, focusIndex, options.length, columnCount(options));
    if (next === null) return;
    event.preventDefault();
    focusIndex = next;
    paintSelection();
    options[next].focus();
  });

  // --- animate ------------------------------------------------------------
  const selectedText = h("p", { class: "masko-selected", "aria-live": "polite" });
  const promptInput = h("input", {
    type: "text",
    class: "masko-animate-prompt",
    placeholder: "e.g. waves hello",
    "aria-label": "Animation prompt",
  });
  const durationInput = h("input", {
    type: "number",
    class: "masko-animate-duration",
    min: model.get("min_duration"),
    max: model.get("max_duration"),
    step: 1,
    value: 4,
    "aria-label": "Duration in seconds",
  });
  const loopInput = h("input", {
    type: "checkbox",
    class: "masko-animate-loop",
    checked: true,
    "aria-label": "Loop",
  });
  const animateButton = h("button", {
    type: "submit",
    class: "masko-animate-button masko-primary",
    text: "Animate",
  });
  const animateForm = h(
    "form",
    { class: "masko-animate", "aria-label": "Animate the selected pose" },
    [
      selectedText,
      h("label", { class: "masko-field" }, [h("span", { text: "Animation prompt" }), promptInput]),
      h("label", { class: "masko-field masko-short" }, [
        h("span", { text: "Seconds" }),
        durationInput,
      ]),
      h("label", { class: "masko-check" }, [loopInput, h("span", { text: "Loop" })]),
      animateButton,
    ],
  );
  animateForm.addEventListener("submit", (event) => {
    event.preventDefault();
    model.send({
      event: "animate",
      prompt: promptInput.value.trim(),
      duration: Number(durationInput.value) || 4,
      loop: loopInput.checked,
    });
  });

  function paintAnimateForm() {
    const source = model.get("source_image_asset_id");
    const selected = model.get("selected_item_id");
    const tile = order.map((id) => tiles.get(id)).find((t) => t.child.get("item_id") === selected);
    selectedText.textContent = source
      ? `Selected: ${tile ? tile.child.get("name") : selected} (source image ${source})`
      : "Select a pose to animate it.";
    const ready = Boolean(source) && promptInput.value.trim() !== "" && !busy(model);
    animateButton.disabled = !ready;
    animateButton.title = source ? "" : "Select a pose first";
  }
  promptInput.addEventListener("input", paintAnimateForm);

  const video = h("video", {
    class: "masko-video",
    controls: true,
    loop: true,
    muted: true,
    autoplay: true,
    playsinline: true,
    "aria-label": "Animation",
  });
  video.muted = true; // lets it autoplay
  const videoCaption = h("figcaption", {});
  const animation = h("figure", { class: "masko-animation" }, [video, videoCaption]);

  function paintAnimation() {
    const clip = model.get("animation") ?? {};
    urls.delete("animation");
    if (!clip.item_id) {
      video.removeAttribute("src");
      shown(animation, false);
      return;
    }
    video.src = clip.data ? urls.set("animation", clip.data, clip.mime) : clip.url;
    video.dataset.itemId = clip.item_id;
    videoCaption.textContent = `“${clip.prompt}”, ${clip.duration} s${clip.loop ? ", looping" : ""}`;
    shown(animation, true);
    video.play?.()?.catch?.(() => {});
  }

  // --- new poses ----------------------------------------------------------
  const suggestButton = h("button", {
    type: "button",
    class: "masko-suggest",
    text: "Suggest poses",
    onclick: () => model.send({ event: "suggest" }),
  });
  const choices = h("fieldset", { class: "masko-suggestions" });
  const ownInput = h("input", {
    type: "text",
    class: "masko-own-pose",
    placeholder: "your own pose, e.g. jumping",
    "aria-label": "Another pose to generate",
  });
  const generateButton = h("button", { type: "submit", class: "masko-generate masko-primary" });
  const newForm = h("form", { class: "masko-new-poses", "aria-label": "New poses" }, [
    h("div", { class: "masko-add-row" }, [suggestButton]),
    choices,
    h("div", { class: "masko-add-row" }, [ownInput, generateButton]),
  ]);

  function picked() {
    const names = [...choices.querySelectorAll("input:checked")].map((box) => box.value);
    const own = ownInput.value.trim();
    return own ? [...names, own] : names;
  }

  function paintGenerate() {
    const names = picked();
    generateButton.textContent = names.length
      ? `Generate ${names.length} pose${names.length === 1 ? "" : "s"}`
      : "Generate poses";
    const max = model.get("max_batch");
    generateButton.disabled = names.length === 0 || names.length > max;
    generateButton.title = names.length > max ? `At most ${max} poses at once` : "";
  }

  function paintSuggestions() {
    const names = model.get("suggestions") ?? [];
    choices.replaceChildren(
      h("legend", {
        text: names.length ? "Pick poses to generate" : "Press “Suggest poses” for ideas",
      }),
      ...names.map((name) =>
        h("label", { class: "masko-check" }, [
          h("input", { type: "checkbox", value: name }),
          h("span", { text: name }),
        ]),
      ),
    );
    paintGenerate();
  }
  choices.addEventListener("change", paintGenerate);
  ownInput.addEventListener("input", paintGenerate);
  newForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const actions = picked();
    if (actions.length === 0 || actions.length > model.get("max_batch")) return;
    model.send({ event: "generate", actions });
    ownInput.value = "";
    for (const box of choices.querySelectorAll("input:checked")) box.checked = false;
    paintGenerate();
  });

  // --- wiring -------------------------------------------------------------
  model.on("change:last_pose", syncPoses);
  model.on("change:selected_item_id", paintSelection);
  model.on("change:source_image_asset_id", paintAnimateForm);
  model.on("change:tasks", paintAnimateForm);
  model.on("change:animation", paintAnimation);
  model.on("change:suggestions", paintSuggestions);

  el.replaceChildren(
    h("header", { class: "masko-head" }, [h("h3", { text: "Poses" }), count, refresh]),
    styleCard(model, { compact: true }),
    list,
    empty,
    h("div", { class: "masko-panels" }, [
      h("section", { class: "masko-panel", "aria-label": "Animate" }, [
        h("h4", { text: "Animate" }),
        animateForm,
        animation,
      ]),
      h("section", { class: "masko-panel", "aria-label": "Generate new poses" }, [
        h("h4", { text: "New poses" }),
        newForm,
      ]),
    ]),
    statusArea(model),
  );
  paintSuggestions();
  paintAnimation();
  syncPoses();

  return () => {
    for (const tile of tiles.values()) dropTile(tile);
    tiles.clear();
    urls.clear();
  };
}

export default { render };
