"""ASGI layers around the routes: request ids, rate-limit headers, body size, idempotency."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masko_widgets.local._checkpoints import checkpoints
from masko_widgets.local.api._errors import ApiError, bad_request
from masko_widgets.local.store import Store, hash_key

MAX_BODY = 15 * 1024 * 1024
"""Largest request body: a 10 MB image as a base64 `data:` URI fits."""

RATE_LIMIT = 20_000
RATE_WINDOW = 60.0


_NOT_API = ("/v1/files/", "/v1/previews/", "/v1/openapi.json", "/v1/docs")


def is_api_request(scope: Scope) -> bool:
    """An HTTP request to the /v1 API proper: not the OpenAPI document, docs or downloads."""
    path = scope.get("path", "")
    return scope["type"] == "http" and path.startswith("/v1/") and not path.startswith(_NOT_API)


def _bearer(scope: Scope) -> str | None:
    header = Headers(scope=scope).get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class RequestIdMiddleware:
    """Gives every request an id, kept in `request.state` and sent back as `X-Request-Id`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


class RateLimitMiddleware:
    """A fixed window of `limit` API requests per key, reported in `X-RateLimit-*` headers."""

    def __init__(self, app: ASGIApp, limit: int = RATE_LIMIT, window: float = RATE_WINDOW) -> None:
        self.app = app
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def _count(self, who: str) -> tuple[int, float]:
        """(requests left, window end as Unix time) after counting this request."""
        now = time.time()
        with self._lock:
            start, used = self._windows.get(who, (now, 0))
            if now - start >= self.window:
                start, used = now, 0
            used += 1
            self._windows[who] = (start, used)
        return self.limit - used, start + self.window

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_api_request(scope):
            await self.app(scope, receive, send)
            return
        key = _bearer(scope)
        remaining, reset = self._count(hash_key(key) if key else "anonymous")
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }
        if remaining < 0:
            wait = max(1, math.ceil(reset - time.time()))
            error = ApiError(
                429,
                f"Rate limit of {self.limit} requests per {self.window:.0f} s reached;"
                f" retry after {wait} s.",
                headers={**headers, "Retry-After": str(wait)},
            )
            await error.answer(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies over `MAX_BODY` with 413, on every route.

    A body with a Content-Length over the limit is refused before it is read. A chunked body
    (no Content-Length) is read here, up to the limit, and refused as soon as it passes it.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._too_large(scope, send)
            return
        if length is not None or "chunked" not in headers.get("transfer-encoding", "").lower():
            await self.app(scope, receive, send)  # the server holds the body to its length
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left mid-body: nobody to answer
            body += message.get("body", b"")
            if len(body) > self.limit:
                await self._too_large(scope, send)
                return
            if not message.get("more_body"):
                break
        await self.app(scope, _replay(bytes(body)), send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        error = ApiError(
            413,
            f"The request body is over {self.limit // 2**20} MB, the most the API takes;"
            " send a smaller image.",
        )
        await error.answer(scope, _replay(b""), send)


@dataclass(frozen=True)
class IdempotencyKey:
    """A POST's `Idempotency-Key` and the fingerprint of its path, query and body."""

    key: str
    fingerprint: str


def idempotency(request: Request) -> IdempotencyKey | None:
    """The `Idempotency-Key` of this request as the middleware checked it, if it had one."""
    return getattr(request.state, "idempotency", None)


class IdempotencyMiddleware:
    """Replays the first answer to a POST carrying the same `Idempotency-Key` and body.

    Keys are per workspace and kept 24 h; the same key with another body is 400. Answers
    of 5xx are not kept, so a retry after a server error runs again.
    """

    def __init__(self, app: ASGIApp, store: Store, workspace_for_key: Callable[[str], str | None]):
        self.app = app
        self.store = store
        self.workspace_for_key = workspace_for_key
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get("idempotency-key") if scope["type"] == "http" else None
        api_key = _bearer(scope) if key is not None else None
        workspace = self.workspace_for_key(api_key) if api_key else None
        if scope.get("method") != "POST" or key is None or workspace is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255:
            error = bad_request("Idempotency-Key", "`Idempotency-Key` must be 1 to 255 characters.")
            await error.answer(scope, receive, send)
            return
        body = await _read_body(receive)
        try:
            fingerprint = _fingerprint(scope, body)
        except RecursionError:
            error = bad_request(
                "body", "The request body nests JSON too deeply; send a flat object."
            )
            await error.answer(scope, _replay(b""), send)
            return
        slot = (workspace, key)
        lock, users = self._locks.get(slot, (asyncio.Lock(), 0))
        self._locks[slot] = (lock, users + 1)
        try:
            async with lock:
                await self._answer(scope, send, workspace, key, fingerprint, body)
        finally:
            lock, users = self._locks[slot]
            if users == 1:
                del self._locks[slot]
            else:
                self._locks[slot] = (lock, users - 1)

    async def _answer(
        self, scope: Scope, send: Send, workspace: str, key: str, fingerprint: str, body: bytes
    ) -> None:
        record = self.store.idempotent_answer(workspace, key)
        used_for = (
            record["fingerprint"] if record else self.store.claimed_fingerprint(workspace, key)
        )
        if used_for is not None and used_for != fingerprint:
            error = bad_request(
                "Idempotency-Key",
                "This `Idempotency-Key` was already used with another request; use a new key"
                " for a new request.",
            )
            await error.answer(scope, _replay(b""), send)
            return
        if record is not None:
            headers = [(k.encode(), v.encode()) for k, v in json.loads(record["headers"])]
            headers.append((b"idempotent-replayed", b"true"))
            await send(
                {"type": "http.response.start", "status": record["status"], "headers": headers}
            )
            await send({"type": "http.response.body", "body": record["body"]})
            return
        status = 0
        kept: list[tuple[str, str]] = []
        parts: list[bytes] = []

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                kept.extend(
                    (k.decode(), v.decode())
                    for k, v in message.get("headers", [])
                    if k.lower() in (b"content-type", b"location")
                )
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body") and status < 500:
                    await run_in_threadpool(
                        self.store.remember_answer,
                        workspace,
                        key,
                        fingerprint,
                        status,
                        kept,
                        b"".join(parts),
                    )
                    checkpoints.reach("idempotency.recorded")
            await send(message)

        scope.setdefault("state", {})["idempotency"] = IdempotencyKey(key, fingerprint)
        await self.app(scope, _replay(body), recording_send)


def _fingerprint(scope: Scope, body: bytes) -> str:
    """What makes two POSTs "the same request": path, query and body content.

    JSON is compared by value and multipart bodies without their random boundary, so a
    client resending the same request matches even if it re-encodes it.
    """
    content_type = Headers(scope=scope).get("content-type", "")
    if content_type.startswith("application/json"):
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), sort_keys=True).encode()
    elif "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].split(";", 1)[0].strip('"')
        if boundary:
            body = body.replace(boundary.encode(), b"")
    query = scope.get("query_string", b"")
    return hashlib.sha256(b"%s?%s\n%s" % (scope["path"].encode(), query, body)).hexdigest()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A `receive` that hands the app a body already read."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # like a client that stays connected
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
