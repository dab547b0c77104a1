"""One decision → one `PUT /api/v2/tickets/{id}` body.

The triage describes what should change in the plugin's terms (`TicketChange`); this module
turns it into Zendesk's fields: `priority`, `additional_tags` / `remove_tags` (never plain
`tags`, which would overwrite what agents and triggers added), `custom_fields` by id,
`group_id`, one internal note (`comment.public = false`) and `metadata`, which Zendesk keeps
in the audit, so a retry can tell that this event's write already landed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from integrations.zendesk.ticket_fields import (
    CATEGORY_FIELD,
    DEMAND_FIELD,
    LEVEL_FIELD,
    RESPONSIBILITY_FIELD,
    SIDEBAR_FIELD,
    SUBTYPE_FIELD,
    FieldCatalog,
    category_value,
    demand_value,
    due_field_title,
    level_value,
    responsibility_value,
    subtype_value,
)

METADATA_KEY = "complaint_triage"


@dataclass
class TicketChange:
    """What one event changes on a ticket; empty parts are left out of the write."""

    priority: str | None = None
    level: int | None = None
    category: str | None = None
    subtype: str | None = None
    demand: str | None = None  # the customer's first demand (R-INTAKE-3), for views and reports
    responsible: str | None = None  # R-GRADE-6, suggested
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    due: dict[str, datetime] = field(default_factory=dict)
    group_name: str | None = None
    note: str = ""
    sidebar: str | None = None  # the sidebar app's JSON (integrations/zendesk/sidebar_data.py)

    def is_empty(self) -> bool:
        return not (
            self.priority
            or self.level
            or self.category
            or self.subtype
            or self.demand
            or self.responsible
            or self.add_tags
            or self.remove_tags
            or self.due
            or self.group_name
            or self.note
            or self.sidebar
        )


@dataclass(frozen=True)
class UpdatePayload:
    body: dict[str, Any]
    unmapped: tuple[str, ...]  # fields or groups the account lacks (bootstrap not run?)


def update_payload(
    change: TicketChange, catalog: FieldCatalog, *, event_id: str, policy_version: str
) -> UpdatePayload:
    body: dict[str, Any] = {}
    unmapped: list[str] = []
    if change.priority:
        body["priority"] = change.priority
    add_tags = list(change.add_tags)
    custom: list[dict[str, Any]] = []

    def set_field(title: str, value: str) -> None:
        field_id = catalog.field_ids.get(title)
        if field_id is None:
            unmapped.append(f"field {title!r}")
        else:
            custom.append({"id": field_id, "value": value})

    for title, value in (
        (LEVEL_FIELD, level_value(change.level) if change.level else None),
        (CATEGORY_FIELD, category_value(change.category) if change.category else None),
        (SUBTYPE_FIELD, subtype_value(change.subtype) if change.subtype else None),
        (DEMAND_FIELD, demand_value(change.demand) if change.demand else None),
        (RESPONSIBILITY_FIELD, responsibility_value(change.responsible) if change.responsible else None),
    ):
        if value is not None:
            set_field(title, value)
            add_tags.append(value)  # the drop-down's tag, also when the field is missing
    for kind, at in sorted(change.due.items()):
        set_field(due_field_title(kind), at.isoformat(timespec="seconds"))
    if change.sidebar is not None:
        set_field(SIDEBAR_FIELD, change.sidebar)

    if add_tags:
        body["additional_tags"] = sorted(dict.fromkeys(add_tags))
    if change.remove_tags:
        body["remove_tags"] = sorted(dict.fromkeys(change.remove_tags))
    if custom:
        body["custom_fields"] = custom
    if change.group_name:
        group_id = catalog.group_ids.get(change.group_name)
        if group_id is None:
            unmapped.append(f"group {change.group_name!r}")
        else:
            body["group_id"] = group_id
    if change.note:
        body["comment"] = {"body": change.note, "public": False}
    body["metadata"] = event_metadata(event_id, policy_version)
    return UpdatePayload(body=body, unmapped=tuple(unmapped))


def event_metadata(event_id: str, policy_version: str) -> dict[str, Any]:
    """The audit metadata that marks a plugin write as the one for `event_id` (see `written_by_event`)."""
    return {METADATA_KEY: {"event_id": event_id, "policy_version": policy_version}}


def written_by_event(audits: list[dict[str, Any]], event_id: str) -> bool:
    """Whether one of these audits is the plugin's write for `event_id` (see `update_payload`)."""
    for audit in audits:
        custom = (audit.get("metadata") or {}).get("custom") or {}
        marker = custom.get(METADATA_KEY)
        if isinstance(marker, dict) and marker.get("event_id") == event_id:
            return True
    return False
