// The shared status area: running tasks with progress and Cancel, the error, the news.

import { h, shown } from "./dom.js";

/** Build the status area for `model` (traits `tasks`, `error`, `notice`). */
export function statusArea(model) {
  const tasks = h("ul", { class: "masko-tasks", "aria-label": "Running operations" });
  const notice = h("p", { class: "masko-notice", role: "status", "aria-live": "polite" });
  const message = h("span", { class: "masko-error-text" });
  const dismiss = h("button", {
    type: "button",
    class: "masko-dismiss",
    "aria-label": "Dismiss message",
    text: "×",
    onclick: () => model.send({ event: "dismiss" }),
  });
  const error = h("div", { class: "masko-error", role: "alert" }, [message, dismiss]);

  function render() {
    const running = model.get("tasks") ?? [];
    tasks.replaceChildren(...running.map((task) => taskRow(model, task)));
    shown(tasks, running.length > 0);
    const text = model.get("error") ?? "";
    message.textContent = text;
    shown(error, text !== "");
    notice.textContent = model.get("notice") ?? "";
    shown(notice, notice.textContent !== "");
  }

  for (const name of ["tasks", "error", "notice"]) model.on(`change:${name}`, render);
  render();
  return h("div", { class: "masko-status" }, [tasks, notice, error]);
}

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
        onclick: (event) => {
          event.currentTarget.disabled = true;
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

/** True while any task runs (used to disable buttons that would start another). */
export function busy(model) {
  return (model.get("tasks") ?? []).length > 0;
}
