"""Agents' corrections of the plugin's grade, as the ticket and its audits show them (issue 14).

The plugin writes its grade into three drop-downs (level, category, subtype). When a drop-down
on the ticket no longer holds the value the plugin last wrote, someone else changed it: an agent
correcting the grade. Their value wins from then on, and the change is recorded as a labelled
example. Who changed it and when come from the ticket's audits: the latest `Change` event on that
field that set the value now shown, in an audit the plugin did not write (its writes carry the
`complaint_triage` marker in the audit metadata).

The comparison needs no extra API call; the audits are read only when something differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from integrations.zendesk.ticket_fields import (
    GRADE_FIELDS,
    LEVELS,
    FieldCatalog,
    category_value,
    level_value,
    subtype_value,
)
from integrations.zendesk.ticket_update import METADATA_KEY
from policies.complaint_state import ComplaintRecord, Correction, GradeField
from policies.taxonomy import CATEGORIES, SUBTYPES

# Drop-down option value (the tag) → the grade it stands for.
_OPTIONS: dict[GradeField, dict[str, str]] = {
    "level": {level_value(level): str(level) for level in LEVELS},
    "category": {category_value(c): c for c in CATEGORIES},
    "subtype": {subtype_value(s): s for s in SUBTYPES},
}


def grade_field_titled(title: str | None) -> GradeField | None:
    """Which grade field a drop-down of this title holds, if any."""
    return next((name for name, t in GRADE_FIELDS.items() if t == title), None)


def grade_of_option(name: GradeField, option: Any) -> str | None:
    """The grade a drop-down option value stands for (`complaint_level_1` → "1"); None if none."""
    return _OPTIONS[name].get(option) if isinstance(option, str) else None


def grade_on_ticket(ticket: Mapping[str, Any], catalog: FieldCatalog) -> dict[GradeField, str]:
    """The grade the ticket's drop-downs show now; a cleared or unknown option is left out (an
    agent clearing a field corrects nothing, and the plugin does not write it back either)."""
    shown: dict[GradeField, str] = {}
    for name, title in GRADE_FIELDS.items():
        grade = grade_of_option(name, catalog.value_of(ticket, title))
        if grade is not None:
            shown[name] = grade
    return shown


def differing_fields(record: ComplaintRecord, shown: Mapping[GradeField, str]) -> list[GradeField]:
    """The grade fields whose ticket value is not the record's (the plugin's or an agent's)."""
    return [name for name, value in shown.items() if value != record.grade_value(name)]


def corrections_found(
    record: ComplaintRecord,
    shown: Mapping[GradeField, str],
    catalog: FieldCatalog,
    read_audits: Callable[[], list[dict[str, Any]]],
    *,
    noticed_by: str,
    now: datetime,
) -> list[Correction]:
    """The agents' changes the ticket shows and the record does not know yet, with who and when
    from the audits (`read_audits` is called only if something differs)."""
    changed = differing_fields(record, shown)
    if not changed:
        return []
    audits = read_audits()
    found = []
    for name in changed:
        field_id = catalog.field_ids.get(GRADE_FIELDS[name])
        change = _latest_change(audits, field_id, _option_of(name, shown[name]))
        if change is None:
            # The plugin's own write set it (a retried event whose write landed before the record
            # was saved), or no audit says who did: not an agent's correction.
            continue
        by, at = change
        found.append(
            Correction(
                field=name,
                before=record.grade_value(name),
                after=shown[name],
                by=by,
                at=at or now,
                noticed_by=noticed_by,
            )
        )
    return found


def _option_of(name: GradeField, value: str) -> str:
    return next(option for option, grade in _OPTIONS[name].items() if grade == value)


def _latest_change(
    audits: list[dict[str, Any]], field_id: int | None, option: str
) -> tuple[int | None, datetime | None] | None:
    """Who set the field to `option` and when, from the latest audit that changed the field; None
    when that audit is the plugin's own (its metadata marker) or no audit changed the field."""
    if field_id is None:
        return None
    for audit in reversed(audits):
        changes = [
            e
            for e in audit.get("events") or []
            if e.get("type") in ("Change", "Create") and str(e.get("field_name")) == str(field_id)
        ]
        if not changes:
            continue
        custom = (audit.get("metadata") or {}).get("custom") or {}
        if METADATA_KEY in custom or changes[-1].get("value") != option:
            return None
        author = audit.get("author_id")
        return (int(author) if isinstance(author, int) else None), _parse_time(audit.get("created_at"))
    return None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
