"""Simulated failures for reliability tests: throttling, crashes, cut connections, slowness."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from dataclasses import dataclass, fields, replace
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masko_widgets.local._errors import ApiError
from masko_widgets.local._middleware import is_api_request


@dataclass(frozen=True)
class Faults:
    """Shares (0 to 1) of API requests or jobs that go wrong; all off by default.

    rate_limit: answered 429 with `Retry-After: retry_after`; server_error: answered 500;
    drop: processed, then the connection is cut mid-response; slow: delayed by `slow_seconds`;
    job_failure: jobs that fail (and are refunded). `seed` makes the draws repeatable.
    """

    rate_limit: float = 0.0
    retry_after: int = 1
    server_error: float = 0.0
    drop: float = 0.0
    job_failure: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 1.0
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("rate_limit", "server_error", "drop", "job_failure", "slow"):
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"Faults.{name} is a share between 0 and 1, got {share!r}")
        if self.retry_after < 0 or self.slow_seconds < 0:
            raise ValueError("Faults.retry_after and Faults.slow_seconds must not be negative")


class FaultDice:
    """The current fault settings and the seeded random source that applies them."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self.faults = faults or Faults()
        self._random = random.Random(self.faults.seed)

    def set(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the settings (a Faults, or changed fields of the current one)."""
        unknown = set(changes) - {f.name for f in fields(Faults)}
        if unknown:
            raise TypeError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self.faults = replace(faults or self.faults, **changes)
            self._random = random.Random(self.faults.seed)
            return self.faults

    def roll(self, name: str) -> bool:
        """Whether this request or job gets fault `name`."""
        with self._lock:
            share: float = getattr(self.faults, name)
            return share > 0 and self._random.random() < share


class DroppedConnection(Exception):
    """Raised after half a response so the server closes the connection."""


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


def quiet_dropped_connections() -> None:
    """Keep deliberate connection cuts out of the server's error log."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in logger.filters):
        logger.addFilter(_QuietDrops())


class FaultMiddleware:
    """Applies the dice to /v1 API requests (not the OpenAPI document, not file downloads)."""

    def __init__(self, app: ASGIApp, dice: FaultDice) -> None:
        self.app = app
        self.dice = dice

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_api_request(scope):
            await self.app(scope, receive, send)
            return
        if self.dice.roll("rate_limit"):
            seconds = self.dice.faults.retry_after
            error = ApiError(
                429,
                f"Too many requests; retry after {seconds} s.",
                headers={"Retry-After": str(seconds)},
            )
            await error.answer(scope, receive, send)
            return
        if self.dice.roll("server_error"):
            error = ApiError(500, "Internal error (simulated); retry after a delay.")
            await error.answer(scope, receive, send)
            return
        if self.dice.roll("slow"):
            await asyncio.sleep(self.dice.faults.slow_seconds)
        if self.dice.roll("drop"):
            await self.app(scope, receive, _cut_short(send))
            return
        await self.app(scope, receive, send)


def _cut_short(send: Send) -> Send:
    """A `send` that forwards the headers and half the body, then breaks the connection."""
    start: Message | None = None
    body = b""

    async def cut(message: Message) -> None:
        nonlocal start, body
        if message["type"] == "http.response.start":
            start = message
            return
        body += message.get("body", b"")
        if message.get("more_body"):
            return
        assert start is not None
        await send(start)
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        raise DroppedConnection

    return cut
