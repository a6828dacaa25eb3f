"""Simulated failures for reliability tests: throttling, crashes, cut connections, slowness.

The settings and the dice live here; the API applies them in `api/_fault_layer.py`, the job
runner rolls for failed jobs."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Faults:
    """Shares (0 to 1) of API requests or jobs that go wrong; all off by default.

    rate_limit: answered 429 with `Retry-After: retry_after`; server_error: answered 500;
    drop: processed, then the connection is cut mid-response; slow: delayed by `slow_seconds`;
    job_failure: jobs that fail (and are refunded). `seed` makes the draws repeatable.
    """

    rate_limit: float = 0.0
    retry_after: int = 1
    server_error: float = 0.0
    drop: float = 0.0
    job_failure: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 1.0
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("rate_limit", "server_error", "drop", "job_failure", "slow"):
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"Faults.{name} is a share between 0 and 1, got {share!r}")
        if self.retry_after < 0 or self.slow_seconds < 0:
            raise ValueError("Faults.retry_after and Faults.slow_seconds must not be negative")


class FaultDice:
    """The current fault settings and the seeded random source that applies them."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self.faults: Faults = faults or Faults()
        self._random = random.Random(self.faults.seed)

    def set(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the settings (a Faults, or changed fields of the current one)."""
        unknown = set(changes) - {f.name for f in fields(Faults)}
        if unknown:
            raise TypeError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self.faults = replace(faults or self.faults, **changes)
            self._random = random.Random(self.faults.seed)
            return self.faults

    def roll(self, name: str) -> bool:
        """Whether this request or job gets fault `name`."""
        with self._lock:
            share: float = getattr(self.faults, name)
            return share > 0 and self._random.random() < share
