"""A budget for our own ticket writes, so agents keep room under Zendesk's limit.

Zendesk's Update Ticket limit (100/min per account, 300 with High Volume) is
shared with every agent working in the UI. The plugin spends at most a part of
it (default 50 per 60 s) and, when that part is gone, refuses *before* sending
anything: `WriteBudgetExhausted` tells the caller how long to requeue for.
Nothing here sleeps.

`WriteBudget` is a Protocol so that a DynamoDB-backed budget, shared by all
Lambda instances of one account, can replace the in-memory one.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from integrations.zendesk.errors import WriteBudgetExhausted

__all__ = ["DEFAULT_WRITES_PER_WINDOW", "InMemoryWriteBudget", "WriteBudget", "WriteBudgetExhausted"]

DEFAULT_WRITES_PER_WINDOW = 50
DEFAULT_WINDOW_SECONDS = 60.0


@runtime_checkable
class WriteBudget(Protocol):
    """Grants one ticket write per call, or raises `WriteBudgetExhausted`."""

    def acquire(self) -> None:
        """Take one write from the budget; raise `WriteBudgetExhausted` when none is left."""
        ...


class InMemoryWriteBudget:
    """Sliding-window budget for one account inside one process.

    Good for one long-lived process and for tests; a fleet of Lambdas needs the
    shared (DynamoDB) implementation, since each instance would otherwise get a
    full budget of its own.
    """

    def __init__(
        self,
        limit: int = DEFAULT_WRITES_PER_WINDOW,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        self._limit = limit
        self._window = window_seconds
        self._clock = clock
        self._granted: deque[float] = deque()
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        return self._limit

    def remaining(self) -> int:
        """Writes still available in the current window (for metrics and tests)."""
        with self._lock:
            self._forget_expired(self._clock())
            return self._limit - len(self._granted)

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            if len(self._granted) >= self._limit:
                wait = self._granted[0] + self._window - now
                raise WriteBudgetExhausted(
                    f"ticket write budget of {self._limit} per {self._window:g}s is spent",
                    retry_after_seconds=max(1, math.ceil(wait)),
                )
            self._granted.append(now)

    def _forget_expired(self, now: float) -> None:
        while self._granted and self._granted[0] + self._window <= now:
            self._granted.popleft()

    def __repr__(self) -> str:
        return f"InMemoryWriteBudget(limit={self._limit}, window_seconds={self._window:g})"
