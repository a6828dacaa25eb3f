// @ts-check
// Running tasks with progress and Cancel, the error with its Dismiss button, and the news.

import { h, shown } from "./dom.js";
import { listen } from "./model.js";

/**
 * @typedef {import("./model.js").Model} Model
 * @typedef {import("./model.js").Cleanup} Cleanup
 * @typedef {{ id: string, label: string, kind: string, detail: string, done: number,
 *   total: number, cancellable: boolean }} TaskState
 */

/**
 * The running tasks (of the given `kinds`, or all), each with its progress and Cancel. Placed
 * next to the button that starts them, so the progress shows where the user looks.
 * @param {Model} model
 * @param {{ kinds?: string[], cleanups?: Cleanup[] }} [options]
 */
export function taskList(model, { kinds, cleanups = [] } = {}) {
  const list = h("ul", { class: "masko-tasks", "aria-label": "Running operations" });
  function paint() {
    const running = tasksOf(model, kinds);
    list.replaceChildren(...running.map((task) => taskRow(model, task)));
    shown(list, running.length > 0);
  }
  cleanups.push(listen(model, ["tasks"], paint));
  paint();
  return list;
}

/**
 * The widget's error (with Dismiss) and its news; with `tasks`, the running tasks too.
 * @param {Model} model
 * @param {{ tasks?: boolean, cleanups?: Cleanup[] }} [options]
 */
export function statusArea(model, { tasks = true, cleanups = [] } = {}) {
  const notice = h("p", { class: "masko-notice", role: "status", "aria-live": "polite" });
  const message = h("span", { class: "masko-error-text" });
  const dismiss = h("button", {
    type: "button",
    class: "masko-dismiss",
    "aria-label": "Dismiss this message",
    title: "Dismiss",
    text: "×",
    onclick: () => model.send({ event: "dismiss" }),
  });
  const error = h("div", { class: "masko-error", role: "alert" }, [message, dismiss]);

  function paint() {
    message.textContent = model.get("error") ?? "";
    shown(error, message.textContent !== "");
    notice.textContent = model.get("notice") ?? "";
    shown(notice, notice.textContent !== "");
  }
  cleanups.push(listen(model, ["error", "notice"], paint));
  paint();
  return h("div", { class: "masko-status" }, [
    tasks ? taskList(model, { cleanups }) : null,
    notice,
    error,
  ]);
}

/**
 * One running task: its label, a progress bar, what it is doing, and Cancel when it can stop.
 * @param {Model} model
 * @param {TaskState} task
 */
function taskRow(model, task) {
  const bar = h("progress", { class: "masko-progress", "aria-label": task.label });
  if (task.total > 0) {
    bar.max = task.total;
    bar.value = task.done;
  }
  const cancel = task.cancellable
    ? h("button", {
        type: "button",
        class: "masko-cancel",
        "aria-label": `Cancel ${task.label}`,
        text: "Cancel",
        onclick: (/** @type {MouseEvent} */ event) => {
          /** @type {HTMLButtonElement} */ (event.currentTarget).disabled = true;
          model.send({ event: "cancel", task: task.id });
        },
      })
    : null;
  const words = task.total > 0 ? `${task.done} of ${task.total}` : "";
  return h("li", { class: "masko-task", "data-task-id": task.id }, [
    h("span", { class: "masko-task-label", text: task.label }),
    bar,
    h("span", {
      class: "masko-task-detail",
      text: [words, task.detail].filter(Boolean).join(" · "),
    }),
    cancel,
  ]);
}

/**
 * The running tasks of the given `kinds` (all when none given).
 * @param {Model} model
 * @param {string[]} [kinds]
 * @returns {TaskState[]}
 */
export function tasksOf(model, kinds) {
  const running = /** @type {TaskState[]} */ (model.get("tasks") ?? []);
  return kinds ? running.filter((task) => kinds.includes(task.kind)) : running;
}

/**
 * True while any task (of the given `kinds`) runs: buttons that would start another wait.
 * @param {Model} model
 * @param {string[]} [kinds]
 */
export function busy(model, kinds) {
  return tasksOf(model, kinds).length > 0;
}
