"""Asset pictures on disk: one checked file per entry, private to the user, bounded in size.

Layout: `<folder>/salt` (random bytes that make scope names one-way) and
`<folder>/<scope>/<asset id>.pic`, where a scope names one API origin and workspace. An entry
is one file, written to a private temporary file and renamed into place, so a reader (in any
process) sees a whole entry or none. It carries a SHA-256 of its contents, checked on every
read: a damaged entry is removed and made again, never served. Reading an entry stamps its
modification time; when the folder outgrows its byte limit, the entries read longest ago go
first. Folders are 0700 and files 0600, whatever the umask.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tempfile
import threading
import time
from pathlib import Path

from masko_widgets.widgets._thumbnails import (
    THUMBNAIL_MIME,
    THUMBNAIL_SIZE,
    AssetPicture,
    Thumbnail,
)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
MAGIC = b"masko-picture 1\n"
MAX_ENTRY_BYTES = 4 * 1024 * 1024
"""Longer files are not entries of ours: they are removed unread."""
KEEP_FRACTION = 0.9
"""An eviction stops at this share of the limit, so the next few writes need no scan."""
RESCAN_WRITES = 64
"""The folder is measured again after this many writes (other processes write too)."""
STALE_SECONDS = 3600.0
"""A temporary file this old was left by a crash: it is removed."""
SALT_BYTES = 32
_SCOPE = re.compile(r"[0-9a-f]{32}")
_ENTRY = re.compile(r"[A-Za-z0-9_-]{1,128}\.pic")
_TEMPORARY = re.compile(r"\.[A-Za-z0-9_.-]+\.part")
_EARLIER_LAYOUT = re.compile(r"[A-Za-z0-9_-]{1,128}\.(webp|json)(\.\d+\.part)?")


def encode_entry(asset_id: str, picture: AssetPicture) -> bytes:
    """The bytes of an entry: MAGIC, SHA-256 of the body, body (facts line + thumbnail)."""
    thumbnail = picture.thumbnail
    facts = {
        "asset_id": asset_id,
        "mime": thumbnail.mime,
        "width": thumbnail.width,
        "height": thumbnail.height,
        "palette": [list(entry) for entry in picture.palette],
    }
    body = json.dumps(facts).encode() + b"\n" + thumbnail.data
    return MAGIC + hashlib.sha256(body).digest() + body


def decode_entry(asset_id: str, raw: bytes) -> AssetPicture | None:
    """The picture an entry holds, or None if it is damaged or belongs to another asset."""
    start = len(MAGIC) + hashlib.sha256().digest_size
    body = raw[start:]
    if not raw.startswith(MAGIC) or hashlib.sha256(body).digest() != raw[len(MAGIC) : start]:
        return None
    line, _, data = body.partition(b"\n")
    try:
        facts = json.loads(line)
        width, height = int(facts["width"]), int(facts["height"])
        palette = tuple((str(colour), float(share)) for colour, share in facts["palette"])
        fits = 0 < width <= THUMBNAIL_SIZE and 0 < height <= THUMBNAIL_SIZE
        if facts["asset_id"] != asset_id or facts["mime"] != THUMBNAIL_MIME or not fits:
            return None
    except (ValueError, KeyError, TypeError):
        return None
    return AssetPicture(Thumbnail(data, THUMBNAIL_MIME, width, height), palette)


def private_folder(folder: Path) -> None:
    """Make `folder` and any missing parent, readable by their owner only, whatever the umask."""
    missing: list[Path] = []
    path = folder
    while not path.exists():
        missing.append(path)
        path = path.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=FOLDER_MODE)
        os.chmod(path, FOLDER_MODE)
    if stat.S_IMODE(folder.stat().st_mode) != FOLDER_MODE:
        os.chmod(folder, FOLDER_MODE)


def _private_temporary(path: Path, data: bytes) -> str:
    """A new 0600 file beside `path` holding `data`, stamped now; its name is unique."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as file:
            os.chmod(temporary, FILE_MODE)
            file.write(data)
        _stamp(temporary)
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _stamp(path: str | Path) -> None:
    """Mark `path` as used now (nanoseconds, so recency is exact even for quick turns)."""
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def _remove(path: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class PictureFolder:
    """Checked picture entries in `directory`, kept under `max_bytes` (least recently read
    leave first). Thread-safe; several processes may share one folder."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._held: int | None = None  # bytes on disk as last measured, plus writes since
        self._writes = 0
        self._measuring = False

    def salt(self) -> bytes:
        """The folder's random salt, made once (by whichever process comes first)."""
        private_folder(self.directory)
        path = self.directory / "salt"
        try:
            found: bytes | None = path.read_bytes()
        except FileNotFoundError:
            found = None
        if found is not None and len(found) == SALT_BYTES:
            return found
        made = os.urandom(SALT_BYTES)
        temporary = _private_temporary(path, made)
        try:
            if found is None:
                os.link(temporary, path)  # fails if another process made one meanwhile
            else:
                os.replace(temporary, path)  # a damaged salt: its entries are orphans now
            return made
        except FileExistsError:
            return self.salt()
        finally:
            _remove(temporary)

    def read(self, scope: str, asset_id: str) -> AssetPicture | None:
        """The kept picture, or None if there is none or it is damaged."""
        path = self._entry(scope, asset_id)
        try:
            with open(path, "rb") as file:
                raw = file.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        picture = decode_entry(asset_id, raw) if len(raw) <= MAX_ENTRY_BYTES else None
        if picture is None:
            return None  # damaged: the caller makes it again and writes over it
        with contextlib.suppress(OSError):
            _stamp(path)
        return picture

    def write(self, scope: str, asset_id: str, picture: AssetPicture) -> None:
        """Keep `picture`, whole or not at all (a full or read-only disk only costs a download)."""
        path = self._entry(scope, asset_id)
        data = encode_entry(asset_id, picture)
        try:
            private_folder(path.parent)
            temporary = _private_temporary(path, data)
            try:
                os.replace(temporary, path)
            except OSError:
                _remove(temporary)
                raise
        except OSError:
            return
        self._count(len(data))

    def _entry(self, scope: str, asset_id: str) -> Path:
        if not (_SCOPE.fullmatch(scope) and _ENTRY.fullmatch(f"{asset_id}.pic")):
            raise ValueError(f"not a name of a kept picture: {scope}/{asset_id}")
        return self.directory / scope / f"{asset_id}.pic"

    def _count(self, written: int) -> None:
        with self._lock:
            self._writes += 1
            if self._held is not None:
                self._held += written
            due = self._held is None or self._held > self.max_bytes
            if self._measuring or not (due or self._writes >= RESCAN_WRITES):
                return
            self._measuring, self._writes = True, 0
        held = None
        try:
            held = self.evict()
        finally:
            with self._lock:
                self._held, self._measuring = held, False

    def evict(self) -> int | None:
        """Remove leftovers, then the least recently read entries while the folder is over
        its limit (down to KEEP_FRACTION of it). Returns the bytes kept, None if unreadable."""
        try:
            entries = sorted(self._entries())
        except OSError:
            return None
        held = sum(size for _, size, _ in entries)
        if held <= self.max_bytes:
            return held
        for _, size, path in entries:
            if held <= self.max_bytes * KEEP_FRACTION:
                break
            _remove(path)
            held -= size
        return held

    def _entries(self) -> list[tuple[int, int, Path]]:
        """(last use in ns, size, path) of every entry; leftovers are removed on the way."""
        entries: list[tuple[int, int, Path]] = []
        stale = time.time_ns() - int(STALE_SECONDS * 1e9)
        with os.scandir(self.directory) as top:
            for found in top:
                if _EARLIER_LAYOUT.fullmatch(found.name) and found.is_file():
                    _remove(found.path)  # an unchecked entry of an earlier version
                elif _SCOPE.fullmatch(found.name) and found.is_dir(follow_symlinks=False):
                    entries += _scope_entries(Path(found.path), stale)
        return entries


def _scope_entries(folder: Path, stale: int) -> list[tuple[int, int, Path]]:
    entries = []
    with os.scandir(folder) as files:
        for found in files:
            try:
                facts = found.stat(follow_symlinks=False)
            except OSError:
                continue  # removed meanwhile by another process
            if not stat.S_ISREG(facts.st_mode):
                continue
            if _ENTRY.fullmatch(found.name):
                entries.append((facts.st_mtime_ns, facts.st_size, Path(found.path)))
            elif _TEMPORARY.fullmatch(found.name) and facts.st_mtime_ns < stale:
                _remove(found.path)
    return entries
