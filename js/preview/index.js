// PreviewPanel: throwaway previews from a prompt and up to six one-off style hints.
// Hints are never pinned to the collection and leave the widget state after the request.

import { styleCard } from "../lib/card.js";
import { filePicker, localError, sendImages, urlForm } from "../lib/add.js";
import { h, root, shown } from "../lib/dom.js";
import { slotSummary } from "../lib/slots.js";
import { busy, statusArea } from "../lib/status.js";
import { ObjectUrls } from "../lib/urls.js";

function render({ model, el }) {
  root(el, "preview", "Preview panel");
  const urls = new ObjectUrls();

  // --- prompt ---------------------------------------------------------------
  const prompt = h("textarea", {
    class: "masko-prompt",
    rows: 2,
    placeholder: "e.g. the mascot waving, big smile",
    "aria-label": "Preview prompt",
  });
  prompt.value = model.get("prompt") ?? "";
  prompt.addEventListener("change", () => {
    model.set("prompt", prompt.value);
    model.save_changes();
  });
  prompt.addEventListener("input", paintButtons);

  // --- hints ------------------------------------------------------------------
  const hintCount = h("span", { class: "masko-count", "aria-live": "polite" });
  const hintList = h("ul", { class: "masko-hint-list", "aria-label": "Style hints" });
  const { say, el: local } = localError();
  const picker = filePicker({
    inputClass: "masko-hint-file-input",
    label: "Upload hint images",
    text: "Add hint images…",
    onFiles: (files) => {
      const { problems, sent, refused } = sendImages(model, "add_hint_file", files, summary().free);
      if (refused > 0)
        problems.push(`Only ${sent} free hint slot(s): ${refused} image(s) left out.`);
      say(problems.join(" "));
    },
  });
  const url = urlForm(model, {
    event: "add_hint_url",
    inputClass: "masko-hint-url-input",
    buttonClass: "masko-add-hint-url",
    placeholder: "https://…/style.png",
    label: "Hint image URL",
    text: "Add hint URL",
    say,
  });
  const limit = h("p", { class: "masko-limit", role: "status" });
  const hintControls = [picker.input, picker.button, url.input, url.button];

  const summary = () =>
    slotSummary((model.get("hints") ?? []).length, model.get("max_hints"), 0, "hint");

  function paintHints() {
    const hints = model.get("hints") ?? [];
    retainShownUrls();
    hintList.replaceChildren(
      ...hints.map((hint, index) => {
        const key = `hint:${hint.id}`;
        const src = hint.thumbnail
          ? (urls.get(key) ?? urls.set(key, hint.thumbnail, hint.mime))
          : hint.url;
        const picture = h("img", {
          src,
          alt: `Hint ${index + 1}: ${hint.label}`,
          loading: "lazy",
          decoding: "async",
        });
        picture.onerror = () =>
          picture.replaceWith(h("span", { class: "masko-missing", text: hint.label }));
        return h("li", { class: "masko-hint", "data-hint-id": hint.id }, [
          picture,
          h("button", {
            type: "button",
            class: "masko-remove",
            "aria-label": `Remove hint ${index + 1}`,
            text: "×",
            onclick: () => model.send({ event: "remove_hint", id: hint.id }),
          }),
        ]);
      }),
    );
    const state = summary();
    hintCount.textContent = `${state.used} of ${state.max}, this preview only`;
    for (const control of hintControls) control.disabled = state.full;
    limit.textContent = state.reason;
    shown(limit, state.full);
    paintButtons();
  }

  // --- preview + results -------------------------------------------------------
  const previewButton = h("button", {
    type: "button",
    class: "masko-preview-button masko-primary",
    text: "Preview",
  });
  previewButton.addEventListener("click", () => {
    model.set("prompt", prompt.value);
    model.save_changes();
    model.send({ event: "preview", prompt: prompt.value });
  });
  const compareButton = h("button", {
    type: "button",
    class: "masko-compare",
    "aria-pressed": "false",
    text: "Compare with the last preview",
    onclick: () => {
      model.set("compare", !model.get("compare"));
      model.save_changes();
    },
  });
  const sets = h("div", { class: "masko-result-sets" });
  const kept = h("ul", { class: "masko-kept", "aria-label": "Kept poses" });

  /** Revoke the object URLs of hints and result sets that have left the state. */
  function retainShownUrls() {
    const keys = new Set((model.get("hints") ?? []).map((hint) => `hint:${hint.id}`));
    for (const set of model.get("result_sets") ?? [])
      set.previews.forEach((_, i) => keys.add(`result:${set.id}:${i}`));
    urls.retain(keys);
  }

  function paintResults() {
    const all = model.get("result_sets") ?? [];
    const comparing = Boolean(model.get("compare")) && all.length > 1;
    retainShownUrls();
    const visible = comparing ? all.slice(0, 2) : all.slice(0, 1);
    sets.replaceChildren(...visible.map((set, index) => resultSet(set, index)));
    sets.classList.toggle("is-comparing", comparing);
    compareButton.setAttribute("aria-pressed", String(comparing));
    compareButton.disabled = all.length < 2;
    compareButton.title = all.length < 2 ? "Preview twice to compare" : "";
  }

  function resultSet(set, index) {
    const canKeep = Boolean(model.get("can_keep"));
    const title = index === 0 ? "This preview" : "The last preview";
    const hints = set.hint_count
      ? `, ${set.hint_count} hint${set.hint_count === 1 ? "" : "s"}`
      : ", no hints";
    return h(
      "section",
      {
        class: "masko-result-set",
        "data-set": index === 0 ? "current" : "previous",
        "aria-label": title,
      },
      [
        h("h4", { text: title }),
        h("p", { class: "masko-set-prompt", text: `“${set.prompt}”${hints}` }),
        h(
          "ul",
          { class: "masko-results" },
          set.previews.map((preview, i) => {
            const key = `result:${set.id}:${i}`;
            const src = urls.get(key) ?? urls.set(key, preview.thumbnail, preview.mime);
            const picture = h("img", {
              src,
              alt: `${title}, image ${i + 1} of ${set.previews.length}`,
              decoding: "async",
            });
            picture.onerror = () =>
              picture.replaceWith(
                h("span", { class: "masko-missing", text: "Image failed to load" }),
              );
            const keep = h("button", {
              type: "button",
              class: "masko-keep",
              "aria-label": `Keep ${title.toLowerCase()} image ${i + 1} as a pose`,
              text: "Keep this",
              disabled: !canKeep,
              title: canKeep
                ? "Generate this preview as a real pose in the collection"
                : "Keeping needs a collection",
              onclick: (event) => {
                event.currentTarget.disabled = true;
                model.send({ event: "keep", set: set.id, index: i });
              },
            });
            return h("li", { class: "masko-result" }, [picture, keep]);
          }),
        ),
      ],
    );
  }

  function paintKept() {
    const items = model.get("kept") ?? [];
    kept.replaceChildren(
      ...items.map((item) => h("li", { "data-item-id": item.item_id, text: `Kept: ${item.name}` })),
    );
    shown(kept, items.length > 0);
  }

  function paintButtons() {
    const ready = prompt.value.trim() !== "" && !busy(model);
    previewButton.disabled = !ready;
    previewButton.title = prompt.value.trim() === "" ? "Write a prompt first" : "";
  }

  model.on("change:prompt", () => {
    if (document.activeElement !== prompt) prompt.value = model.get("prompt") ?? "";
    paintButtons();
  });
  model.on("change:hints", paintHints);
  model.on("change:result_sets", paintResults);
  model.on("change:compare", paintResults);
  model.on("change:kept", paintKept);
  model.on("change:tasks", paintButtons);

  const hasCollection = Boolean(model.get("can_keep"));
  el.replaceChildren(
    h("header", { class: "masko-head" }, [h("h3", { text: "Preview" })]),
    hasCollection ? styleCard(model, { compact: true }) : null,
    h("label", { class: "masko-field masko-wide" }, [h("span", { text: "Prompt" }), prompt]),
    h("section", { class: "masko-hints", "aria-label": "Style hints for this preview only" }, [
      h("div", { class: "masko-head" }, [h("h4", { text: "Style hints" }), hintCount]),
      hintList,
      h("div", { class: "masko-add-row" }, [picker.button, picker.input]),
      url.form,
      limit,
      local,
    ]),
    h("div", { class: "masko-add-row" }, [previewButton, compareButton]),
    sets,
    kept,
    statusArea(model),
  );
  paintHints();
  paintResults();
  paintKept();
  return () => urls.clear();
}

export default { render };
