"""How long to wait before retrying an idempotent HTTP call, shared by the Zendesk and social clients."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExponentialBackoff:
    """Delay before retry number `attempt` (1-based): base * 2**(attempt-1), capped."""

    base_seconds: float = 0.5
    cap_seconds: float = 8.0

    def __call__(self, attempt: int) -> float:
        return min(self.cap_seconds, self.base_seconds * (2 ** max(0, attempt - 1)))
