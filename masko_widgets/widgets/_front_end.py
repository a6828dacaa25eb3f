"""The widgets' built front end as synced text, and live reload for developers who ask for it.

anywidget turns an `_esm`/`_css` given as a path into a class-level watcher whose signal holds
every instance for good (no widget is ever freed). Here each file is read once into a plain
trait, so a closed widget is collectable. Live reload stays available behind anywidget's own
switch, `ANYWIDGET_HMR=1`: one thread per process then polls the files and holds the widgets
that follow them weakly.
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path
from typing import Any

import traitlets as t

LIVE_RELOAD_VARIABLE = "ANYWIDGET_HMR"
"""anywidget's switch for live reload; "1" turns it on."""
POLL_SECONDS = 0.5


def front_end_trait(path: Path) -> t.Unicode[str, str | bytes]:
    """A synced trait holding the text of the built file at `path` (read once, now)."""
    return t.Unicode(path.read_text(encoding="utf-8")).tag(sync=True, front_end_file=str(path))


def live_reload_requested() -> bool:
    """True when the developer asked anywidget for live reload (`ANYWIDGET_HMR=1`)."""
    return os.environ.get(LIVE_RELOAD_VARIABLE) == "1"


class LiveReload:
    """Front-end files watched for changes; a change is set on every widget following the
    file. Widgets are held weakly: following never keeps one alive."""

    def __init__(self, interval: float = POLL_SECONDS) -> None:
        self.interval = interval
        self._followers: dict[Path, weakref.WeakKeyDictionary[Any, set[str]]] = {}
        self._seen: dict[Path, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """True while the watching thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def follow(self, widget: Any, *, start: bool = True) -> None:
        """Keep the widget's front-end traits up to date with their files."""
        traits = widget.traits(front_end_file=lambda value: value is not None)
        with self._lock:
            for name, trait in traits.items():
                path = Path(trait.metadata["front_end_file"])
                self._seen.setdefault(path, _stamp(path))
                followers = self._followers.setdefault(path, weakref.WeakKeyDictionary())
                followers.setdefault(widget, set()).add(name)
            if start and self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name="masko-live-reload"
                )
                self._thread.start()

    def forget(self, widget: Any) -> None:
        """Stop updating `widget` (it was closed)."""
        with self._lock:
            for followers in self._followers.values():
                followers.pop(widget, None)

    def check(self) -> None:
        """Look at every watched file once; send a changed file to its followers."""
        with self._lock:
            changed = []
            for path in self._followers:
                stamp = _stamp(path)
                if stamp != self._seen.get(path):
                    self._seen[path] = stamp
                    changed.append((path, list(self._followers[path].items())))
        for path, followers in changed:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue  # mid-rebuild: the next look finds the new file
            for widget, names in followers:
                for name in names:
                    setattr(widget, name, text)

    def stop(self) -> None:
        """Stop watching (the thread ends within one poll)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a rewritten file apart: its modification time and size (0s when absent)."""
    try:
        found = path.stat()
    except OSError:
        return (0, 0)
    return (found.st_mtime_ns, found.st_size)


_live = LiveReload()


def follow_front_end(widget: Any) -> None:
    """Live-reload the widget's front end when the developer asked for it."""
    if live_reload_requested():
        _live.follow(widget)


def forget_front_end(widget: Any) -> None:
    """The widget was closed: live reload lets go of it."""
    _live.forget(widget)
