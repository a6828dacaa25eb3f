"""What every Masko widget shares: the client, background tasks with Cancel, errors."""

from __future__ import annotations

import contextvars
import io
import pathlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Protocol

import traitlets as t

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets._messages import MAX_ID_CHARS, Text, on_event
from masko_widgets.widgets._model import ModelWidget

_STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"

CARD_CACHED = "ready: made from the current references"
CARD_PENDING = "not made yet: made from the references at the next generation"
CARD_CLEARED = "cleared: the references changed, so it is made again at the next generation"
CARD_NONE = "none yet: add references, then generate a pose"


def static_file(name: str) -> pathlib.Path:
    """The built front-end file `name`; says how to build it when it is missing."""
    path = _STATIC / name
    if not path.is_file():
        raise FileNotFoundError(
            f"The widget front end {path} is missing. Build it with `npm install && npm run "
            "build` in the repository, or install the package with pip (which builds it)."
        )
    return path


def resolve_client(client: api.MaskoClient | None) -> api.MaskoClient:
    """`client`, or `connect()`'s: the real API with MASKO_API_KEY set, else the stand-in."""
    if client is not None:
        return client
    from masko_widgets._connect import connect

    return connect()


def collection_id(collection: api.Collection | str) -> str:
    """The id of a `Collection` or of an id string."""
    return collection if isinstance(collection, str) else collection.id


def named_file(data: bytes, name: str) -> io.BytesIO:
    """Bytes from the browser as a file object that carries the file's name (the client
    uses it in uploads and in its messages)."""
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def style_card_status(
    reference_ids: Sequence[str], style_card: str | None, had_card: bool = False
) -> str:
    """How the collection's style card stands: ready, not made yet, cleared since it was
    seen (`had_card`), or none for want of references."""
    if style_card:
        return CARD_CACHED
    if not reference_ids:
        return CARD_NONE
    return CARD_CLEARED if had_card else CARD_PENDING


class Task:
    """A widget's background operation: wait for its result, or cancel the wait.

    Cancelling stops waiting; a job already accepted by the server may still finish
    (press Refresh to see it) and its credits are not returned.
    """

    def __init__(self, label: str, cancellable: bool, kind: str = "") -> None:
        self.id: str = uuid.uuid4().hex[:12]
        self.label = label
        self.kind = kind
        self.cancellable = cancellable
        self.cancel_event: threading.Event = threading.Event()
        self.result: Any = None
        self.exception: BaseException | None = None
        self._done = threading.Event()
        self._listener: Callable[[Task], None] = lambda _task: None
        self.detail: str = ""
        self.done_count: int = 0
        self.total: int = 0

    def __repr__(self) -> str:
        state = "done" if self.done else "running"
        return f"Task({self.label!r}, {state})"

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> None:
        """Stop waiting for this task's jobs."""
        self.cancel_event.set()

    def progress(
        self, detail: str | None = None, *, done: int | None = None, total: int | None = None
    ) -> None:
        """Report progress; the widget shows it."""
        if detail is not None:
            self.detail = detail
        if done is not None:
            self.done_count = done
        if total is not None:
            self.total = total
        self._listener(self)

    def wait(self, timeout: float | None = None) -> Any:
        """Block until the task ends; return its result or raise its error."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"{self.label} is still running after {timeout} s")
        if self.exception is not None:
            raise self.exception
        return self.result

    def as_state(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "kind": self.kind,
            "detail": self.detail,
            "done": self.done_count,
            "total": self.total,
            "cancellable": self.cancellable,
        }


class PartLink:
    """Carries a hosted widget's messages through the widget that hosts it (see `hosted`).
    What the part sends before its host is ready waits, in order, until `forward` is set."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._forward: Callable[[str, dict[str, Any], list[Any]], None] | None = None
        self._waiting: list[tuple[dict[str, Any], list[Any]]] = []
        self._lock = threading.RLock()

    @property
    def forward(self) -> Callable[[str, dict[str, Any], list[Any]], None] | None:
        return self._forward

    @forward.setter
    def forward(self, forward: Callable[[str, dict[str, Any], list[Any]], None] | None) -> None:
        with self._lock:
            waiting, self._waiting = self._waiting, []
            self._forward = forward
            if forward is not None:
                for data, buffers in waiting:
                    forward(self.name, data, buffers)

    def send(self, data: dict[str, Any], buffers: list[Any]) -> None:
        with self._lock:
            if self._forward is None:
                self._waiting.append((data, buffers))
                return
            forward = self._forward
        forward(self.name, data, buffers)


