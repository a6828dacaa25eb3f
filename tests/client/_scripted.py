"""Transports for client tests: a scripted fake server, and a recorder for the real one."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

KEY = "masko_" + "0123456789abcdef" * 4
BASE = "https://api.test/v1"


def answer(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    """A JSON response (or an empty one when body is None)."""
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(
        status, content=content, headers={"content-type": "application/json", **headers}
    )


class Script:
    """A MockTransport handler: answers from a list of steps and records every request.

    A step is an httpx.Response, an exception to raise, or a callable taking the request.
    The last step repeats once the list runs out.
    """

    def __init__(self, *steps: Any) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(request)
        return step

    @property
    def methods(self) -> list[str]:
        return [request.method for request in self.requests]


class Recording(httpx.HTTPTransport):
    """A real HTTP transport that remembers (method, path) of every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return super().handle_request(request)

    @property
    def methods(self) -> list[str]:
        return [method for method, _ in self.requests]


class AsyncRecording(httpx.AsyncHTTPTransport):
    """A real async HTTP transport that remembers (method, path) of every request it sends
    and the path of every answer it received, and sets `long_poll` (an asyncio.Event) once a
    `?wait=true` request has gone out."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str]] = []
        self.answered: list[str] = []
        self.long_poll: asyncio.Event | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        if request.url.params.get("wait") == "true" and self.long_poll is not None:
            self.long_poll.set()
        response = await super().handle_async_request(request)
        self.answered.append(request.url.path)
        return response
