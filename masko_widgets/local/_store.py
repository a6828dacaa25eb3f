"""Everything the stand-in remembers: SQLite records plus files under one data folder.

Writes go through one connection guarded by a lock, each public method one transaction, so
a failed operation never leaves half a record behind. Reads use a connection per thread
(SQLite's WAL lets them run beside a write), so a reader never waits for a writer's lock.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from masko_widgets.local._checkpoints import checkpoints

log = logging.getLogger("masko_widgets.local")

Row = dict[str, Any]
Upload = tuple[bytes, str, int, int]
"""An accepted image file: (bytes, mime type, width, height)."""

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
"""

_KEY_FILE = "api_key"
_IDEMPOTENCY_TTL = 24 * 3600.0
_UNFINISHED = ("pending", "processing")

FILE_FORMATS: Mapping[str, tuple[str, str]] = {
    "image": ("png", "image/png"),
    "transparent_image": ("png", "image/png"),
    "video": ("mp4", "video/mp4"),
    "webm": ("webm", "video/webm"),
    "hevc": ("mov", "video/quicktime"),
}
"""Asset type -> (file extension, mime type) of generated files."""

UPLOAD_EXTENSIONS: Mapping[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
}

URL_KEY = r"[A-Za-z0-9_-]{32}"
"""Pattern of the random token in a file or preview URL (`secrets.token_urlsafe(24)`)."""

_EXTENSIONS = dict.fromkeys(
    [*UPLOAD_EXTENSIONS.values(), *(ext for ext, _ in FILE_FORMATS.values())]
)
FILE_NAME = rf"({URL_KEY})\.({'|'.join(_EXTENSIONS)})"
"""Pattern of an asset file's name: groups (token, extension)."""
FILE_MEDIA_TYPES = tuple(
    dict.fromkeys([*UPLOAD_EXTENSIONS, *(mime for _, mime in FILE_FORMATS.values())])
)
"""What a file URL may serve: uploads as they came, and generated PNGs and videos."""


def now_iso() -> str:
    """The current time as an ISO-8601 UTC string."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def hash_key(api_key: str) -> str:
    """How an API key is stored: its SHA-256, never the key itself."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    return "masko_" + secrets.token_hex(32)


def new_id() -> str:
    return str(uuid.uuid4())


class InsufficientCredits(Exception):
    """The workspace cannot pay for a job; nothing was created."""

    def __init__(self, required: int, balance: int) -> None:
        super().__init__(f"needs {required} credits, balance is {balance}")
        self.required = required
        self.balance = balance


@dataclass(frozen=True)
class Claim:
    """The `Idempotency-Key` a paid request came with, and which of its jobs this is."""

    key: str
    fingerprint: str
    entry: int = 0  # the index in a batch


@dataclass(frozen=True)
class NewJob:
    """What a validated generation request asks the store to create in one transaction."""

    type: str
    collection_id: str
    cost: int
    item_id: str | None
    item_name: str
    item_type: str
    image_prompt: str | None
    roles: Mapping[str, str]  # role -> asset type, e.g. {"reverse_video": "video"}
    size: tuple[int, int]
    params: Mapping[str, Any] = field(default_factory=dict)