class PartComm:
    """The comm of a hosted widget: it opens nothing; what the widget sends goes through
    its host's comm, tagged with the part's name."""

    kernel = True  # ipywidgets sends only through a comm whose kernel is set

    def __init__(self, link: PartLink) -> None:
        self.link = link
        self.comm_id = uuid.uuid4().hex

    def send(self, data: Any = None, metadata: Any = None, buffers: Any = None) -> None:
        self.link.send(data or {}, list(buffers or []))

    def on_msg(self, callback: Any) -> None:
        """Events reach a hosted widget through its host (`receive_event`)."""

    def close(self, *args: Any, **kwargs: Any) -> None:
        """Nothing was opened."""


_HOSTING: contextvars.ContextVar[PartLink | None] = contextvars.ContextVar(
    "masko_hosting", default=None
)


@contextmanager
def hosted(link: PartLink) -> Iterator[None]:
    """Widgets made inside the block open no comm of their own: `link` carries their
    messages through the host, so the host and its parts are one front-end model."""
    token = _HOSTING.set(link)
    try:
        yield
    finally:
        _HOSTING.reset(token)


class HostedPart(Protocol):
    """What a host (the studio) may use of a widget it hosts, and nothing else: the widget's
    synced traits (read, observed, and its whole state through ipywidgets' `keys`,
    `get_state` and `set_state`), plus the calls below. A hosted widget opens no comm: its
    state and events travel through the host's model (see `hosted`)."""

    keys: list[str]
    reference_asset_ids: list[str]
    style_card: str | None
    style_card_status: str
    error: str

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]: ...

    def set_state(self, sync_data: Any) -> None: ...

    def observe(self, handler: Callable[[Any], None], names: Any = ...) -> None: ...

    def receive_event(self, content: Any, buffers: list[Any]) -> None:
        """An event from the part's view, which reached the host tagged with the part."""

    def show_references(self, asset_ids: Sequence[str], style_card: str | None) -> None:
        """References and style card that a sibling part changed."""

    def wait(self, timeout: float | None = None) -> None:
        """Block until the part's tasks have ended."""

    def cancel(self) -> None:
        """Stop waiting for the part's tasks."""

    def close(self) -> None:
        """Close the part (the host closes its parts when it closes)."""


class MaskoWidget(ModelWidget):
    """Base of the Masko widgets: background tasks with progress and Cancel, errors in words.

    Front-end events call the methods marked with `on_event` (see ModelWidget); anything
    slow is started from there with `_start`, so the kernel stays responsive.
    """

    notice: t.Unicode[str, str | bytes] = t.Unicode(
        "", help="The last piece of news (e.g. a cancelled wait)."
    ).tag(sync=True)
    tasks: t.List[dict[str, Any]] = t.List(
        t.Dict(), help="Running operations with their progress."
    ).tag(sync=True)

    comm: Any  # ipywidgets' trait: the comm to the front end, or a `PartComm` when hosted

    def __init__(self, client: api.MaskoClient | None = None, **kwargs: Any) -> None:
        self._tasks_lock = threading.Lock()
        self._running: dict[str, Task] = {}
        self._part_link = _HOSTING.get()
        self._client = resolve_client(client)
        self._load()
        super().__init__(**kwargs)  # opens the comm: the first state holds what _load set

    def open(self) -> None:
        """Open the widget's comm, or inside `hosted`, talk through the host's."""
        if self._part_link is None:
            super().open()
        elif not isinstance(self.comm, PartComm):
            foreign = self.comm  # e.g. marimo opens every widget as it is constructed
            self.comm = PartComm(self._part_link)
            if foreign is not None:
                foreign.close()

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """The synced state; a hosted part's whole state lives in its host, so it has no
        model of its own to open (its host asks for its keys by name)."""
        if key is None and self._part_link is not None:
            return {}
        state: dict[str, Any] = super().get_state(key, drop_defaults)
        return state

    def _load(self) -> None:
        """Fetch what the widget shows first (runs before the widget's comm opens)."""

    @property
    def client(self) -> api.MaskoClient:
        """The client this widget talks through."""
        return self._client

    def wait(self, timeout: float | None = None) -> None:
        """Block until no task runs, counting tasks started meanwhile (for scripts, tests)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._tasks_lock:
                running = list(self._running.values())
            if not running:
                return
            for task in running:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not task._done.wait(left):
                    raise TimeoutError(f"{task.label} is still running after {timeout} s")

    def cancel(self) -> None:
        """Stop waiting for every running task."""
        with self._tasks_lock:
            running = list(self._running.values())
        for task in running:
            task.cancel()

    def close(self) -> None:
        """Stop waiting for every running task, then close the widget (see `cancel`)."""
        if hasattr(self, "_running"):  # not when __init__ failed early (close runs from __del__)
            self.cancel()
        super().close()

    @on_event("cancel", task=Text(max_chars=MAX_ID_CHARS))
    def _on_cancel(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        task = self._running.get(message["task"])
        if task is None:
            self.notice = "That task has already ended."
        else:
            task.cancel()

    @on_event("dismiss")
    def _on_dismiss(self, _message: dict[str, Any], _buffers: list[Any]) -> None:
        self.error = ""
        self.notice = ""

    def _start(
        self, label: str, work: Callable[[Task], Any], *, cancellable: bool = True, kind: str = ""
    ) -> Task:
        """Run `work(task)` in a thread, showing `label` and its progress until it ends.

        A failure lands in `error`, in words, and `Task.wait` raises it.
        """
        task = Task(label, cancellable, kind)
        task._listener = self._publish_tasks
        with self._tasks_lock:
            self._running[task.id] = task
        self.error = ""
        self.notice = ""
        self._publish_tasks(task)
        threading.Thread(
            target=self._run, args=(task, work), daemon=True, name=f"masko-{task.id}"
        ).start()
        return task

    def _run(self, task: Task, work: Callable[[Task], Any]) -> None:
        try:
            task.result = work(task)
        except api.WaitCancelledError as exc:
            task.exception = exc
            self.notice = self._stopped_notice(task)
        except Exception as exc:  # everything reaches the user, in words
            task.exception = exc
            self.error = friendly_error(exc)
        finally:
            with self._tasks_lock:
                self._running.pop(task.id, None)
            self._publish_tasks(task)
            task._done.set()

    def _stopped_notice(self, task: Task) -> str:
        """What the user reads when Cancel stopped `task`'s wait."""
        return (
            f"Stopped waiting: {task.label}. A job the server already accepted "
            "may still finish; press Refresh later to see it."
        )

    def _publish_tasks(self, _task: Task) -> None:
        with self._tasks_lock:
            self.tasks = [task.as_state() for task in self._running.values()]

    def _wait_job(self, task: Task, job: api.Job, what: str) -> api.Job:
        """Wait for one job, showing its status, stoppable by Cancel."""
        task.progress(f"{what}: {job.status}")
        return self._client.jobs.wait(
            job,
            on_progress=lambda seen: task.progress(f"{what}: {seen.status}"),
            cancel=task.cancel_event,
        )


