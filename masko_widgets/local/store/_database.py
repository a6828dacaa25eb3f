"""The data folder's SQLite database: one writing connection behind a lock, where every
public method of the store is one transaction (`_tx`), and a read-only connection per thread
(SQLite's WAL lets reads run beside a write, so a reader never waits for a writer's lock)."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from masko_widgets.local.store._wal import WalFlusher

Row = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, balance INTEGER NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
    is_default INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, project_id TEXT NOT NULL,
    name TEXT NOT NULL, slug TEXT NOT NULL, prompt TEXT, reference_asset_ids TEXT NOT NULL,
    style_card TEXT, style_card_json TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, collection_id TEXT NOT NULL,
    name TEXT NOT NULL, type TEXT NOT NULL, image_prompt TEXT, assets TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS assets (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
    item_id TEXT, collection_id TEXT, token TEXT NOT NULL UNIQUE, ext TEXT NOT NULL,
    mime_type TEXT NOT NULL, width INTEGER, height INTEGER, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, status TEXT NOT NULL, type TEXT NOT NULL,
    collection_id TEXT NOT NULL, item_id TEXT, item_name TEXT, cost_credits INTEGER NOT NULL,
    asset_ids TEXT NOT NULL, params TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, completed_at TEXT);
CREATE TABLE IF NOT EXISTS ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL, job_id TEXT NOT NULL,
    kind TEXT NOT NULL, amount INTEGER NOT NULL, balance_after INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    workspace_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL, created_at REAL NOT NULL,
    PRIMARY KEY (workspace_id, key));
CREATE TABLE IF NOT EXISTS idempotent_jobs (
    workspace_id TEXT NOT NULL, key TEXT NOT NULL, entry INTEGER NOT NULL,
    fingerprint TEXT NOT NULL, job_id TEXT NOT NULL, created_at REAL NOT NULL,
    PRIMARY KEY (workspace_id, key, entry));
CREATE TABLE IF NOT EXISTS previews (
    token TEXT PRIMARY KEY, expires_at REAL NOT NULL, width INTEGER NOT NULL,
    height INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status);
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);
CREATE INDEX IF NOT EXISTS idempotent_jobs_by_age ON idempotent_jobs (created_at);
"""


def now_iso() -> str:
    """The current time as an ISO-8601 UTC string."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def new_id() -> str:
    return str(uuid.uuid4())


class Database:
    """The connections to one data folder's database, and its `files` and `previews` folders."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir: Path = Path(data_dir)
        self.files_dir: Path = self.data_dir / "files"
        self.previews_dir: Path = self.data_dir / "previews"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.previews_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.data_dir / "masko.sqlite3", check_same_thread=False, isolation_level=None
        )
        try:
            self._db.row_factory = sqlite3.Row
            _check(self._db, self.data_dir)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA wal_autocheckpoint=0")  # WalFlusher checkpoints instead
            self._db.executescript(_SCHEMA)
        except BaseException:
            self._db.close()
            raise
        self._flusher = WalFlusher(self.data_dir / "masko.sqlite3")
        self._readers = threading.local()
        self._open_readers: weakref.WeakSet[_Reader] = weakref.WeakSet()

    def close(self) -> None:
        self._flusher.stop()
        with self._lock:
            for reader in list(self._open_readers):
                reader.close()
            self._db.close()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection, made on first use; it goes with its thread."""
        reader = getattr(self._readers, "db", None)
        if reader is None:
            reader = sqlite3.connect(
                self.data_dir / "masko.sqlite3",
                check_same_thread=False,
                isolation_level=None,
                factory=_Reader,
            )
            reader.row_factory = sqlite3.Row
            reader.execute("PRAGMA query_only = ON")
            self._readers.db = reader
            self._open_readers.add(reader)
        return reader

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, args: Iterable[Any] = ()) -> Row | None:
        row = self._reader().execute(sql, tuple(args)).fetchone()
        return decode(row) if row else None


def insert(db: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))  # noqa: S608


_JSON_COLUMNS = ("reference_asset_ids", "assets", "asset_ids", "params", "error")


def decode(row: sqlite3.Row) -> Row:
    out = dict(row)
    for column in _JSON_COLUMNS:
        if isinstance(out.get(column), str):
            out[column] = json.loads(out[column])
    return out


class _Reader(sqlite3.Connection):
    """A read-only connection of one thread (a subclass, so the store can track it weakly)."""


class DamagedDataFolderError(RuntimeError):
    """The data folder's database fails SQLite's integrity check; nothing was changed."""


def _check(db: sqlite3.Connection, data_dir: Path) -> None:
    """Refuse a damaged database (`PRAGMA quick_check`) with a message naming the folder."""
    try:
        result = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        result = [str(exc)]
    if result != ["ok"]:
        raise DamagedDataFolderError(
            f"The data folder {data_dir} is damaged: its database masko.sqlite3 fails SQLite's"
            f" integrity check ({'; '.join(result[:3])}). Nothing was changed. Restore the"
            " folder from a backup, or start the stand-in with another data folder."
        )