class Store:
    """SQLite database and files of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.files_dir = self.data_dir / "files"
        self.previews_dir = self.data_dir / "previews"
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
            self._db.executescript(_SCHEMA)
        except BaseException:
            self._db.close()
            raise
        self._readers = threading.local()
        self._open_readers: weakref.WeakSet[_Reader] = weakref.WeakSet()
        self.swept = self._sweep()
        """How many files an interrupted write had left, removed at start."""

    def close(self) -> None:
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
        return _decode(row) if row else None

    # --- workspaces and keys -------------------------------------------------------------

    def default_key(self, credits: int) -> str:
        """The default workspace's key, created on first use and kept in the data folder."""
        path = self.data_dir / _KEY_FILE
        with self._lock:
            if path.exists():
                key = path.read_text().strip()
                if self.workspace_for_hash(hash_key(key)):
                    return key
            key = self.create_workspace(credits)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(key + "\n")
            os.chmod(path, 0o600)
            return key

    def create_workspace(self, credits: int) -> str:
        """A new workspace with `credits`; returns its key (only its hash is stored)."""
        key = new_api_key()
        with self._tx() as db:
            db.execute(
                "INSERT INTO workspaces VALUES (?, ?, ?, ?)",
                (new_id(), hash_key(key), credits, now_iso()),
            )
        return key

    def workspace_for_hash(self, key_hash: str) -> tuple[str, str] | None:
        """(workspace id, stored key hash) for the SHA-256 of a key."""
        row = self._one("SELECT id, key_hash FROM workspaces WHERE key_hash = ?", (key_hash,))
        return (row["id"], row["key_hash"]) if row else None

    def balance(self, workspace_id: str) -> int:
        row = self._one("SELECT balance FROM workspaces WHERE id = ?", (workspace_id,))
        return row["balance"] if row else 0

    def ledger(self, workspace_id: str) -> list[Row]:
        rows = (
            self._reader()
            .execute(
                "SELECT job_id, kind, amount, balance_after, at FROM ledger"
                " WHERE workspace_id = ? ORDER BY seq",
                (workspace_id,),
            )
            .fetchall()
        )
        return [dict(row) for row in rows]

    # --- projects --------------------------------------------------------------------------

    def create_project(self, workspace_id: str, name: str, *, is_default: bool = False) -> Row:
        stamp = now_iso()
        project = {
            "id": new_id(),
            "workspace_id": workspace_id,
            "name": name,
            "is_default": int(is_default),
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._tx() as db:
            _insert(db, "projects", project)
        return project

    def default_project(self, workspace_id: str) -> Row:
        with self._lock:
            row = self._one(
                "SELECT * FROM projects WHERE workspace_id = ? AND is_default = 1", (workspace_id,)
            )
            return row or self.create_project(workspace_id, "Default project", is_default=True)

    def get(self, table: str, row_id: str) -> Row | None:
        """One project, collection, item, asset or job by id."""
        if table not in ("projects", "collections", "items", "assets", "jobs"):
            raise ValueError(table)
        return self._one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))  # noqa: S608

    def assets(self, asset_ids: Iterable[str]) -> dict[str, Row]:
        """Asset rows by id (unknown ids are left out)."""
        ids = list(asset_ids)
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        select = f"SELECT * FROM assets WHERE id IN ({marks})"  # noqa: S608
        rows = self._reader().execute(select, ids).fetchall()
        return {row["id"]: _decode(row) for row in rows}

    def list(
        self, table: str, where: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Row], int]:
        """A page of rows matching `where` (column -> value) in creation order, and the total."""
        if table not in ("projects", "collections", "items", "jobs"):
            raise ValueError(table)
        given = {column: value for column, value in where.items() if value is not None}
        clause = " AND ".join(f"{column} = ?" for column in given) or "1"
        args = tuple(given.values())
        count = f"SELECT COUNT(*) FROM {table} WHERE {clause}"  # noqa: S608
        select = f"SELECT * FROM {table} WHERE {clause} ORDER BY rowid LIMIT ? OFFSET ?"  # noqa: S608
        reader = self._reader()
        reader.execute("BEGIN")  # the page and the total from one snapshot
        try:
            total = reader.execute(count, args).fetchone()[0]
            rows = reader.execute(select, (*args, limit, offset)).fetchall()
        finally:
            reader.execute("COMMIT")
        return [_decode(row) for row in rows], total

    # --- collections and references -------------------------------------------------------

    def create_collection(
        self,
        workspace_id: str,
        project_id: str,
        name: str,
        prompt: str | None,
        references: Iterable[str | Upload],
    ) -> Row:
        """A collection pinning, in order, existing asset ids and new uploads."""
        stamp = now_iso()
        refs: list[str] = []
        new_assets = []
        for reference in references:
            if isinstance(reference, str):
                if reference not in refs:
                    refs.append(reference)
            else:
                new_assets.append(self._write_upload(workspace_id, *reference))
                refs.append(new_assets[-1]["id"])
        with self._files_kept_only_if_committed(new_assets), self._tx() as db:
            for asset in new_assets:
                _insert(db, "assets", asset)
            collection: Row = {
                "id": new_id(),
                "workspace_id": workspace_id,
                "project_id": project_id,
                "name": name,
                "slug": _slug(name, db, workspace_id),
                "prompt": prompt,
                "reference_asset_ids": json.dumps(refs),
                "style_card": None,
                "style_card_json": None,
                "created_at": stamp,
                "updated_at": stamp,
            }
            _insert(db, "collections", collection)
        return self.get("collections", collection["id"])  # type: ignore[return-value]

    def change_references(
        self,
        collection_id: str,
        add: str | None = None,
        remove: str | None = None,
        upload: Upload | None = None,
        limit: int = 6,
    ) -> tuple[Row, bool]:
        """Pin `add` (or a new `upload`) or unpin `remove`; clears the style card on change.

        Returns (collection, changed). Raises OverflowError when the set is full.
        """
        new_assets = []
        if upload is not None:
            new_assets.append(self._write_upload(self._owner(collection_id), *upload))
        with self._files_kept_only_if_committed(new_assets), self._tx() as db:
            row = db.execute(
                "SELECT reference_asset_ids FROM collections WHERE id = ?", (collection_id,)
            ).fetchone()
            refs = json.loads(row["reference_asset_ids"])
            if remove is not None:
                refs.remove(remove)
            elif add is not None and add in refs:
                return self.get("collections", collection_id), False  # type: ignore[return-value]
            else:
                if len(refs) >= limit:
                    raise OverflowError(limit)
                for asset in new_assets:
                    _insert(db, "assets", asset)
                    add = asset["id"]
                refs.append(add)
            db.execute(
                "UPDATE collections SET reference_asset_ids = ?, style_card = NULL,"
                " style_card_json = NULL, updated_at = ? WHERE id = ?",
                (json.dumps(refs), now_iso(), collection_id),
            )
        return self.get("collections", collection_id), True  # type: ignore[return-value]

    def cache_style_card(
        self, collection_id: str, refs: builtins.list[str], text: str, card_json: str
    ) -> None:
        """Store an extracted style card, unless the references changed meanwhile."""
        with self._tx() as db:
            db.execute(
                "UPDATE collections SET style_card = ?, style_card_json = ?"
                " WHERE id = ? AND reference_asset_ids = ?",
                (text, card_json, collection_id, json.dumps(refs)),
            )

    # --- assets ------------------------------------------------------------------------------

    def add_upload(self, workspace_id: str, data: bytes, mime: str, width: int, height: int) -> Row:
        """A completed `image` asset with no item, holding an uploaded file."""
        asset = self._write_upload(workspace_id, data, mime, width, height)
        with self._files_kept_only_if_committed([asset]), self._tx() as db:
            _insert(db, "assets", asset)
        return asset

    def _write_upload(
        self, workspace_id: str, data: bytes, mime: str, width: int, height: int
    ) -> Row:
        """The row of a new upload, its file already written (the row is for the caller to
        commit: a crash in between leaves a file no row names, removed on the next start)."""
        asset = _new_asset(
            workspace_id,
            "image",
            "completed",
            None,
            None,
            UPLOAD_EXTENSIONS[mime],
            mime,
            width,
            height,
        )
        _write_file(self.asset_path(asset), data)
        return asset

    @contextmanager
    def _files_kept_only_if_committed(self, assets: builtins.list[Row]) -> Iterator[None]:
        """Delete the files of `assets` if the transaction inside fails."""
        try:
            yield
        except BaseException:
            for asset in assets:
                self.asset_path(asset).unlink(missing_ok=True)
            raise

    def _owner(self, collection_id: str) -> str:
        row = self._one("SELECT workspace_id FROM collections WHERE id = ?", (collection_id,))
        if row is None:
            raise KeyError(collection_id)
        return str(row["workspace_id"])

    def asset_by_token(self, token: str) -> Row | None:
        return self._one("SELECT * FROM assets WHERE token = ?", (token,))

    def asset_path(self, asset: Mapping[str, Any]) -> Path:
        """Where an asset's file lives: named by its id, never by anything a request sent."""
        return self.files_dir / f"{uuid.UUID(asset['id'])}.{asset['ext']}"

    # --- jobs ----------------------------------------------------------------------------------

    def submit_job(
        self, workspace_id: str, new: NewJob, claim: Claim | None = None
    ) -> tuple[Row, bool]:
        """Charge the credits, create the item (if new), pending assets and the job, at once.

        With a `claim`, the job is recorded under its `Idempotency-Key` in the same
        transaction, and a job already recorded under it is returned instead of a new one:
        whatever moment a crash hits, a re-issued request is charged once. Returns (job,
        whether it is new).
        """
        stamp = now_iso()
        job_id = new_id()
        with self._tx() as db:
            if claim is not None:
                earlier = db.execute(
                    "SELECT job_id FROM idempotent_jobs"
                    " WHERE workspace_id = ? AND key = ? AND entry = ?",
                    (workspace_id, claim.key, claim.entry),
                ).fetchone()
                if earlier is not None:
                    job = db.execute("SELECT * FROM jobs WHERE id = ?", (earlier[0],)).fetchone()
                    return _decode(job), False
            balance = db.execute(
                "SELECT balance FROM workspaces WHERE id = ?", (workspace_id,)
            ).fetchone()[0]
            if balance < new.cost:
                raise InsufficientCredits(new.cost, balance)
            item_id = new.item_id
            if item_id is None:
                item_id = new_id()
                _insert(
                    db,
                    "items",
                    {
                        "id": item_id,
                        "workspace_id": workspace_id,
                        "collection_id": new.collection_id,
                        "name": new.item_name,
                        "type": new.item_type,
                        "image_prompt": new.image_prompt,
                        "assets": "{}",
                        "created_at": stamp,
                    },
                )
            asset_ids = {}
            for role, asset_type in new.roles.items():
                ext, mime = FILE_FORMATS[asset_type]
                asset = _new_asset(
                    workspace_id,
                    asset_type,
                    "pending",
                    item_id,
                    new.collection_id,
                    ext,
                    mime,
                    *new.size,
                )
                _insert(db, "assets", asset)
                asset_ids[role] = asset["id"]
            params = {**new.params, "new_item": new.item_id is None}
            _insert(
                db,
                "jobs",
                {
                    "id": job_id,
                    "workspace_id": workspace_id,
                    "status": "pending",
                    "type": new.type,
                    "collection_id": new.collection_id,
                    "item_id": item_id,
                    "item_name": new.item_name,
                    "cost_credits": new.cost,
                    "asset_ids": json.dumps(asset_ids),
                    "params": json.dumps(params),
                    "error": None,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "completed_at": None,
                },
            )
            if new.cost:
                self._move_credits(db, workspace_id, job_id, "charge", new.cost, stamp)
            if claim is not None:
                db.execute(
                    "INSERT INTO idempotent_jobs VALUES (?, ?, ?, ?, ?, ?)",
                    (workspace_id, claim.key, claim.entry, claim.fingerprint, job_id, time.time()),
                )
            checkpoints.reach("job.charged")
        return self.get("jobs", job_id), True  # type: ignore[return-value]

    def start_job(self, job_id: str) -> Row | None:
        """Mark a pending job processing; None when it is already finished."""
        with self._tx() as db:
            updated = db.execute(
                "UPDATE jobs SET status = 'processing', updated_at = ?"
                " WHERE id = ? AND status IN ('pending', 'processing')",
                (now_iso(), job_id),
            ).rowcount
        return self.get("jobs", job_id) if updated else None

    def unfinished_jobs(self) -> builtins.list[str]:
        rows = (
            self._reader()
            .execute("SELECT id FROM jobs WHERE status IN (?, ?) ORDER BY rowid", _UNFINISHED)
            .fetchall()
        )
        return [row["id"] for row in rows]

    def complete_job(self, job_id: str, files: Mapping[str, tuple[bytes, int, int]]) -> None:
        """Write each role's file, then mark its asset, the item and the job completed."""
        job = self.get("jobs", job_id)
        assert job is not None
        assets = self.assets(job["asset_ids"].values())
        for role, (data, _w, _h) in files.items():
            _write_file(self.asset_path(assets[job["asset_ids"][role]]), data)
        stamp = now_iso()
        with self._tx() as db:
            item = db.execute("SELECT assets FROM items WHERE id = ?", (job["item_id"],)).fetchone()
            newest = json.loads(item["assets"]) if item else {}
            for role, (_data, width, height) in files.items():
                asset_id = job["asset_ids"][role]
                db.execute(
                    "UPDATE assets SET status = 'completed', width = ?, height = ? WHERE id = ?",
                    (width, height, asset_id),
                )
                if not role.startswith("reverse_"):
                    newest[assets[asset_id]["type"]] = asset_id
            db.execute(
                "UPDATE items SET assets = ? WHERE id = ?", (json.dumps(newest), job["item_id"])
            )
            db.execute(
                "UPDATE jobs SET status = 'completed', updated_at = ?, completed_at = ?"
                " WHERE id = ?",
                (stamp, stamp, job_id),
            )

    def fail_job(self, job_id: str, code: str, message: str) -> None:
        """Mark a job and its assets failed, refund its credits, drop an item it created."""
        stamp = now_iso()
        with self._tx() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None or row["status"] not in _UNFINISHED:
                return
            job = _decode(row)
            for asset_id in job["asset_ids"].values():
                db.execute("UPDATE assets SET status = 'failed' WHERE id = ?", (asset_id,))
            if job["params"].get("new_item"):
                db.execute("DELETE FROM items WHERE id = ? AND assets = '{}'", (job["item_id"],))
            db.execute(
                "UPDATE jobs SET status = 'failed', error = ?, updated_at = ?, completed_at = ?"
                " WHERE id = ?",
                (json.dumps({"code": code, "message": message}), stamp, stamp, job_id),
            )
            if job["cost_credits"]:
                self._move_credits(
                    db, job["workspace_id"], job_id, "refund", job["cost_credits"], stamp
                )

    def _move_credits(
        self,
        db: sqlite3.Connection,
        workspace_id: str,
        job_id: str,
        kind: str,
        amount: int,
        stamp: str,
    ) -> None:
        delta = -amount if kind == "charge" else amount
        db.execute(
            "UPDATE workspaces SET balance = balance + ? WHERE id = ?", (delta, workspace_id)
        )
        balance = db.execute(
            "SELECT balance FROM workspaces WHERE id = ?", (workspace_id,)
        ).fetchone()[0]
        db.execute(
            "INSERT INTO ledger (workspace_id, job_id, kind, amount, balance_after, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (workspace_id, job_id, kind, amount, balance, stamp),
        )

    # --- previews ------------------------------------------------------------------------------

    def add_preview(self, data: bytes, width: int, height: int, ttl: float) -> tuple[str, float]:
        """Keep a preview file until `ttl` seconds from now; returns (token, expires_at)."""
        token = secrets.token_urlsafe(24)
        expires_at = time.time() + ttl
        self._sweep_previews()
        _write_file(self._preview_path(token), data)
        with self._tx() as db:
            db.execute(
                "INSERT INTO previews VALUES (?, ?, ?, ?)", (token, expires_at, width, height)
            )
        return token, expires_at

    def preview(self, token: str) -> tuple[Path, bool] | None:
        """(file, expired) of a preview, or None if it never existed."""
        row = self._one("SELECT token, expires_at FROM previews WHERE token = ?", (token,))
        if row is None:
            return None
        return self._preview_path(row["token"]), row["expires_at"] <= time.time()

    def _sweep_previews(self) -> None:
        """Delete expired preview files; their rows stay so their URLs answer 410."""
        rows = (
            self._reader()
            .execute("SELECT token FROM previews WHERE expires_at <= ?", (time.time(),))
            .fetchall()
        )
        for row in rows:
            self._preview_path(row["token"]).unlink(missing_ok=True)

    def _preview_path(self, token: str) -> Path:
        return self.previews_dir / f"{row_token(token)}.png"

    # --- recovery ---------------------------------------------------------------------------

    def _sweep(self) -> int:
        """Remove what an interrupted write left: `.part` files, and files no row names."""
        with self._lock:
            assets = {row[0] for row in self._db.execute("SELECT id FROM assets")}
            previews = {row[0] for row in self._db.execute("SELECT token FROM previews")}
        left = [
            *(path for path in self.files_dir.iterdir() if _stem(path) not in assets),
            *(path for path in self.previews_dir.iterdir() if _stem(path) not in previews),
        ]
        for path in left:
            path.unlink(missing_ok=True)
        if left:
            log.warning(
                "Removed %d file(s) an interrupted write left in %s.", len(left), self.data_dir
            )
        return len(left)

    # --- idempotency -----------------------------------------------------------------------------

    def idempotent_answer(self, workspace_id: str, key: str) -> Row | None:
        return self._one(
            "SELECT * FROM idempotency WHERE workspace_id = ? AND key = ? AND created_at > ?",
            (workspace_id, key, time.time() - _IDEMPOTENCY_TTL),
        )

    def claimed_fingerprint(self, workspace_id: str, key: str) -> str | None:
        """The fingerprint of the request whose jobs `key` recorded, if any."""
        row = self._one(
            "SELECT fingerprint FROM idempotent_jobs"
            " WHERE workspace_id = ? AND key = ? AND created_at > ?",
            (workspace_id, key, time.time() - _IDEMPOTENCY_TTL),
        )
        return row["fingerprint"] if row else None

    def remember_answer(
        self,
        workspace_id: str,
        key: str,
        fingerprint: str,
        status: int,
        headers: builtins.list[tuple[str, str]],
        body: bytes,
    ) -> None:
        with self._tx() as db:
            expired = time.time() - _IDEMPOTENCY_TTL
            db.execute("DELETE FROM idempotency WHERE created_at < ?", (expired,))
            db.execute("DELETE FROM idempotent_jobs WHERE created_at < ?", (expired,))
            db.execute(
                "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)",
                (workspace_id, key, fingerprint, status, json.dumps(headers), body, time.time()),
            )