class CollectionWidget(MaskoWidget):
    """A widget bound to one collection: its name, references and style card."""

    collection_name: t.Unicode[str, str | bytes] = t.Unicode("").tag(sync=True)
    reference_asset_ids: t.List[str] = t.List(
        t.Unicode(),
        read_only=True,
        help="The collection's persistent references (at most 6); change them with add/remove.",
    ).tag(sync=True)
    style_card: t.Unicode[str | None, str | bytes | None] = t.Unicode(
        None, allow_none=True, read_only=True
    ).tag(sync=True)
    style_card_status: t.Unicode[str, str | bytes] = t.Unicode(CARD_NONE, read_only=True).tag(
        sync=True
    )

    _needs_collection: ClassVar[bool] = False
    """True when the widget cannot work without a collection."""

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        if collection is None and self._needs_collection:
            raise TypeError(f"{type(self).__name__} needs a collection: a Collection or its id.")
        self._collection_id = None if collection is None else collection_id(collection)
        self._saw_card = False  # a card gone since is "cleared", one never seen "not made yet"
        super().__init__(client, **kwargs)

    def _load(self) -> None:
        if self._collection_id is not None:
            self.reload_collection()

    @property
    def collection_id(self) -> str | None:
        """The id of the collection this widget works on (None when it has none)."""
        return self._collection_id

    def _needed_collection_id(self) -> str:
        """The collection's id, for work that cannot do without one."""
        if self._collection_id is None:
            raise ValueError("This widget has no collection.")
        return self._collection_id

    def reload_collection(self) -> api.Collection:
        """Fetch the collection again: name, references and style card."""
        found = self._client.collections.get(self._needed_collection_id())
        self.collection_name = found.name or ""
        self.show_references(found.reference_asset_ids, found.style_card)
        return found

    @t.validate("reference_asset_ids")
    def _check_reference_count(self, proposal: Any) -> list[str]:
        ids = list(proposal["value"])
        if len(ids) > MAX_REFERENCES:
            raise t.TraitError(
                f"A collection holds at most {MAX_REFERENCES} references, got {len(ids)}."
            )
        return ids

    def show_references(self, asset_ids: Sequence[str], style_card: str | None) -> None:
        """Show the collection's references and style card (observers see both at once); a
        host calls it when a sibling part changed them (see `HostedPart`)."""
        self._saw_card = self._saw_card or bool(style_card)
        with self.hold_sync(), self.hold_trait_notifications():
            self.set_trait("reference_asset_ids", list(asset_ids))
            self.set_trait("style_card", style_card)
            status = style_card_status(asset_ids, style_card, self._saw_card)
            self.set_trait("style_card_status", status)

    def _repr_fields(self) -> str:
        name = self.collection_name or self._collection_id or "no collection"
        return f"collection={name!r}"
