// @ts-check
// Arrow-key movement in a wrapped grid of options (an ARIA listbox).

/**
 * The index that `key` moves to from `index` among `count` items in `columns`; null if not a
 * move key.
 * @param {string} key
 * @param {number} index
 * @param {number} count
 * @param {number} columns
 * @returns {number | null}
 */
export function nextIndex(key, index, count, columns) {
  if (count === 0) return null;
  const cols = Math.max(1, columns);
  const at = Math.min(Math.max(index, 0), count - 1);
  switch (key) {
    case "ArrowRight":
      return Math.min(count - 1, at + 1);
    case "ArrowLeft":
      return Math.max(0, at - 1);
    case "ArrowDown":
      return at + cols < count ? at + cols : at;
    case "ArrowUp":
      return at - cols >= 0 ? at - cols : at;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** Fields where Enter sends their form: one-line text inputs. */
const ONE_LINE =
  "input:not([type]), input[type=text], input[type=url], input[type=search], input[type=number]";

/**
 * The button that Enter in `event.target` presses, or null: the button named by the field's
 * `data-enter-presses`, else in a one-line field its form's submit button (Shift+Enter stays a
 * new line in a multi-line field). Browsers submit forms on Enter themselves, but not inside
 * JupyterLab's notebook, so the widgets press the button.
 * @param {{ key: string, target: EventTarget | null, shiftKey?: boolean, altKey?: boolean,
 *   ctrlKey?: boolean, metaKey?: boolean, isComposing?: boolean }} event
 * @returns {HTMLButtonElement | null}
 */
export function enterButton(event) {
  const { key, target, shiftKey, altKey, ctrlKey, metaKey, isComposing } = event;
  if (key !== "Enter" || shiftKey || altKey || ctrlKey || metaKey || isComposing) return null;
  const field = /** @type {HTMLElement | null} */ (target);
  if (!field?.matches) return null;
  const presses = field.getAttribute("data-enter-presses");
  if (presses) {
    // The field's own document or shadow root (marimo draws widgets in one).
    const root = /** @type {Document | ShadowRoot} */ (field.getRootNode());
    return /** @type {HTMLButtonElement | null} */ (root.getElementById?.(presses) ?? null);
  }
  if (!field.matches(ONE_LINE)) return null;
  return field.closest("form")?.querySelector("button[type=submit]") ?? null;
}

/** The elements that already listen for Enter. */
const listening = new WeakSet();

/**
 * Make Enter press the button `enterButton` finds, for every field inside `el` (once per
 * element; an inner widget's press is not repeated by the widget around it).
 * @param {HTMLElement} el
 */
export function enterPresses(el) {
  if (listening.has(el)) return;
  listening.add(el);
  el.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    const button = enterButton(event);
    if (!button) return;
    event.preventDefault(); // no second submit where the browser would have sent one
    if (!button.disabled) button.click();
  });
}
