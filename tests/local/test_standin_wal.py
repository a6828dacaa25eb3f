"""The database's log reaches its file off the writers' path, on a thread of the stand-in's own
that stopping the stand-in ends."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from masko_widgets import local
from masko_widgets.local._checkpoints import checkpoints


def in_database_file(path: Path, collection_id: str) -> bool:
    """Whether the database file itself (its log left out) holds the collection."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as db:
        found = db.execute("SELECT 1 FROM collections WHERE id = ?", (collection_id,))
        return found.fetchone() is not None


def flushers() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "masko-wal"}


def test_a_thread_of_its_own_moves_the_log_into_the_database_file(tmp_path, connect):
    database = tmp_path / "masko.sqlite3"
    others = flushers()  # other stand-ins of this process (the session's)
    with local.start(tmp_path) as server:
        api = connect(server)
        with checkpoints.watch("wal.checkpointed") as checkpointed:
            collection = api.collection()
            before = checkpointed.count  # one may have begun before the commit: wait for two
            assert checkpointed.wait(10, count=before + 2)
        assert in_database_file(database, collection["id"])
        mine = flushers() - others
        assert len(mine) == 1
    assert not any(thread.is_alive() for thread in mine)
    assert in_database_file(database, collection["id"])
