"""The HTTP of `masko-check`, made for servers that may be unfriendly: each GET has one deadline
for the whole answer (httpx's own timeouts count per read, so a trickle would never end), reads
at most MAX_ANSWER_BYTES, and turns any answer, however broken, into a value or a problem in
words. Also `Redactor`, which keeps every trace of the key out of what the check prints."""

from __future__ import annotations

import asyncio
import json
import zlib
from dataclasses import dataclass
from typing import Any

import httpx

MAX_ANSWER_BYTES = 1_000_000  # an API answer the check reads is a few kB; more is refused
MIN_KEY_PIECE = 6  # shorter runs of the key's characters are too common to hide
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True)
class Fetched:
    """One answer: its status (None when no usable answer came), its body (decoded JSON, or
    the text when it is not JSON), or the problem in words."""

    status: int | None
    body: Any = None
    problem: str | None = None


async def bounded_get(
    http: httpx.AsyncClient,
    path: str,
    *,
    deadline: float,
    params: dict[str, Any] | None = None,
    auth: Any = httpx.USE_CLIENT_DEFAULT,
) -> Fetched:
    """GET `path` and read its answer, giving up at `deadline` (the event loop's clock)."""
    left = deadline - asyncio.get_running_loop().time()
    if left <= 0:
        return Fetched(None, problem="not asked: the check's deadline had passed")
    try:
        return await asyncio.wait_for(_read(http, path, params, auth), left)
    except asyncio.TimeoutError:  # not the builtin TimeoutError on Python 3.10
        return Fetched(None, problem="no whole answer before the check's deadline")
    except httpx.HTTPError as error:
        return Fetched(None, problem=f"no answer ({type(error).__name__})")


async def _read(
    http: httpx.AsyncClient, path: str, params: dict[str, Any] | None, auth: Any
) -> Fetched:
    headers = {"Accept-Encoding": "identity"}  # raw bytes count against the cap, not inflated ones
    async with http.stream("GET", path, params=params, headers=headers, auth=auth) as response:
        data = bytearray()
        async for chunk in response.aiter_raw():
            data += chunk
            if len(data) > MAX_ANSWER_BYTES:
                return Fetched(response.status_code, problem=_too_large())
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        if encoding not in _DECODERS:
            return Fetched(response.status_code, problem=f"an answer in {encoding[:20]} encoding")
        inflated = _inflate(bytes(data), _DECODERS[encoding])
        if inflated is None:
            problem = f"a {encoding} answer that does not inflate to {_megabytes()} or less"
            return Fetched(response.status_code, problem=problem)
        data = bytearray(inflated)
    return _decoded(response.status_code, bytes(data))


def _inflate(data: bytes, wbits: int) -> bytes | None:
    """Compressed bytes inflated, None when they inflate past the cap (or do not inflate)."""
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, MAX_ANSWER_BYTES + 1)
    except zlib.error:
        return None
    return None if len(out) > MAX_ANSWER_BYTES or inflater.unconsumed_tail else out


def _decoded(status: int, data: bytes) -> Fetched:
    if not data:
        return Fetched(status, "")
    try:
        return Fetched(status, json.loads(data))
    except RecursionError:
        return Fetched(status, problem="JSON nested deeper than can be read")
    except ValueError:  # not JSON (or not UTF-8): the text, as far as it reads
        return Fetched(status, data[:200].decode("utf-8", "replace"))


def _too_large() -> str:
    return f"an answer over {_megabytes()} (reading stopped there)"


def _megabytes() -> str:
    return f"{MAX_ANSWER_BYTES / 1_000_000:g} MB"


class Redactor:
    """Hides the key, and every run of MIN_KEY_PIECE or more of its characters in a row (a
    prefix, a suffix or any middle part an error page may show), in text to be printed."""

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        self._key = key.lower()

    def __repr__(self) -> str:
        return "Redactor(key=…)"

    def __call__(self, text: str) -> str:
        key, low = self._key, text.lower()
        piece = min(MIN_KEY_PIECE, len(key))  # a key shorter than a piece is hidden whole
        hidden = [False] * len(text)
        for start in range(len(text) - piece + 1 if piece else 0):
            if low[start : start + piece] not in key:
                continue
            end = start + piece
            while end < len(text) and low[start : end + 1] in key:
                end += 1
            hidden[start:end] = [True] * (end - start)
        out, previous = [], False
        for char, hide in zip(text, hidden, strict=True):
            if not hide:
                out.append(char)
            elif not previous:
                out.append("[key hidden]")
            previous = hide
        return "".join(out)
