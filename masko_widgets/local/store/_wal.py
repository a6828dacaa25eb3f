"""Moves SQLite's write-ahead log into the database file on a thread of its own.

The writing connection turns SQLite's automatic checkpoint off, so no commit waits for that copy
and its fsync (under a class's load it held the write lock for up to half a second); this thread
checkpoints every `INTERVAL` seconds instead, without blocking readers or the writer. Crash
safety is unchanged: a commit is in the log either way, and the next open replays it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from masko_widgets.local._checkpoints import checkpoints

INTERVAL = 0.5
"""Seconds between checkpoints (an idle one only reads the log's header)."""


class WalFlusher:
    """Checkpoints the database at `path` every `INTERVAL` seconds until `stop()`."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="masko-wal", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the thread (the last connection to close checkpoints what is left)."""
        self._stopping.set()
        self._thread.join()

    def _run(self) -> None:
        db = sqlite3.connect(self._path, isolation_level=None)
        try:
            while not self._stopping.wait(INTERVAL):
                with contextlib.suppress(sqlite3.OperationalError):  # tried again next time
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    checkpoints.reach("wal.checkpointed")
        finally:
            db.close()
