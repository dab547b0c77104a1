"""`triage eval --corrections --from DAY --to DAY`: grading quality in production, as agents
corrected it (issue 14).

The audit archive is the source: each triaged complaint's latest `triage` record in the window
holds the complaint as the plugin left it, agents' corrections included. For every complaint,
what the plugin said is the value an agent replaced (the first correction's `before`), or its
value where no agent changed it; what is right is the value the ticket ended with. An uncorrected
grade counts as confirmed: the figure is what a team lead watches, not a labelled benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cli.metrics import Outcome
from policies.complaint_state import ComplaintRecord, GradeField

TRIAGE_EVENT = "triage"


@dataclass(frozen=True)
class CorrectedGrades:
    """The outcomes to score, and how many of them an agent corrected."""

    outcomes: list[Outcome]
    corrected: int


def plugin_value(record: ComplaintRecord, field: GradeField) -> str:
    """What the plugin said before any agent changed `field`."""
    first = next((c for c in record.corrections if c.field == field), None)
    return first.before if first is not None else record.grade_value(field)


def outcome_of(record: ComplaintRecord) -> Outcome:
    """One complaint: the plugin's grade (predicted) against the grade it ended with (expected)."""
    return Outcome(
        id=record.ticket_id,
        expected_level=record.level,
        predicted_level=int(plugin_value(record, "level")),
        expected_category=record.category,
        predicted_category=plugin_value(record, "category"),
        expected_subtype=record.subtype,
        predicted_subtype=plugin_value(record, "subtype"),
    )


def corrected_grades(records: Iterable[ComplaintRecord]) -> CorrectedGrades:
    """Complaints only: a text the plugin called no complaint and no agent graded has no grade to judge."""
    judged = [r for r in records if r.is_complaint or r.corrections]
    return CorrectedGrades(
        outcomes=[outcome_of(r) for r in judged], corrected=sum(1 for r in judged if r.corrections)
    )


def latest_triage_records(
    archived: Iterable[tuple[str, Mapping[str, Any]]],
) -> list[ComplaintRecord]:
    """From archive records (key, record), each ticket's latest triage decision (keys sort by time
    within a ticket, as the archive names them)."""
    latest: dict[int, tuple[str, ComplaintRecord]] = {}
    for key, stored in archived:
        decision = (stored.get("body") or {}).get("decision")
        if stored.get("event") != TRIAGE_EVENT or not isinstance(decision, Mapping):
            continue
        record = ComplaintRecord.model_validate(decision)
        current = latest.get(record.ticket_id)
        if current is None or key.rsplit("/", 1)[-1] > current[0].rsplit("/", 1)[-1]:
            latest[record.ticket_id] = (key, record)
    return [record for _, record in sorted(latest.values(), key=lambda pair: pair[1].ticket_id)]


def triage_keys(keys: Iterable[str]) -> list[str]:
    """The archive keys of triage records (`...-triage-<hash>.json`): only those are read."""
    return [key for key in keys if f"-{TRIAGE_EVENT}-" in key.rsplit("/", 1)[-1]]


def read_window(reader: Any, since: datetime, until: datetime) -> list[ComplaintRecord]:
    """Each ticket's latest triage record between `since` and `until`, from an ArchiveReader."""
    keys = triage_keys(reader.find_keys(since=since, until=until))
    return latest_triage_records((key, reader.read(key).record) for key in keys)
