"""Sliding-window request counters for the sandbox's 429 responses.

Zendesk counts requests per account per minute, and separately limits
Update Ticket per account and per ticket and user. A window remembers when
each admitted request happened; a request that would exceed the limit is
refused with the whole seconds until the oldest one leaves the window.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class Admission:
    """Outcome of asking a window for room."""

    admitted: bool
    limit: int
    remaining: int
    retry_after: int = 0


class SlidingWindow:
    """At most `limit` events per `window_seconds` for each key.

    Not thread-safe on purpose: the sandbox calls it under its own lock.
    """

    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float]) -> None:
        self._limit = limit
        self._window = window_seconds
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}

    def check(self, key: Hashable = None) -> Admission:
        """Would one more event fit now? Does not record it."""
        now = self._clock()
        events = self._live(key, now)
        if len(events) >= self._limit:
            wait = events[0] + self._window - now
            return Admission(False, self._limit, 0, max(1, math.ceil(wait)))
        return Admission(True, self._limit, self._limit - len(events) - 1)

    def record(self, key: Hashable = None) -> None:
        self._events.setdefault(key, deque()).append(self._clock())

    def _live(self, key: Hashable, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] + self._window <= now:
            events.popleft()
        return events
