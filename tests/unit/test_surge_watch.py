"""The red/yellow light (R-REVIEW-2) with an in-memory weekly count: once per category, week and colour."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from functions.triage.surge_watch import SurgeWatch
from policies.complaint_state import ComplaintRecord
from policies.engine import TriageEngine

ENGINE = TriageEngine.from_directory()
SURGE = ENGINE.policy.alerting.surge
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


class MemoryCounts:
    def __init__(self) -> None:
        self.tickets: dict[tuple[str, date], set[int]] = {}
        self.lights: set[tuple[str, date, str]] = set()

    def add(self, category: str, week: date, ticket_id: int) -> tuple[int, int]:
        self.tickets.setdefault((category, week), set()).add(ticket_id)
        last = self.tickets.get((category, week - timedelta(days=7)), set())
        return len(self.tickets[(category, week)]), len(last)

    def raise_light(self, category: str, week: date, light: str) -> bool:
        key = (category, week, light)
        fresh = key not in self.lights
        self.lights.add(key)
        return fresh


def complaint(ticket_id: int, at: datetime, category: str = "logistics") -> ComplaintRecord:
    return ComplaintRecord(
        ticket_id=ticket_id,
        level=3,
        category=category,
        subtype="late_delivery",
        emotion="normal",
        language="zh",
        policy_version="v",
        received_at=at,
    )


def test_growth_past_the_red_threshold_alerts_pr_once_that_week() -> None:
    counts = MemoryCounts()
    watch = SurgeWatch(ENGINE.policy, counts, ENGINE.calendar.zone)
    last_week = SURGE.min_volume
    # GIVEN last week had min_volume logistics complaints
    for number in range(last_week):
        watch.on_new_complaint(complaint(number, MONDAY - timedelta(days=7)))
    # WHEN this week's count grows past last week's by more than the red growth
    alerts = []
    red_at = int(last_week * (1 + SURGE.red_growth)) + 1
    for number in range(1000, 1000 + red_at + 10):
        alerts += watch.on_new_complaint(complaint(number, MONDAY + timedelta(hours=1)))
    # THEN exactly one yellow (to team leads) and one red (to PR + compliance) alert were raised
    assert sorted((a.cause, a.topic) for a in alerts) == [("surge_red", "critical"), ("surge_yellow", "sla")]
    red = next(a for a in alerts if a.cause == "surge_red")
    assert red.attributes["category"] == "logistics" and SURGE.rule in red.body


def test_a_small_week_is_no_trend() -> None:
    counts = MemoryCounts()
    watch = SurgeWatch(ENGINE.policy, counts, ENGINE.calendar.zone)
    # GIVEN nothing last week WHEN fewer than min_volume complaints arrive THEN no light
    alerts = [a for n in range(SURGE.min_volume - 1) for a in watch.on_new_complaint(complaint(n, MONDAY))]
    assert alerts == []


def test_the_week_is_the_calendar_zones_week() -> None:
    counts = MemoryCounts()
    watch = SurgeWatch(ENGINE.policy, counts, ENGINE.calendar.zone)
    # GIVEN Sunday 23:30 UTC, which is Monday 07:30 in Asia/Shanghai
    watch.on_new_complaint(complaint(1, datetime(2026, 11, 29, 23, 30, tzinfo=UTC)))
    # THEN it counts in the week starting Monday 30 November
    assert list(counts.tickets) == [("logistics", date(2026, 11, 30))]


def test_counting_the_same_ticket_twice_counts_once() -> None:
    counts = MemoryCounts()
    watch = SurgeWatch(ENGINE.policy, counts, ENGINE.calendar.zone)
    watch.on_new_complaint(complaint(7, MONDAY))
    watch.on_new_complaint(complaint(7, MONDAY))
    assert counts.tickets[("logistics", date(2026, 11, 23))] == {7}
