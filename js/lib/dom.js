// Build DOM nodes without innerHTML: names and URLs from users stay text.

/**
 * Create an element. `attrs`: "text" sets textContent, "on<event>" adds a listener,
 * false/null/undefined are skipped, true sets an empty attribute, anything else
 * becomes a string attribute.
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") el.textContent = String(value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) el.append(child);
  return el;
}

/** The root of every Masko widget: one class scopes all CSS; keys stay out of Lab shortcuts. */
export function root(el, kind, label) {
  el.classList.add("masko", `masko-${kind}`);
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", label);
  return el;
}

/** Show or hide `el` (keeps it in the DOM for stable selectors). */
export function shown(el, visible) {
  el.hidden = !visible;
  return el;
}

let counter = 0;

/** An id unique in the page, for aria-describedby / aria-labelledby links. */
export function uniqueId(prefix) {
  counter += 1;
  return `masko-${prefix}-${counter}`;
}
