"""The poses on their way in a grid: one entry per job that makes or changes a pose, shown
as a placeholder tile (a new pose) or over the pose's own tile (an edit) until it lands."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

NEW = "new"
"""The kind of an entry for a pose that does not exist yet (a placeholder tile)."""
EDIT = "edit"
"""The kind of an entry for a pose whose picture is being changed (its tile shows it)."""


class PendingPoses:
    """Entries `{"job", "kind", "name", "item_id", "status", "started"}` in the order they
    began (`started`: seconds since the epoch, for the time the front end shows);
    `publish` gets the whole list after every change. Safe to call from any thread."""

    def __init__(self, publish: Callable[[list[dict[str, Any]]], None]) -> None:
        self._publish = publish
        self._entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def add(self, job_id: str, kind: str, name: str, item_id: str | None, status: str) -> None:
        with self._lock:
            self._entries[job_id] = {
                "job": job_id,
                "kind": kind,
                "name": name,
                "item_id": item_id,
                "status": status,
                "started": round(time.time(), 1),
            }
            self._publish(self._list())

    def status(self, job_id: str, status: str) -> None:
        """The job's status as last seen (e.g. pending, processing)."""
        with self._lock:
            entry = self._entries.get(job_id)
            if entry is None or entry["status"] == status:
                return
            self._entries[job_id] = {**entry, "status": status}
            self._publish(self._list())

    def drop(self, job_id: str) -> None:
        """The job ended (its pose is in the grid, or it failed)."""
        with self._lock:
            if self._entries.pop(job_id, None) is not None:
                self._publish(self._list())

    def _list(self) -> list[dict[str, Any]]:
        return [dict(entry) for entry in self._entries.values()]
