"""Table tests for the retry decision and delay."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from masko_widgets.client._retry import backoff, retry_delay, should_retry


@pytest.mark.parametrize(
    ("method", "status", "failure", "attempt", "expected"),
    [
        # the request never left, or the server refused it outright: any method
        ("POST", None, "connect", 0, True),
        ("GET", None, "connect", 0, True),
        ("POST", 429, None, 0, True),
        ("DELETE", 429, None, 1, True),
        # the server may have done the work: only methods safe to replay
        ("POST", None, "timeout", 0, False),
        ("POST", None, "network", 0, False),
        ("POST", 500, None, 0, False),
        ("POST", 503, None, 0, False),
        ("GET", None, "timeout", 0, True),
        ("GET", None, "network", 0, True),
        ("GET", 500, None, 0, True),
        ("GET", 502, None, 0, True),
        ("GET", 503, None, 0, True),
        ("GET", 504, None, 0, True),
        ("DELETE", 500, None, 0, True),
        ("delete", None, "timeout", 0, True),
        # never retried: the request itself is wrong, or 5xx that will not change
        ("GET", 400, None, 0, False),
        ("GET", 401, None, 0, False),
        ("POST", 402, None, 0, False),
        ("GET", 403, None, 0, False),
        ("GET", 404, None, 0, False),
        ("GET", 409, None, 0, False),
        ("GET", 410, None, 0, False),
        ("POST", 413, None, 0, False),
        ("GET", 501, None, 0, False),
        # the budget is spent
        ("GET", 500, None, 2, False),
        ("POST", None, "connect", 2, False),
        ("POST", 429, None, 2, False),
    ],
)
def test_should_retry(method, status, failure, attempt, expected):
    assert (
        should_retry(method, attempt=attempt, max_retries=2, status=status, failure=failure)
        is expected
    )


def test_no_retries_when_budget_is_zero():
    assert not should_retry("GET", attempt=0, max_retries=0, failure="connect")


NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", 0.0),
        ("1", 1.0),
        ("2.5", 2.5),
        ("60", 60.0),
        ("-3", 0.0),
        ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),
        ("Thu, 01 Jan 2026 11:59:00 GMT", 0.0),
        # above the cap: give up rather than park the caller
        ("61", None),
        ("3600", None),
        ("Thu, 01 Jan 2026 13:00:00 GMT", None),
    ],
)
def test_retry_after_is_honoured_with_a_cap(header, expected):
    assert retry_delay(0, header, now=NOW, rand=lambda: 1.0) == expected


@pytest.mark.parametrize("header", [None, "", "soon", "Mon, 99 Foo"])
def test_unusable_retry_after_falls_back_to_backoff(header):
    assert retry_delay(1, header, now=NOW, rand=lambda: 1.0) == backoff(1, lambda: 1.0)


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(0, 0.25, 0.5), (1, 0.5, 1.0), (2, 1.0, 2.0), (3, 2.0, 4.0), (4, 4.0, 8.0), (10, 4.0, 8.0)],
)
def test_backoff_doubles_with_jitter_and_a_cap(attempt, low, high):
    assert backoff(attempt, lambda: 0.0) == low
    assert backoff(attempt, lambda: 1.0) == high
    assert low <= backoff(attempt) <= high
