"""Looking for a key everywhere it could leak: the needles, and haystacks built from widget
state, reprs, errors, log records and files."""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def needles(key: str) -> list[bytes]:
    """The key as text, its secret hex part, and the key base64-encoded."""
    return [key.encode(), key.removeprefix("masko_").encode(), base64.b64encode(key.encode())]


class Haystacks:
    """Named pieces of text and bytes to search; `hits` names those holding a needle."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, bytes]] = []

    def add(self, label: str, value: Any) -> None:
        for part in _flatten(value):
            self.pieces.append((label, part))

    def add_error(self, label: str, exc: BaseException) -> None:
        self.add(label, [str(exc), repr(exc), *map(str, exc.args),
                         "".join(traceback.format_exception(exc))])
        for name in ("message", "body", "code", "field", "request_id"):
            if hasattr(exc, name):
                self.add(f"{label}.{name}", getattr(exc, name))

    def add_records(self, label: str, records: Iterable[logging.LogRecord]) -> None:
        formatter = logging.Formatter()
        for record in records:
            text = [record.name, record.getMessage(), repr(record.args)]
            if record.exc_info:
                text.append(formatter.formatException(record.exc_info))
            self.add(f"{label} {record.name}", text)

    def add_files(self, label: str, folder: Path, skip: Iterable[str] = ()) -> None:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name not in set(skip):
                self.add(f"{label} {path.relative_to(folder)}", path.read_bytes())

    def hits(self, key: str) -> list[str]:
        found = []
        for label, data in self.pieces:
            if any(needle in data for needle in needles(key)):
                found.append(label)
        return found

    @property
    def size(self) -> int:
        return sum(len(data) for _label, data in self.pieces)


def _flatten(value: Any) -> Iterator[bytes]:
    """Every string and byte string inside `value`, encoded; other leaves as their repr."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        yield bytes(value)
    elif isinstance(value, str):
        yield value.encode()
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(key)
            yield from _flatten(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield json.dumps(value, default=repr).encode()
