"""A grid's poses in the compact form the front end draws them from, changed by patches."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
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


@dataclass
class Change:
    """What a page did to the list: rows added or changed, and ids moved to the end (in
    their new order): what open views need to follow it."""

    upsert: list[list[Any]] = field(default_factory=list)
    last: list[str] = field(default_factory=list)


class PoseRows:
    """The poses, oldest first, with the compact `rows` list the widget syncs.

    `rows` is changed in place, so a new view (or a reloaded page) gets the current list
    with the widget's state, while views already open get small patches instead of the
    whole list again. While the list loads page by page (`loading`), a pose put meanwhile
    stays after the loaded ones until its page comes. Every method is safe to call from any
    thread.
    """

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.loading = False
        self._entries: dict[str, PoseEntry] = {}
        self._at: dict[str, int] = {}  # item id -> its index in `rows`
        self._late: list[str] = []  # put while loading, their page not come yet
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._entries)

    def changing(self) -> threading.RLock:
        """Hold it while changing the list and telling views, so that every view hears of
        the changes in the order they were made (`with rows.changing(): ...`)."""
        return self._lock

    def snapshot(self) -> list[list[Any]]:
        """A copy of `rows` as they are now."""
        with self._lock:
            return [list(row) for row in self.rows]

    def entries(self) -> list[PoseEntry]:
        with self._lock:
            return list(self._entries.values())

    def get(self, item_id: str | None) -> PoseEntry | None:
        with self._lock:
            return self._entries.get(item_id) if item_id is not None else None

    def upsert(self, entries: Iterable[PoseEntry]) -> list[list[Any]]:
        """Add new poses and change known ones; returns the rows that changed."""
        with self._lock:
            changed = [entry.row() for entry in entries if self._put(entry)]
            if self.loading:
                self._late += [row[0] for row in changed if row[0] not in self._late]
            return changed

    def add_page(self, entries: Iterable[PoseEntry]) -> Change:
        """The next page of the list: its poses after those of the pages before, and the
        poses put meanwhile (whose page has not come) after them."""
        with self._lock:
            change = Change()
            page = list(entries)
            arrived = False
            for entry in page:
                if self._put(entry):
                    change.upsert.append(entry.row())
                if entry.item_id in self._late:
                    self._late.remove(entry.item_id)
                    arrived = True
            if arrived:  # the page's poses in its order, then those still on their way
                change.last = [entry.item_id for entry in page] + self._late
            elif self._late and change.upsert:
                change.last = list(self._late)
            if change.last:
                for item_id in change.last:
                    self._entries[item_id] = self._entries.pop(item_id)
                self._rebuild()
            return change

    def finish_loading(self) -> None:
        """The last page came (or loading stopped): poses put from now on simply append."""
        with self._lock:
            self.loading = False
            self._late.clear()

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
            if changed:
                self.rows[self._at[item_id]] = entry.row()
            return entry.row() if changed else None

    def _put(self, entry: PoseEntry) -> bool:
        """Add or change one pose in place (a new one at the end); False when unchanged."""
        known = self._entries.get(entry.item_id)
        if known is not None and known.asset_id == entry.asset_id:
            entry.score, entry.scored = known.score, known.scored
            if known.name == entry.name:
                return False
        self._entries[entry.item_id] = entry
        if known is None:
            self._at[entry.item_id] = len(self.rows)
            self.rows.append(entry.row())
        else:
            self.rows[self._at[entry.item_id]] = entry.row()
        return True

    def _rebuild(self) -> None:
        self.rows[:] = [entry.row() for entry in self._entries.values()]
        self._at = {item_id: index for index, item_id in enumerate(self._entries)}
