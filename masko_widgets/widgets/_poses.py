"""A grid's poses in the compact form the front end draws them from, changed by patches."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

VERSION_LENGTH = 8
"""Characters of the image asset id that tell one picture of a pose from the next."""


@dataclass
class PoseEntry:
    """One pose as the grid knows it: the item, its `image` asset, and its score once made."""

    item_id: str
    name: str
    asset_id: str
    score: int | None = None
    scored: bool = False

    @property
    def version(self) -> str:
        """Changes whenever the pose gets a new picture (a new `image` asset)."""
        return self.asset_id[:VERSION_LENGTH]

    def row(self) -> list[Any]:
        """[item id, name, score, thumbnail version]: what the front end gets per pose."""
        return [self.item_id, self.name, self.score, self.version]


class PoseRows:
    """The poses, oldest first, with the compact `rows` list the widget syncs.

    `rows` is changed in place, so a new view (or a reloaded page) gets the current list
    with the widget's state, while views already open get small patches instead of the
    whole list again. Every method is safe to call from any thread.
    """

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self._entries: dict[str, PoseEntry] = {}
        self._index: dict[str, int] = {}  # item id -> its row's position in `rows`
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[PoseEntry]:
        with self._lock:
            return list(self._entries.values())

    def get(self, item_id: str | None) -> PoseEntry | None:
        with self._lock:
            return self._entries.get(item_id) if item_id is not None else None

    def upsert(self, entries: Iterable[PoseEntry]) -> list[list[Any]]:
        """Add new poses and change known ones; returns the rows that changed."""
        changed = []
        with self._lock:
            for entry in entries:
                known = self._entries.get(entry.item_id)
                if known is not None and known.asset_id == entry.asset_id:
                    entry.score, entry.scored = known.score, known.scored
                    if known.name == entry.name:
                        continue
                self._entries[entry.item_id] = entry
                changed.append(entry.row())
            self._rebuild()
        return changed

    def keep_only(self, item_ids: set[str]) -> list[str]:
        """Forget every pose not in `item_ids`; returns the ids forgotten."""
        with self._lock:
            gone = [item_id for item_id in self._entries if item_id not in item_ids]
            for item_id in gone:
                del self._entries[item_id]
            if gone:
                self._rebuild()
        return gone

    def set_score(self, item_id: str, asset_id: str, score: int | None) -> list[Any] | None:
        """Record a pose's score; returns its row when it changed (None otherwise)."""
        with self._lock:
            entry = self._entries.get(item_id)
            if entry is None or entry.asset_id != asset_id:
                return None
            changed = not entry.scored or entry.score != score
            entry.score, entry.scored = score, True
            if not changed:
                return None
            row = entry.row()
            self.rows[self._index[item_id]] = row  # one row, not the whole list again
            return row

    def _rebuild(self) -> None:
        self.rows[:] = [entry.row() for entry in self._entries.values()]
        self._index = {item_id: index for index, item_id in enumerate(self._entries)}
