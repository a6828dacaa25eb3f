"""A real HTTP transport that counts what the client sent and what came back, faults included."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import httpx


class Tally(httpx.HTTPTransport):
    """Counts requests by method, answers by status, and connections that broke.

    A response cut mid-body fails while the client reads it, after `handle_request` has
    returned, so the body stream is wrapped to count those breaks too.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.idempotency_keys: list[tuple[str, str, str]] = []
        """(method, path, Idempotency-Key) of every POST sent, retries included."""

    def add(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.add("requests")
        self.add(request.method)
        if request.method == "POST":
            with self._lock:
                self.idempotency_keys.append(
                    (request.method, request.url.path, request.headers.get("idempotency-key", ""))
                )
        try:
            response = super().handle_request(request)
        except httpx.TransportError:
            self.add("broken")
            raise
        self.add(f"status {response.status_code}")
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Watched(response.stream, lambda: self.add("broken")),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    @property
    def faults_seen(self) -> dict[str, int]:
        """Injected faults as the client met them: 429s, 500s and broken connections."""
        return {
            "429": self.counts["status 429"],
            "500": self.counts["status 500"],
            "broken": self.counts["broken"],
        }


class _Watched(httpx.SyncByteStream):
    """A response body that reports a connection cut while it is read."""

    def __init__(self, inner: httpx.SyncByteStream, on_break: object) -> None:
        self._inner = inner
        self._on_break = on_break

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except httpx.TransportError:
            self._on_break()  # type: ignore[operator]
            raise

    def close(self) -> None:
        self._inner.close()
