"""The data folder's files: uploads, generated assets and previews, named by their row's id or
token and never by anything a request sent, written whole or not at all.

A file is written before the row that names it commits; a crash in between leaves a file no
row names, and `.part` files of a write cut short: the next start removes both (`_sweep`)."""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from masko_widgets.local._checkpoints import checkpoints
from masko_widgets.local.store._database import Database, Row, insert, new_id, now_iso

log = logging.getLogger("masko_widgets.local")

Upload = tuple[bytes, str, int, int]
"""An accepted image file: (bytes, mime type, width, height)."""

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


class Files(Database):
    """Uploads, asset files and previews, each file kept only if its row commits."""

    def add_upload(self, workspace_id: str, data: bytes, mime: str, width: int, height: int) -> Row:
        """A completed `image` asset with no item, holding an uploaded file."""
        asset = self._write_upload(workspace_id, data, mime, width, height)
        with self._files_kept_only_if_committed([asset]), self._tx() as db:
            insert(db, "assets", asset)
        return asset

    def _write_upload(
        self, workspace_id: str, data: bytes, mime: str, width: int, height: int
    ) -> Row:
        """The row of a new upload, its file already written (the row is for the caller to
        commit: a crash in between leaves a file no row names, removed on the next start)."""
        asset = new_asset(
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
        write_file(self.asset_path(asset), data)
        return asset

    @contextmanager
    def _files_kept_only_if_committed(self, assets: list[Row]) -> Iterator[None]:
        """Delete the files of `assets` if the transaction inside fails."""
        try:
            yield
        except BaseException:
            for asset in assets:
                self.asset_path(asset).unlink(missing_ok=True)
            raise

    def asset_by_token(self, token: str) -> Row | None:
        return self._one("SELECT * FROM assets WHERE token = ?", (token,))

    def asset_path(self, asset: Mapping[str, Any]) -> Path:
        """Where an asset's file lives: named by its id, never by anything a request sent."""
        return self.files_dir / f"{uuid.UUID(asset['id'])}.{asset['ext']}"

    def add_preview(self, data: bytes, width: int, height: int, ttl: float) -> tuple[str, float]:
        """Keep a preview file until `ttl` seconds from now; returns (token, expires_at)."""
        token = secrets.token_urlsafe(24)
        expires_at = time.time() + ttl
        self._sweep_previews()
        write_file(self._preview_path(token), data)
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


_TOKEN = re.compile(URL_KEY)


def row_token(token: str) -> str:
    """A stored token, re-checked before it becomes part of a file name."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("malformed token")
    return token


def new_asset(
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


def write_file(path: Path, data: bytes) -> None:
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
