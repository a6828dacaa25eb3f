"""When to send a failed request again, and how long to wait first (pure functions)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Literal

Failure = Literal["connect", "timeout", "network"]
"""How an attempt failed without a status: `connect` means the request never left."""

REPLAYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
SERVER_ERRORS = frozenset({500, 502, 503, 504})
BASE_DELAY = 0.5
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 60.0


def should_retry(
    method: str,
    *,
    attempt: int,
    max_retries: int,
    status: int | None = None,
    failure: Failure | None = None,
) -> bool:
    """Whether attempt number `attempt` (0-based) may be followed by another one.

    Any method is retried when the request was never sent (connect errors) or refused
    outright (429). Timeouts, cut connections and 5xx are retried only for methods that
    are safe to replay: a POST the server may have processed is never sent twice.
    """
    if attempt >= max_retries:
        return False
    if failure == "connect" or status == 429:
        return True
    replayable = method.upper() in REPLAYABLE_METHODS
    if failure is not None:
        return replayable
    return replayable and status in SERVER_ERRORS


def retry_delay(
    attempt: int,
    retry_after: str | None = None,
    *,
    now: datetime | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to sleep before retry number `attempt + 1`, or None to give up instead.

    A `Retry-After` header (seconds or an HTTP date) wins; above MAX_RETRY_AFTER the
    answer is None, since a caller is better told than silently parked. Otherwise it is
    `backoff(attempt)`.
    """
    hinted = _parse_retry_after(retry_after, now)
    if hinted is not None:
        return None if hinted > MAX_RETRY_AFTER else hinted
    return backoff(attempt, rand)


def backoff(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: BASE_DELAY doubled per attempt, capped, times 0.5-1."""
    return float(min(BASE_DELAY * 2**attempt, MAX_BACKOFF) * (0.5 + 0.5 * rand()))


def _parse_retry_after(value: str | None, now: datetime | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