_TOKEN = re.compile(URL_KEY)


def row_token(token: str) -> str:
    """A stored token, re-checked before it becomes part of a file name."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("malformed token")
    return token


def _new_asset(
    workspace_id: str,
    asset_type: str,
    status: str,
    item_id: str | None,
    collection_id: str | None,
    ext: str,
    mime: str,
    width: int | None,
    height: int | None,
) -> Row:
    return {
        "id": new_id(),
        "workspace_id": workspace_id,
        "type": asset_type,
        "status": status,
        "item_id": item_id,
        "collection_id": collection_id,
        "token": secrets.token_urlsafe(24),
        "ext": ext,
        "mime_type": mime,
        "width": width,
        "height": height,
        "created_at": now_iso(),
    }


def _insert(db: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))  # noqa: S608


_JSON_COLUMNS = ("reference_asset_ids", "assets", "asset_ids", "params", "error")


def _decode(row: sqlite3.Row) -> Row:
    out = dict(row)
    for column in _JSON_COLUMNS:
        if isinstance(out.get(column), str):
            out[column] = json.loads(out[column])
    return out


def _slug(name: str, db: sqlite3.Connection, workspace_id: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "mascot"
    slug, number = base, 1
    while db.execute(
        "SELECT 1 FROM collections WHERE workspace_id = ? AND slug = ?", (workspace_id, slug)
    ).fetchone():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _write_file(path: Path, data: bytes) -> None:
    """Write atomically and durably: readers see the old file or the whole new one.

    The data goes to `<name>.part`, is flushed to disk, then renamed into place; a crash
    leaves at most a `.part` file, which the next start removes.
    """
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as out:
        out.write(data)
        out.flush()
        checkpoints.reach("file.part_written")
        os.fsync(out.fileno())
    os.replace(partial, path)
    checkpoints.reach("file.renamed")


def _stem(path: Path) -> str | None:
    """The id or token a stored file is named by; None for a `.part` or foreign file."""
    stem, _, ext = path.name.partition(".")
    return None if not ext or ext.endswith("part") else stem


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
