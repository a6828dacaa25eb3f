"""Pictures of assets made once and kept: a thumbnail and a palette per asset id.

Assets never change, so an asset id is a safe key. Pictures are made when first asked for, in
a small shared thread pool (Pillow releases the GIL while it decodes and encodes), kept in
memory up to a byte bound, and on disk under the user cache folder, so a second notebook on
the same collection reuses them. Two requests for the same asset share one download.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PIL import Image

from masko_widgets._palette import Palette, dominant_palette
from masko_widgets.widgets._thumbnails import Thumbnail, make_thumbnail

if TYPE_CHECKING:
    from masko_widgets.client import MaskoClient

WORKERS = 4
MEMORY_BYTES = 32 * 1024 * 1024
"""Pictures kept in memory, by thumbnail bytes; the least recently used leave first."""
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


class AssetNotReadyError(RuntimeError):
    """The asset's file is not made yet (its job still runs)."""


@dataclass(frozen=True)
class AssetPicture:
    """What the widgets show of an image asset: its thumbnail and its main colours."""

    thumbnail: Thumbnail
    palette: Palette

    @property
    def size(self) -> int:
        return len(self.thumbnail.data)


def picture_of(data: bytes) -> AssetPicture:
    """The thumbnail and palette of an encoded image, from one decode."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return AssetPicture(make_thumbnail(image), dominant_palette(image))


def default_directory() -> Path:
    """Where pictures are kept between sessions: the user cache folder of masko-widgets."""
    return platformdirs.user_cache_path("masko-widgets") / "pictures"


class PictureCache:
    """Asset pictures in memory (bounded) and on disk (`directory`; None keeps none)."""

    def __init__(self, directory: Path | None, memory_bytes: int = MEMORY_BYTES) -> None:
        self.directory = directory
        self.memory_bytes = memory_bytes
        self._memory: OrderedDict[str, AssetPicture] = OrderedDict()
        self._held = 0
        self._pending: dict[str, Future[AssetPicture]] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def cached(self, asset_id: str) -> AssetPicture | None:
        """The picture if it is in memory now (never waits, never downloads)."""
        with self._lock:
            picture = self._memory.get(asset_id)
            if picture is not None:
                self._memory.move_to_end(asset_id)
            return picture

    def submit(self, client: MaskoClient, asset_id: str) -> Future[AssetPicture]:
        """The picture of `asset_id`, made in the pool unless it is already kept."""
        with self._lock:
            picture = self._memory.get(asset_id)
            if picture is not None:
                self._memory.move_to_end(asset_id)
                done: Future[AssetPicture] = Future()
                done.set_result(picture)
                return done
            future = self._pending.get(asset_id)
            if future is None:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="masko-pictures")
                future = self._pool.submit(self._make, client, asset_id)
                self._pending[asset_id] = future
            return future

    def get(self, client: MaskoClient, asset_id: str) -> AssetPicture:
        """The picture of `asset_id`, waiting for it (for callers on any thread)."""
        return self.submit(client, asset_id).result()

    def _make(self, client: MaskoClient, asset_id: str) -> AssetPicture:
        try:
            picture = self._read_disk(asset_id)
            if picture is None:
                picture = picture_of(self._download(client, asset_id))
                self._write_disk(asset_id, picture)
            self._remember(asset_id, picture)
            return picture
        finally:
            with self._lock:
                self._pending.pop(asset_id, None)

    @staticmethod
    def _download(client: MaskoClient, asset_id: str) -> bytes:
        asset = client.assets.get(asset_id)
        if asset.status not in (None, "completed") or not asset.url:
            raise AssetNotReadyError(f"The picture {asset_id} is not made yet; refresh later.")
        return asset.read()

    def _remember(self, asset_id: str, picture: AssetPicture) -> None:
        with self._lock:
            if asset_id in self._memory:
                return
            self._memory[asset_id] = picture
            self._held += picture.size
            while self._held > self.memory_bytes and len(self._memory) > 1:
                _, dropped = self._memory.popitem(last=False)
                self._held -= dropped.size

    def _paths(self, asset_id: str) -> tuple[Path, Path] | None:
        if self.directory is None or not _SAFE_ID.fullmatch(asset_id):
            return None
        return self.directory / f"{asset_id}.webp", self.directory / f"{asset_id}.json"

    def _read_disk(self, asset_id: str) -> AssetPicture | None:
        paths = self._paths(asset_id)
        if paths is None:
            return None
        try:
            facts = json.loads(paths[1].read_text(encoding="utf-8"))
            data = paths[0].read_bytes()
            thumbnail = Thumbnail(data, facts["mime"], int(facts["width"]), int(facts["height"]))
            palette = tuple((str(colour), float(share)) for colour, share in facts["palette"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # not kept yet, or a damaged entry: make it again
        return AssetPicture(thumbnail, palette)

    def _write_disk(self, asset_id: str, picture: AssetPicture) -> None:
        paths = self._paths(asset_id)
        if paths is None:
            return
        thumbnail = picture.thumbnail
        facts = {
            "mime": thumbnail.mime,
            "width": thumbnail.width,
            "height": thumbnail.height,
            "palette": [list(entry) for entry in picture.palette],
        }
        try:
            paths[0].parent.mkdir(parents=True, exist_ok=True)
            # The facts file is written last: an entry counts only once both are complete.
            for path, data in ((paths[0], thumbnail.data), (paths[1], json.dumps(facts).encode())):
                partial = path.with_name(f"{path.name}.{threading.get_ident()}.part")
                partial.write_bytes(data)
                os.replace(partial, path)
        except OSError:
            pass  # a read-only or full disk only costs the next notebook a download


_shared: PictureCache | None = None
_shared_lock = threading.Lock()


def shared_cache() -> PictureCache:
    """The one cache every widget of this Python process uses."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PictureCache(default_directory())
        return _shared
