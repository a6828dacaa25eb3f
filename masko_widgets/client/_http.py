"""The two drivers: carry out the steps of `_wire.attempts` and of plans, blocking or awaited.

Nothing here decides anything (retries, keys, errors, waits and pages are decided in
`_wire.py`, `_plans.py` and `_polling.py`); each driver only sends, sleeps and hands answers
back. `HTTP` is thread-safe; `AsyncHTTP` belongs to the event loop that first uses it.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import httpx

from ._auth import ApiKey, BearerAuth, origin
from ._errors import MaskoError, WaitCancelledError
from ._plans import NO_ANSWER, Emit, Pages, Pause, Plan, advance
from ._wire import USER_AGENT, Answer, Attempts, Call, Options, Send, answer_of, attempts

T = TypeVar("T")
E = TypeVar("E")

CANCEL_CHECK = 0.1
"""How often a blocking wait with a cancel event looks at it while a request is in flight."""


class _Driver:
    """What both drivers share: the base URL, the options, and the pooled httpx client."""

    _client: httpx.Client | httpx.AsyncClient

    def __init__(self, api_key: ApiKey, base_url: str, options: Options) -> None:
        self.api_key = api_key  # masked in every repr; only BearerAuth reads the key
        self.base_url = base_url.rstrip("/")
        self.options = options

    def _http_settings(self, api_key: ApiKey) -> dict[str, Any]:
        return {
            "timeout": self.options.timeouts(),
            "headers": {"User-Agent": USER_AGENT},
            "auth": BearerAuth(api_key, origin(self.base_url)),
        }

    def _attempts(self, call: Call) -> Attempts:
        return attempts(self._client, self.base_url, call, self.options)

    def _derived(self: Any, **changes: Any) -> Any:
        """A copy with other options that shares this one's connection pool."""
        derived = copy.copy(self)
        derived.options = Options(**{**vars(self.options), **changes})
        return derived


class HTTP(_Driver):
    """Blocking driver on one pooled, thread-safe `httpx.Client`."""

    _client: httpx.Client

    def __init__(
        self, *, api_key: ApiKey, base_url: str, options: Options, transport: Any = None
    ) -> None:
        super().__init__(api_key, base_url, options)
        self._client = httpx.Client(transport=transport, **self._http_settings(api_key))

    def with_options(self, **changes: Any) -> HTTP:
        derived: HTTP = self._derived(**changes)
        return derived

    def close(self) -> None:
        self._client.close()

    def send(self, call: Call) -> httpx.Response:
        """Carry out the attempts of one call; the successful response."""
        steps = self._attempts(call)
        reply: httpx.Response | None = None
        error: httpx.TransportError | None = None
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(reply)
            except StopIteration as stop:
                response: httpx.Response = stop.value
                return response
            reply, error = None, None
            if not isinstance(step, Send):
                time.sleep(step.seconds)
                continue
            try:
                reply = self._client.send(step.request, follow_redirects=step.follow_redirects)
            except httpx.TransportError as exc:
                error = exc

    def request(self, call: Call) -> Answer:
        return answer_of(self.send(call))

    def download(self, url: str) -> bytes:
        """A file's bytes; the key is sent only to the API's own origin."""
        return self.send(Call("GET", url, follow_redirects=True)).content

    def run(self, plan: Plan[T], cancel: threading.Event | None = None, job_id: str = "") -> T:
        """Carry out a plan; with `cancel`, stop within CANCEL_CHECK of it being set."""
        reply: Answer | None = None
        error: MaskoError | None = None
        try:
            while True:
                try:
                    step = advance(plan, reply, error)
                except StopIteration as stop:
                    result: T = stop.value
                    return result
                reply, error = NO_ANSWER, None
                try:
                    if isinstance(step, Pause):
                        _sleep(step.seconds, cancel, job_id)
                    else:
                        reply = _cancellable(lambda: self.request(step), cancel, job_id)  # noqa: B023
                except WaitCancelledError:
                    raise
                except MaskoError as exc:
                    error = exc
        finally:
            plan.close()

    def iterate(self, listing: Pages[E]) -> Iterator[E]:
        """The entries of a listing, fetching each page when the previous one is used up."""
        reply: Answer | None = None
        error: MaskoError | None = None
        try:
            while True:
                try:
                    step = advance(listing, reply, error)
                except StopIteration:
                    return
                reply, error = None, None
                if isinstance(step, Emit):
                    yield step.value
                    continue
                try:
                    reply = self.request(step)
                except MaskoError as exc:
                    error = exc
        finally:
            listing.close()


