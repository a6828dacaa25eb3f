// ReferenceGallery: the collection's persistent references in six slots, and its style card.

import { styleCard } from "../lib/card.js";
import { filePicker, localError, sendImages, urlForm } from "../lib/add.js";
import { h, root, shown, uniqueId } from "../lib/dom.js";
import { slotSummary } from "../lib/slots.js";
import { statusArea } from "../lib/status.js";
import { ObjectUrls } from "../lib/urls.js";

function render({ model, el }) {
  root(el, "gallery", "Reference gallery");
  const urls = new ObjectUrls();

  const count = h("span", { class: "masko-count", "aria-live": "polite" });
  const slots = h("ul", { class: "masko-slots", "aria-label": "Reference slots" });

  const { say, el: local } = localError();
  const picker = filePicker({
    inputClass: "masko-file-input",
    label: "Upload reference images",
    text: "Upload images…",
    onFiles: addFiles,
  });
  const url = urlForm(model, {
    event: "add_url",
    inputClass: "masko-url-input",
    buttonClass: "masko-add-url",
    placeholder: "https://…/image.png",
    label: "Reference image URL",
    text: "Add URL",
    say,
  });
  const assetInput = h("input", {
    type: "text",
    class: "masko-asset-input",
    placeholder: "asset id",
    "aria-label": "Existing asset id",
  });
  const assetButton = h("button", { type: "submit", class: "masko-add-asset", text: "Add asset" });
  const assetForm = h("form", { class: "masko-asset-form" }, [assetInput, assetButton]);
  const limit = h("p", { class: "masko-limit", role: "status", id: uniqueId("limit") });
  const addArea = h("div", { class: "masko-add", "aria-label": "Add references" }, [
    h("div", { class: "masko-add-row" }, [
      picker.button,
      picker.input,
      h("span", { class: "masko-drop-hint", text: "or drop images on the slots" }),
    ]),
    url.form,
    assetForm,
    limit,
    local,
  ]);
  const controls = [picker.input, picker.button, url.input, url.button, assetInput, assetButton];

  const adding = () => (model.get("tasks") ?? []).filter((task) => task.kind === "add").length;
  const summary = () =>
    slotSummary((model.get("reference_asset_ids") ?? []).length, model.get("max_slots"), adding());

  function addFiles(files) {
    const { problems, sent, refused } = sendImages(model, "add_file", files, summary().free);
    if (refused > 0) {
      problems.push(`Only ${sent} free slot(s): ${refused} image(s) were not added.`);
    }
    say(problems.join(" "));
  }

  assetForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const assetId = assetInput.value.trim();
    if (!assetId) return say("Enter the id of an existing image asset.");
    say("");
    model.send({ event: "add_asset", asset_id: assetId });
    assetInput.value = "";
  });
  el.addEventListener("dragover", (event) => {
    if (summary().full) return;
    event.preventDefault();
    el.classList.add("is-dragging");
  });
  el.addEventListener("dragleave", () => el.classList.remove("is-dragging"));
  el.addEventListener("drop", (event) => {
    el.classList.remove("is-dragging");
    if (!event.dataTransfer?.files?.length) return;
    event.preventDefault();
    if (summary().full) return say(summary().reason);
    addFiles(event.dataTransfer.files);
  });

  function renderSlots() {
    const entries = model.get("slots") ?? [];
    const max = model.get("max_slots");
    urls.retain(new Set(entries.map((slot) => slot.asset_id)));
    const items = entries.map((slot, index) => filledSlot(slot, index, entries.length));
    for (let index = entries.length; index < max; index += 1) {
      items.push(h("li", { class: "masko-slot is-empty" }, [h("span", { text: "Empty slot" })]));
    }
    slots.replaceChildren(...items);
    renderLimit();
  }

  function filledSlot(slot, index, total) {
    const src = urls.get(slot.asset_id) ?? urls.set(slot.asset_id, slot.thumbnail, slot.mime);
    const label = `Reference ${index + 1} of ${total}`;
    const picture = src
      ? h("img", {
          src,
          alt: label,
          loading: "lazy",
          decoding: "async",
          width: slot.width,
          height: slot.height,
        })
      : h("span", { class: "masko-missing", text: "No preview" });
    if (src)
      picture.onerror = () =>
        picture.replaceWith(h("span", { class: "masko-missing", text: "Image failed to load" }));
    const remove = h("button", {
      type: "button",
      class: "masko-remove",
      "aria-label": `Remove reference ${index + 1}`,
      title: `Remove ${slot.asset_id}`,
      text: "Remove",
      onclick: (event) => {
        event.currentTarget.disabled = true;
        model.send({ event: "remove", asset_id: slot.asset_id });
      },
    });
    return h("li", { class: "masko-slot is-filled", "data-asset-id": slot.asset_id }, [
      picture,
      remove,
    ]);
  }

  function renderLimit() {
    const state = summary();
    count.textContent = state.label;
    limit.textContent = state.reason;
    shown(limit, state.full);
    for (const control of controls) control.disabled = state.full;
    addArea.classList.toggle("is-full", state.full);
    if (state.full) addArea.setAttribute("aria-describedby", limit.id);
    else addArea.removeAttribute("aria-describedby");
  }

  model.on("change:slots", renderSlots);
  model.on("change:reference_asset_ids", renderLimit);
  model.on("change:tasks", renderLimit);

  el.replaceChildren(
    h("header", { class: "masko-head" }, [
      h("h3", { text: "References" }),
      count,
      h("button", {
        type: "button",
        class: "masko-refresh",
        text: "Refresh",
        title: "Fetch the references and the style card again",
        onclick: () => model.send({ event: "refresh" }),
      }),
    ]),
    slots,
    addArea,
    styleCard(model),
    statusArea(model),
  );
  renderSlots();
  return () => urls.clear();
}

export default { render };
