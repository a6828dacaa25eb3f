"""Jobs: what a generation creates at once (the charge, the item, its pending assets and the
job, recorded under its `Idempotency-Key`), and how it ends: completed with its files, or failed
with its credits refunded."""

from __future__ import annotations

import builtins
import json
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from masko_widgets.local._checkpoints import checkpoints
from masko_widgets.local.store._charges import Charges
from masko_widgets.local.store._database import Row, decode, insert, new_id, now_iso
from masko_widgets.local.store._files import FILE_FORMATS, new_asset, write_file
from masko_widgets.local.store._records import Records

_UNFINISHED = ("pending", "processing")


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


class Jobs(Records, Charges):
    """Submitting, starting, completing and failing jobs, each step one transaction."""

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
            earlier = _claimed_job(db, workspace_id, claim) if claim is not None else None
            if earlier is not None:
                return earlier, False
            self._charge(db, workspace_id, job_id, new.cost, stamp)
            item_id = new.item_id
            if item_id is None:
                item_id = _insert_item(db, workspace_id, new, stamp)
            asset_ids = _insert_pending_assets(db, workspace_id, new, item_id)
            _insert_job(db, workspace_id, job_id, new, item_id, asset_ids, stamp)
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
            write_file(self.asset_path(assets[job["asset_ids"][role]]), data)
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
            job = decode(row)
            for asset_id in job["asset_ids"].values():
                db.execute("UPDATE assets SET status = 'failed' WHERE id = ?", (asset_id,))
            if job["params"].get("new_item"):
                db.execute("DELETE FROM items WHERE id = ? AND assets = '{}'", (job["item_id"],))
            db.execute(
                "UPDATE jobs SET status = 'failed', error = ?, updated_at = ?, completed_at = ?"
                " WHERE id = ?",
                (json.dumps({"code": code, "message": message}), stamp, stamp, job_id),
            )
            self._refund(db, job, stamp)


def _claimed_job(db: sqlite3.Connection, workspace_id: str, claim: Claim) -> Row | None:
    """The job already recorded under this claim's key and entry, if any."""
    earlier = db.execute(
        "SELECT job_id FROM idempotent_jobs WHERE workspace_id = ? AND key = ? AND entry = ?",
        (workspace_id, claim.key, claim.entry),
    ).fetchone()
    if earlier is None:
        return None
    return decode(db.execute("SELECT * FROM jobs WHERE id = ?", (earlier[0],)).fetchone())


def _insert_item(db: sqlite3.Connection, workspace_id: str, new: NewJob, stamp: str) -> str:
    """A new item, still without assets, for the job to fill; returns its id."""
    item_id = new_id()
    insert(
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
    return item_id


def _insert_pending_assets(
    db: sqlite3.Connection, workspace_id: str, new: NewJob, item_id: str
) -> dict[str, str]:
    """A pending asset for each of the job's roles; returns role -> asset id."""
    asset_ids = {}
    for role, asset_type in new.roles.items():
        ext, mime = FILE_FORMATS[asset_type]
        asset = new_asset(
            workspace_id, asset_type, "pending", item_id, new.collection_id, ext, mime, *new.size
        )
        insert(db, "assets", asset)
        asset_ids[role] = asset["id"]
    return asset_ids


def _insert_job(
    db: sqlite3.Connection,
    workspace_id: str,
    job_id: str,
    new: NewJob,
    item_id: str,
    asset_ids: Mapping[str, str],
    stamp: str,
) -> None:
    insert(
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
            "params": json.dumps({**new.params, "new_item": new.item_id is None}),
            "error": None,
            "created_at": stamp,
            "updated_at": stamp,
            "completed_at": None,
        },
    )
