"""Pictures of assets made once and kept: a thumbnail and a palette per asset.

Assets never change, so an asset id is a safe key within one API: entries are kept per scope,
a one-way name of the API's origin and of the workspace the client's key opens, so the same id
on another server or workspace is never shown the first one's picture. Pictures are made when
first asked for, in a shared thread pool (a thread waiting on the network holds nothing, and
Pillow releases the GIL while it decodes, resizes and encodes), kept in memory up to a byte
bound, and on disk under the user cache folder (checked on every read, bounded, see
`_picture_folder`), so a second notebook reuses them. Two requests for the same picture share
one download.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from masko_widgets.client import MaskoError
from masko_widgets.widgets._picture_folder import SALT_BYTES, PictureFolder
from masko_widgets.widgets._thumbnails import AssetPicture, Thumbnail, picture_of

if TYPE_CHECKING:
    from masko_widgets.client import MaskoClient

__all__ = [
    "AssetNotReadyError",
    "AssetPicture",
    "PictureCache",
    "shared_cache",
    "thumbnail_or_none",
]

WORKERS = 16
"""Pictures made at once. Each waits on two round trips to the API (metadata, then the file)
for longer than it draws (Pillow releases the GIL), so many overlap: a grid's first screen and
a cold export come sooner (bench/bench_widgets.py, bench/bench_export.py), within the 20
connections httpx keeps open, so every fetch reuses one."""
MEMORY_BYTES = 32 * 1024 * 1024
"""Pictures kept in memory, by thumbnail bytes; the least recently used leave first."""
DISK_BYTES = 512 * 1024 * 1024
"""Pictures kept on disk by default (about 20 000 thumbnails); MASKO_CACHE_MAX_BYTES sets it."""
DISK_BYTES_VARIABLE = "MASKO_CACHE_MAX_BYTES"
_UNITS = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "KI": 2**10, "MI": 2**20, "GI": 2**30}
_AMOUNT = re.compile(r"\s*(\d+)\s*([KMG]I?)?B?\s*", re.IGNORECASE)
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")

Key = tuple[str, str]
"""(scope, asset id): what a picture is kept under."""


class AssetNotReadyError(RuntimeError):
    """The asset's file is not made yet (its job still runs)."""


def default_directory() -> Path:
    """Where pictures are kept between sessions: the user cache folder of masko-widgets."""
    return platformdirs.user_cache_path("masko-widgets") / "pictures"


def disk_bytes_from_environment() -> int:
    """The disk limit MASKO_CACHE_MAX_BYTES asks for (bytes, or e.g. 200MB, 1GiB), else the
    default; 0 keeps nothing on disk."""
    text = os.environ.get(DISK_BYTES_VARIABLE, "")
    if not text.strip():
        return DISK_BYTES
    amount = _AMOUNT.fullmatch(text)
    if amount is None:
        raise ValueError(
            f"{DISK_BYTES_VARIABLE} must be a size such as 500000000, 500MB or 2GiB "
            f"(0 keeps no pictures on disk), got {text!r}"
        )
    return int(amount[1]) * _UNITS[(amount[2] or "").upper()]


class PictureCache:
    """Asset pictures in memory (bounded) and on disk (`directory`, at most `disk_bytes`;
    None or 0 keeps none on disk)."""

    def __init__(
        self,
        directory: Path | None,
        memory_bytes: int = MEMORY_BYTES,
        disk_bytes: int = DISK_BYTES,
    ) -> None:
        self.directory = directory
        self.memory_bytes = memory_bytes
        self._folder = PictureFolder(directory, disk_bytes) if directory and disk_bytes else None
        self._salt: bytes | None = None
        self._memory: OrderedDict[Key, AssetPicture] = OrderedDict()
        self._held = 0
        self._pending: dict[Key, Future[AssetPicture]] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def submit(self, client: MaskoClient, asset_id: str) -> Future[AssetPicture]:
        """The picture of `asset_id`, made in the pool unless it is already kept."""
        key = self._key(client, asset_id)
        with self._lock:
            picture = self._memory.get(key)
            if picture is not None:
                self._memory.move_to_end(key)
                done: Future[AssetPicture] = Future()
                done.set_result(picture)
                return done
            future = self._pending.get(key)
            if future is None:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="masko-pictures")
                future = self._pool.submit(self._make, client, key)
                self._pending[key] = future
            return future

    def get(self, client: MaskoClient, asset_id: str) -> AssetPicture:
        """The picture of `asset_id`, waiting for it (for callers on any thread)."""
        return self.submit(client, asset_id).result()

    def _key(self, client: MaskoClient, asset_id: str) -> Key:
        """The scope of the client's API and workspace (one-way: the key cannot be read back
        from it), with the asset id."""
        salt = self._scope_salt()
        workspace = client.workspace_tag(salt)
        scope = hmac.new(salt, f"{client.base_url}\n{workspace}".encode(), hashlib.sha256)
        return scope.hexdigest()[:32], asset_id

    def _scope_salt(self) -> bytes:
        """The disk folder's salt, so scopes are the same in every process; a random one when
        nothing is kept on disk (or the folder cannot be used)."""
        with self._lock:
            if self._salt is None:
                try:
                    self._salt = self._folder.salt() if self._folder else None
                except OSError:
                    self._folder = None  # a read-only or foreign folder: memory only
                self._salt = self._salt or os.urandom(SALT_BYTES)
            return self._salt

    def _make(self, client: MaskoClient, key: Key) -> AssetPicture:
        scope, asset_id = key
        folder = self._folder if _SAFE_ID.fullmatch(asset_id) else None
        try:
            picture = folder.read(scope, asset_id) if folder else None
            if picture is None:
                picture = picture_of(self._download(client, asset_id))
                if folder:
                    folder.write(scope, asset_id, picture)
            self._remember(key, picture)
            return picture
        finally:
            with self._lock:
                self._pending.pop(key, None)

    @staticmethod
    def _download(client: MaskoClient, asset_id: str) -> bytes:
        asset = client.assets.get(asset_id)
        if asset.status not in (None, "completed") or not asset.url:
            raise AssetNotReadyError(f"The picture {asset_id} is not made yet; refresh later.")
        return asset.read()

    def _remember(self, key: Key, picture: AssetPicture) -> None:
        with self._lock:
            if key in self._memory:
                return
            self._memory[key] = picture
            self._held += picture.size
            while self._held > self.memory_bytes and len(self._memory) > 1:
                _, dropped = self._memory.popitem(last=False)
                self._held -= dropped.size


_shared: PictureCache | None = None
_shared_lock = threading.Lock()


def shared_cache() -> PictureCache:
    """The one cache every widget of this Python process uses."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PictureCache(default_directory(), disk_bytes=disk_bytes_from_environment())
        return _shared


def thumbnail_or_none(client: MaskoClient, asset_id: str) -> Thumbnail | None:
    """An asset's thumbnail from the shared cache; None when it cannot be fetched (yet)."""
    try:
        return shared_cache().get(client, asset_id).thumbnail
    except (MaskoError, OSError, AssetNotReadyError):
        return None
