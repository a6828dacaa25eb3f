"""Records: workspaces and their keys, projects, collections and their pinned references, the
rows every route reads, and the answers kept for an `Idempotency-Key`."""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable, Mapping
from typing import Any

from masko_widgets.local.store._database import Row, decode, insert, new_id, now_iso
from masko_widgets.local.store._files import Files, Upload

_KEY_FILE = "api_key"
_IDEMPOTENCY_TTL = 24 * 3600.0


def hash_key(api_key: str) -> str:
    """How an API key is stored: its SHA-256, never the key itself."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    return "masko_" + secrets.token_hex(32)


class Records(Files):
    """Workspaces, projects, collections, rows by id or by page, and idempotent answers."""

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
            insert(db, "projects", project)
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
        return {row["id"]: decode(row) for row in rows}

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
        return [decode(row) for row in rows], total

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
                insert(db, "assets", asset)
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
            insert(db, "collections", collection)
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
                    insert(db, "assets", asset)
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

    def _owner(self, collection_id: str) -> str:
        row = self._one("SELECT workspace_id FROM collections WHERE id = ?", (collection_id,))
        if row is None:
            raise KeyError(collection_id)
        return str(row["workspace_id"])

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


def _slug(name: str, db: sqlite3.Connection, workspace_id: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "mascot"
    slug, number = base, 1
    while db.execute(
        "SELECT 1 FROM collections WHERE workspace_id = ? AND slug = ?", (workspace_id, slug)
    ).fetchone():
        number += 1
        slug = f"{base}-{number}"
    return slug
