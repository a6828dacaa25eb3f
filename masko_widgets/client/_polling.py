"""Waiting for a job: long-polls under one deadline, with progress and a prompt cancel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from ._errors import (
    APIConnectionError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    RateLimitError,
    WaitCancelledError,
)
from ._models import Job
from ._retry import backoff

T = TypeVar("T")

SERVER_HOLD = 25.0
"""How long the server holds a `?wait=true` request at most."""
READ_MARGIN = 10.0
"""Extra read time on top of the hold, so a held request is never cut short."""
QUICK_ANSWER = 1.0
"""An answer faster than this did not hold: pause before asking again."""
MAX_PAUSE = 5.0
MAX_OUTAGE = 60.0
"""How long a wait rides out a server it cannot reach (a restart, a blip) before giving up."""
CANCEL_CHECK = 0.1
"""How often a wait with a cancel event looks at it while a long-poll is in flight."""

Fetch = Callable[[float], Job]
"""Long-polls the job once, with the given read timeout in seconds."""


def wait_for_job(
    fetch: Fetch,
    job_id: str,
    *,
    timeout: float,
    on_progress: Callable[[Job], None] | None = None,
    cancel: threading.Event | None = None,
) -> Job:
    """Poll until the job leaves pending/processing; return it if completed.

    Raises JobFailedError for any other final state, JobTimeoutError once `timeout`
    seconds have passed, and WaitCancelledError within CANCEL_CHECK of `cancel` being set.
    Transient errors (connection, 5xx, 429) are retried inside the deadline for up to
    MAX_OUTAGE seconds in a row, so a wait outlives a server restart.
    """
    started = time.monotonic()
    deadline = started + timeout
    pause = QUICK_ANSWER / 2
    failures = 0
    failing_since = 0.0
    while True:
        _check(cancel, job_id)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise JobTimeoutError(job_id, time.monotonic() - started)
        asked = time.monotonic()
        read_timeout = min(SERVER_HOLD + READ_MARGIN, remaining)
        try:
            job = _cancellable(lambda: fetch(read_timeout), cancel, job_id)  # noqa: B023
        except (APIConnectionError, InternalServerError, RateLimitError) as exc:
            if failures == 0:
                failing_since = time.monotonic()
            failures += 1
            if time.monotonic() - failing_since > MAX_OUTAGE:
                raise
            if time.monotonic() < deadline:
                hint = getattr(exc, "retry_after", None)
                delay = hint if hint is not None else backoff(failures - 1)
                _sleep(delay, deadline, cancel, job_id)
            continue
        failures = 0
        if on_progress is not None:
            on_progress(job)
        if job.done:
            return final_result(job)
        if time.monotonic() - asked < QUICK_ANSWER:
            _sleep(pause, deadline, cancel, job_id)
            pause = min(pause * 1.5, MAX_PAUSE)
        else:
            pause = QUICK_ANSWER / 2


def final_result(job: Job) -> Job:
    """A finished job if it completed; JobFailedError for any other final state."""
    if job.status != "completed":
        raise JobFailedError(job)
    return job


def _check(cancel: threading.Event | None, job_id: str) -> None:
    if cancel is not None and cancel.is_set():
        raise WaitCancelledError(job_id)


def _sleep(seconds: float, deadline: float, cancel: threading.Event | None, job_id: str) -> None:
    seconds = max(0.0, min(seconds, deadline - time.monotonic()))
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
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=run, name=f"masko-wait-{job_id}", daemon=True).start()
    while not finished.wait(CANCEL_CHECK):
        _check(cancel, job_id)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
