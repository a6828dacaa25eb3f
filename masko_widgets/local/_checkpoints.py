"""Checkpoints: named points in the stand-in's work that a test can wait for or crash at.

A crash at a checkpoint is deterministic where a timed kill is a race: the stand-in process
started with `MASKO_STANDIN_CRASH_AT=<name>` exits at once when it reaches `<name>`, as if
SIGKILLed (no cleanup, no flush). With `MASKO_STANDIN_TRACE_FD=<fd>` it writes each
checkpoint's name to that descriptor as it reaches it; in process, `checkpoints.watch(name)`
counts them instead.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

CRASH_AT_ENV = "MASKO_STANDIN_CRASH_AT"
"""Names a checkpoint at which the stand-in process exits at once, as if killed (tests)."""
TRACE_FD_ENV = "MASKO_STANDIN_TRACE_FD"
"""A file descriptor the stand-in process writes each checkpoint's name to, one a line."""
CRASH_EXIT = 137
"""Exit status of a crash at a checkpoint: the status of a shell's SIGKILLed child."""


class Seen:
    """How many times a watched checkpoint was reached; wait for a count with a timeout."""

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()

    def reached(self) -> None:
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    @property
    def count(self) -> int:
        with self._changed:
            return self._count

    def is_set(self) -> bool:
        return self.count > 0

    def wait(self, timeout: float, count: int = 1) -> bool:
        """Whether the checkpoint was reached `count` times within `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._count >= count, timeout)


class Checkpoints:
    """Named points in the stand-in's work that a test can wait for or crash the process at.

    Off unless asked for: by the environment of a stand-in process (`MASKO_STANDIN_CRASH_AT`,
    `MASKO_STANDIN_TRACE_FD`), or in process by `watch`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watchers: dict[str, list[Seen]] = {}

    def reach(self, name: str) -> None:
        """Announce checkpoint `name`; exit the process here if told to crash at it."""
        trace = os.environ.get(TRACE_FD_ENV)
        if trace:
            os.write(int(trace), f"{name}\n".encode())
        with self._lock:
            watching = list(self._watchers.get(name, ()))
        for seen in watching:
            seen.reached()
        if os.environ.get(CRASH_AT_ENV) == name:
            os._exit(CRASH_EXIT)

    @contextlib.contextmanager
    def watch(self, name: str) -> Iterator[Seen]:
        """Counts the times checkpoint `name` is reached (in this process) while the block runs."""
        seen = Seen()
        with self._lock:
            self._watchers.setdefault(name, []).append(seen)
        try:
            yield seen
        finally:
            with self._lock:
                self._watchers[name].remove(seen)


checkpoints = Checkpoints()