class AsyncHTTP(_Driver):
    """Awaited driver on one pooled `httpx.AsyncClient`; cancelling the task stops it."""

    _client: httpx.AsyncClient

    def __init__(
        self, *, api_key: ApiKey, base_url: str, options: Options, transport: Any = None
    ) -> None:
        super().__init__(api_key, base_url, options)
        self._client = httpx.AsyncClient(transport=transport, **self._http_settings(api_key))

    def with_options(self, **changes: Any) -> AsyncHTTP:
        derived: AsyncHTTP = self._derived(**changes)
        return derived

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, call: Call) -> httpx.Response:
        """Carry out the attempts of one call; the successful response."""
        steps = self._attempts(call)
        reply: httpx.Response | None = None
        error: httpx.TransportError | None = None
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(reply)
            except StopIteration as stop:
                response: httpx.Response = stop.value
                return response
            reply, error = None, None
            if not isinstance(step, Send):
                await asyncio.sleep(step.seconds)
                continue
            try:
                reply = await self._client.send(
                    step.request, follow_redirects=step.follow_redirects
                )
            except httpx.TransportError as exc:
                error = exc

    async def request(self, call: Call) -> Answer:
        return answer_of(await self.send(call))

    async def download(self, url: str) -> bytes:
        """A file's bytes; the key is sent only to the API's own origin."""
        return (await self.send(Call("GET", url, follow_redirects=True))).content

    async def run(self, plan: Plan[T]) -> T:
        """Carry out a plan; cancelling the awaiting task stops it at once."""
        reply: Answer | None = None
        error: MaskoError | None = None
        try:
            while True:
                try:
                    step = advance(plan, reply, error)
                except StopIteration as stop:
                    result: T = stop.value
                    return result
                reply, error = NO_ANSWER, None
                try:
                    if isinstance(step, Pause):
                        await asyncio.sleep(step.seconds)
                    else:
                        reply = await self.request(step)
                except MaskoError as exc:
                    error = exc
        finally:
            plan.close()

    async def iterate(self, listing: Pages[E]) -> AsyncIterator[E]:
        """The entries of a listing, fetching each page when the previous one is used up."""
        reply: Answer | None = None
        error: MaskoError | None = None
        try:
            while True:
                try:
                    step = advance(listing, reply, error)
                except StopIteration:
                    return
                reply, error = None, None
                if isinstance(step, Emit):
                    yield step.value
                    continue
                try:
                    reply = await self.request(step)
                except MaskoError as exc:
                    error = exc
        finally:
            listing.close()


def _sleep(seconds: float, cancel: threading.Event | None, job_id: str) -> None:
    if cancel is None:
        time.sleep(seconds)
    elif cancel.wait(seconds):
        raise WaitCancelledError(job_id)


def _cancellable(call: Callable[[], T], cancel: threading.Event | None, job_id: str) -> T:
    """Run `call`; with a cancel event, run it on a helper thread and stop waiting on cancel.

    A blocking HTTP read cannot be interrupted, so the request is left to finish in the
    background (at most one hold later) and its answer is dropped.
    """
    if cancel is None:
        return call()
    if cancel.is_set():
        raise WaitCancelledError(job_id)
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            finished.set()

    context = contextvars.copy_context()  # so a raw_responses() capture sees its answer
    threading.Thread(
        target=context.run, args=(run,), name=f"masko-wait-{job_id}", daemon=True
    ).start()
    while not finished.wait(CANCEL_CHECK):
        if cancel.is_set():
            raise WaitCancelledError(job_id)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
