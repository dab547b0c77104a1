"""The red/yellow light (R-REVIEW-2): a category growing fast week on week triggers the emergency plan.

Every new complaint is counted in its category and week (in the policy calendar's zone). When
this week's count exceeds last week's by more than the policy's growth (and a minimum volume),
one alert goes out per category, week and colour: red to PR and compliance (critical), yellow to
team leads (sla).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from infra.alerts import Alert
from policies.complaint_state import ComplaintRecord
from policies.loader import Policy


class CategoryCounts(Protocol):
    def add(self, category: str, week: date, ticket_id: int) -> tuple[int, int]: ...

    def raise_light(self, category: str, week: date, light: str) -> bool: ...


class SurgeWatch:
    def __init__(self, policy: Policy, counts: CategoryCounts, zone: object) -> None:
        self._policy = policy
        self._counts = counts
        self._zone = zone

    def on_new_complaint(self, record: ComplaintRecord) -> list[Alert]:
        local_day = record.received_at.astimezone(self._zone).date()  # type: ignore[arg-type]
        week = local_day - timedelta(days=local_day.weekday())
        this_week, last_week = self._counts.add(record.category, week, record.ticket_id)
        surge = self._policy.alerting.surge
        light = surge.light(this_week, last_week)
        if light is None or not self._counts.raise_light(record.category, week, light):
            return []
        growth = "∞" if last_week == 0 else f"{(this_week - last_week) / last_week:+.0%}"
        counts = {
            "category": record.category,
            "this_week": this_week,
            "last_week": last_week,
            "growth": growth,
        }
        names = {
            language: labels.surge_red if light == "red" else labels.surge_yellow
            for language, labels in self._policy.ticket_note.labels.items()
        }
        lines = [
            f"{names[language]}: {labels.surge_line.format(**counts)}"
            for language, labels in self._policy.ticket_note.labels.items()
        ]
        en_light = names["en"]
        body = "\n".join([*lines, f"{surge.rule} · {week.isoformat()}"])
        return [
            Alert(
                topic="critical" if light == "red" else "sla",
                cause=f"surge_{light}",
                ticket_id=record.ticket_id,
                level=record.level,
                subject=f"{en_light}: {record.category} complaints {growth} week on week",
                body=body,
                attributes={"category": record.category, "week": week.isoformat(), "rule": surge.rule},
            )
        ]
