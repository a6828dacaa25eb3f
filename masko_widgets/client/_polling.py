"""Waiting for a job: long-polls under one deadline, as a plan both clients carry out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ._errors import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    RateLimitError,
)
from ._models import Job
from ._plans import Pause, Plan
from ._retry import backoff
from ._wire import Call

SERVER_HOLD = 25.0
"""How long the stand-in holds a `?wait=true` request at most (the real hold is unknown)."""
READ_MARGIN = 10.0
"""Extra read time on top of the hold, so a held request is never cut short."""
MAX_READ = 120.0
"""The longest read timeout a long-poll grows to when a server holds longer than expected."""
QUICK_ANSWER = 1.0
"""An answer faster than this did not hold: pause before asking again."""
MAX_PAUSE = 5.0
MAX_OUTAGE = 60.0
"""How long a wait rides out a server it cannot reach (a restart, a blip) before giving up."""

_KEPT = ("type", "collection_id", "item_id", "item_name", "cost_credits", "asset_ids", "urls")
"""Fields a job answer may leave out that the 202 answer already told."""


def wait_plan(
    job_id: str,
    parse: Callable[[Any], Job],
    *,
    timeout: float,
    on_progress: Callable[[Job], None] | None = None,
    known: Job | None = None,
) -> Plan[Job]:
    """Poll until the job leaves pending/processing; return it if completed.

    Raises JobFailedError for any other final state and JobTimeoutError once `timeout`
    seconds have passed. A long-poll that outlasts the read timeout means "still running":
    it is asked again (with a longer read timeout) until the deadline. Transient errors
    (connection, 5xx, 429) are retried for up to MAX_OUTAGE seconds in a row. Fields the
    job answer leaves out (asset ids, urls, item) are kept from `known`, the 202's job.
    """
    started = time.monotonic()
    deadline = started + timeout
    pause = QUICK_ANSWER / 2
    read = SERVER_HOLD + READ_MARGIN
    failing_since: float | None = None
    failures = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise JobTimeoutError(job_id, time.monotonic() - started)
        asked = time.monotonic()
        try:
            answer = yield _long_poll(job_id, min(read, remaining))
        except APITimeoutError:
            read = min(read * 2, MAX_READ)  # held longer than we read: ask again, read longer
            if time.monotonic() - asked < QUICK_ANSWER:  # not a hold: do not hammer
                yield Pause(_until(pause, deadline))
            continue
        except (APIConnectionError, InternalServerError, RateLimitError) as exc:
            failing_since = failing_since or time.monotonic()
            if time.monotonic() - failing_since > MAX_OUTAGE:
                raise
            hint = getattr(exc, "retry_after", None)
            yield Pause(_until(hint if hint is not None else backoff(failures), deadline))
            failures += 1
            continue
        failing_since, failures = None, 0
        job = completed_from(parse(answer.data), known)
        if on_progress is not None:
            on_progress(job)
        if job.done:
            return final_result(job)
        if time.monotonic() - asked < QUICK_ANSWER:
            yield Pause(_until(pause, deadline))
            pause = min(pause * 1.5, MAX_PAUSE)
        else:
            pause = QUICK_ANSWER / 2


def _long_poll(job_id: str, read_timeout: float) -> Call:
    """One `?wait=true` request; its failures are the wait's to handle, not retried below."""
    return Call(
        "GET",
        f"/jobs/{job_id}",
        params={"wait": "true"},
        read_timeout=read_timeout,
        max_retries=0,
    )


def completed_from(job: Job, known: Job | None) -> Job:
    """`job`, with what it leaves out filled in from `known` (the same job seen earlier)."""
    if known is None:
        return job
    missing = {name: getattr(known, name) for name in _KEPT if not getattr(job, name)}
    filled = {name: value for name, value in missing.items() if value}
    return replace(job, **filled) if filled else job


def final_result(job: Job) -> Job:
    """A finished job if it completed; JobFailedError for any other final state."""
    if job.status != "completed":
        raise JobFailedError(job)
    return job


def _until(seconds: float, deadline: float) -> float:
    return max(0.0, min(seconds, deadline - time.monotonic()))
