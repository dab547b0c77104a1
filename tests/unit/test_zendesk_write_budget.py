"""The in-memory ticket-write budget: a sliding window that refuses instead of sleeping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.zendesk.errors import WriteBudgetExhausted, ZendeskRetryLater
from integrations.zendesk.write_budget import DEFAULT_WRITES_PER_WINDOW, InMemoryWriteBudget, WriteBudget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_default_is_half_of_zendesk_update_ticket_limit() -> None:
    # GIVEN Zendesk's Update Ticket limit of 100 per minute THEN we take half by default
    assert DEFAULT_WRITES_PER_WINDOW == 50
    assert isinstance(InMemoryWriteBudget(), WriteBudget)


def test_refuses_when_spent_and_says_when_a_slot_frees() -> None:
    # GIVEN a budget of 2 per 60 s with writes at t=0 and t=10
    clock = Clock()
    budget = InMemoryWriteBudget(limit=2, window_seconds=60, clock=clock)
    budget.acquire()
    clock.now += 10
    budget.acquire()
    # WHEN a third write comes at t=25
    clock.now += 15
    with pytest.raises(WriteBudgetExhausted) as spent:
        budget.acquire()
    # THEN the oldest slot frees at t=60, 35 s from now; the error is a retry-later
    assert spent.value.retry_after_seconds == 35
    assert isinstance(spent.value, ZendeskRetryLater)
    # AND at t=60 the write goes through, leaving nothing
    clock.now += 35
    budget.acquire()
    assert budget.remaining() == 0


def test_fractional_waits_round_up_to_at_least_one_second() -> None:
    clock = Clock()
    budget = InMemoryWriteBudget(limit=1, window_seconds=1.5, clock=clock)
    budget.acquire()
    clock.now += 1.4
    with pytest.raises(WriteBudgetExhausted) as spent:
        budget.acquire()
    assert spent.value.retry_after_seconds == 1


@pytest.mark.parametrize("kwargs", [{"limit": 0}, {"window_seconds": 0}])
def test_nonsense_budgets_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        InMemoryWriteBudget(**kwargs)  # type: ignore[arg-type]


@given(
    limit=st.integers(min_value=1, max_value=5),
    gaps=st.lists(st.floats(min_value=0, max_value=30, allow_nan=False), min_size=1, max_size=40),
)
def test_never_grants_more_than_the_limit_in_any_window(limit: int, gaps: list[float]) -> None:
    # GIVEN write attempts at arbitrary times
    clock = Clock()
    budget = InMemoryWriteBudget(limit=limit, window_seconds=60, clock=clock)
    granted: list[float] = []
    for gap in gaps:
        clock.now += gap
        try:
            budget.acquire()
            granted.append(clock.now)
        except WriteBudgetExhausted as spent:
            # THEN a refusal only happens when the window is really full, and the wait frees a slot
            in_window = [t for t in granted if t > clock.now - 60]
            assert len(in_window) >= limit
            assert min(in_window) + 60 <= clock.now + spent.retry_after_seconds
    # THEN no 60 s window holds more than `limit` granted writes
    for start in granted:
        assert sum(1 for t in granted if start <= t < start + 60) <= limit
