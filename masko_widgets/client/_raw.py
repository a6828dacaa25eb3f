"""The raw HTTP answers behind a client's results: status, headers, request id, rate limits.

`client.raw_responses()` opens a capture: every answer received inside the `with` block (in
this thread or task, and tasks it starts) is appended to the list it yields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import httpx

_capture: ContextVar[list[RawResponse] | None] = ContextVar("masko_raw_responses", default=None)


@dataclass(frozen=True)
class RawResponse:
    """One HTTP answer as received (after retries: `retries` says how many came before)."""

    method: str
    url: str
    status_code: int
    headers: Mapping[str, str] = field(repr=False)
    retries: int = 0

    @property
    def request_id(self) -> str | None:
        """The server's id of this request, to quote when asking for help."""
        return self.headers.get("x-request-id") or self.headers.get("request-id")

    @property
    def rate_limit_remaining(self) -> int | None:
        """Requests left in the current window (`X-RateLimit-Remaining`), when the API says."""
        return _integer(self.headers.get("x-ratelimit-remaining"))

    @property
    def rate_limit_reset(self) -> str | None:
        """`X-RateLimit-Reset` as sent (its unit is not documented)."""
        return self.headers.get("x-ratelimit-reset")

    def to_dict(self) -> dict[str, Any]:
        """Plain values, headers included."""
        return {
            "method": self.method,
            "url": self.url,
            "status_code": self.status_code,
            "headers": dict(self.headers),
            "retries": self.retries,
            "request_id": self.request_id,
        }


@contextmanager
def capture() -> Iterator[list[RawResponse]]:
    """Collect the raw answers received inside the block."""
    seen: list[RawResponse] = []
    token = _capture.set(seen)
    try:
        yield seen
    finally:
        _capture.reset(token)


def record(response: httpx.Response, retries: int) -> None:
    """Add an answer to the open capture, if any."""
    seen = _capture.get()
    if seen is None:
        return
    headers = {name.lower(): value for name, value in response.headers.items()}
    headers.pop("set-cookie", None)
    seen.append(
        RawResponse(
            method=response.request.method,
            url=str(response.request.url),
            status_code=response.status_code,
            headers=MappingProxyType(headers),
            retries=retries,
        )
    )


def _integer(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
