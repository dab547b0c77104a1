"""Random faults for the fault benchmark: the sandbox misbehaving the ways a real account can.

Each authenticated API request, independently and reproducibly (seeded):
- answered 500, 502 or 503 before anything happens (`error_rate`);
- answered 429 with Retry-After while a throttling burst is on (a burst starts every
  `throttle_every_seconds` and lasts `throttle_seconds`);
- answered only after `slow_seconds` (`slow_rate`), past a client's timeout, although what it asked
  for has happened: the write landed, the client does not know it;
and each webhook delivery is sent twice (`duplicate_rate`), as Zendesk may.
Requests carrying the `EXEMPT_HEADER` header (the benchmark's own setup and reading) are never faulted.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass, field

EXEMPT_HEADER = "x-sandbox-no-faults"


@dataclass(frozen=True)
class FaultPlan:
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    throttle_every_seconds: float = 0.0
    throttle_seconds: float = 0.0
    retry_after_seconds: int = 2
    duplicate_rate: float = 0.0
    seed: int = 0


@dataclass
class FaultDraw:
    """What one request gets: an error status (None: no error) and a delay before the answer."""

    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0


@dataclass
class Faults:
    """A fault plan being applied: draws are thread-safe and counted."""

    plan: FaultPlan
    started: float
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    counts: dict[str, int] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.plan.seed)

    def draw(self, now: float) -> FaultDraw:
        plan = self.plan
        with self._lock:
            if plan.throttle_every_seconds > 0 and plan.throttle_seconds > 0:
                phase = math.fmod(now - self.started, plan.throttle_every_seconds)
                if phase < plan.throttle_seconds:
                    self._count("429")
                    return FaultDraw(status=429, retry_after=plan.retry_after_seconds)
            roll = self._random.random()
            if roll < plan.error_rate:
                status = self._random.choice(plan.error_statuses)
                self._count(str(status))
                return FaultDraw(status=status)
            if self._random.random() < plan.slow_rate:
                self._count("slow")
                return FaultDraw(delay=plan.slow_seconds)
            return FaultDraw()

    def duplicate(self) -> bool:
        with self._lock:
            if self._random.random() < self.plan.duplicate_rate:
                self._count("duplicate delivery")
                return True
            return False

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
