"""The ASGI layer that applies the fault dice to API requests, and the quiet log for its cuts."""

from __future__ import annotations

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masko_widgets.local._faults import FaultDice
from masko_widgets.local.api._errors import ApiError
from masko_widgets.local.api._middleware import is_api_request


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
