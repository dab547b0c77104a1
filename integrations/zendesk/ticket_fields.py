"""The custom ticket fields the plugin owns, and how their ids are found in an account.

Zendesk has no writable SLA due date on a ticket, so exact due times go into **text** fields
(ISO-8601 with offset; date fields would drop the time of day), and the level, category and
sub-type into drop-downs that views, triggers and native SLA policies can match. Drop-down
option values are also the tags Zendesk adds for them (`complaint_level_1`, ...).

Ticket fields have no stable key in the API, so the plugin finds its fields by title. The
bootstrap creates them with exactly these titles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from policies.complaint_state import GradeField
from policies.intake import DemandKind, Party
from policies.taxonomy import CATEGORIES, SUBTYPES, DeadlineKind

LEVEL_FIELD = "Complaint level"
CATEGORY_FIELD = "Complaint category"
SUBTYPE_FIELD = "Complaint subtype"
DEMAND_FIELD = "Complaint demand"
RESPONSIBILITY_FIELD = "Complaint responsibility"
DEMANDS: tuple[DemandKind, ...] = get_args(DemandKind)
PARTIES: tuple[Party, ...] = get_args(Party)
SLA_STATE_FIELD = "Complaint SLA state"
# The sidebar app's data (issue 15): reasons with the customer's words and remedies, as JSON.
SIDEBAR_FIELD = "Complaint triage data"
# When the public post behind a social ticket was written: R-SLA-9 counts from it, not from the
# ticket's creation (a post can be found many minutes after it went up).
SOCIAL_POST_TIME_FIELD = "Social post time"
DUE_FIELD_PREFIX = "Complaint due: "
DEADLINE_KINDS: tuple[DeadlineKind, ...] = get_args(DeadlineKind)
LEVELS = (1, 2, 3)
# The drop-downs that hold the plugin's grade: an agent changing one corrects it (issue 14).
GRADE_FIELDS: dict[GradeField, str] = {
    "level": LEVEL_FIELD,
    "category": CATEGORY_FIELD,
    "subtype": SUBTYPE_FIELD,
}


def due_field_title(kind: str) -> str:
    return DUE_FIELD_PREFIX + kind.replace("_", " ")


def level_value(level: int) -> str:
    return f"complaint_level_{level}"


def category_value(category: str) -> str:
    return f"complaint_category_{category}"


def subtype_value(subtype: str) -> str:
    return f"complaint_subtype_{subtype}"


def demand_value(demand: str) -> str:
    return f"complaint_demand_{demand}"


def responsibility_value(party: str) -> str:
    return f"complaint_responsible_{party}"


def _dropdown(title: str, description: str, options: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "tagger",
        "title": title,
        "description": description,
        "active": True,
        "custom_field_options": [{"name": name, "value": value} for name, value in options],
    }


def plugin_field_definitions() -> list[dict[str, Any]]:
    """The ticket fields to create in an account (the bootstrap's input)."""
    fields = [
        _dropdown(
            LEVEL_FIELD,
            "Set by complaint triage: 1 urgent, 2 complex, 3 routine (R-GRADE-1..3).",
            [(f"Level {level}", level_value(level)) for level in LEVELS],
        ),
        _dropdown(
            CATEGORY_FIELD,
            "Set by complaint triage (R-GRADE-4).",
            [(c.replace("_", " ").capitalize(), category_value(c)) for c in CATEGORIES],
        ),
        _dropdown(
            SUBTYPE_FIELD,
            "Set by complaint triage (R-GRADE-4).",
            [(s.replace("_", " ").capitalize(), subtype_value(s)) for s in SUBTYPES],
        ),
        _dropdown(
            DEMAND_FIELD,
            "Set by complaint triage: what the customer asks for first (R-INTAKE-3).",
            [(d.replace("_", " ").capitalize(), demand_value(d)) for d in DEMANDS],
        ),
        _dropdown(
            RESPONSIBILITY_FIELD,
            "Suggested by complaint triage, confirmed by the agent (R-GRADE-6).",
            [(p.replace("_", " ").capitalize(), responsibility_value(p)) for p in PARTIES],
        ),
    ]
    fields += [
        {
            "type": "text",
            "title": due_field_title(kind),
            "description": f"Exact due time of the {kind.replace('_', ' ')} deadline (ISO-8601), "
            "set by complaint triage.",
            "active": True,
        }
        for kind in DEADLINE_KINDS
    ]
    fields.append(
        {
            "type": "textarea",
            "title": SIDEBAR_FIELD,
            "description": "Set by complaint triage for its ticket sidebar app: the grade's reasons and "
            "remedies (JSON). Not for editing.",
            "active": True,
        }
    )
    fields.append(
        {
            "type": "text",
            "title": SLA_STATE_FIELD,
            "description": "Deadlines warned or breached, set by the deadline watcher (R-SLA-6).",
            "active": True,
        }
    )
    fields.append(
        {
            "type": "text",
            "title": SOCIAL_POST_TIME_FIELD,
            "description": "When the public social post behind this ticket was written (ISO-8601), "
            "set by the social flow; deadlines count from it (R-SLA-9).",
            "active": True,
        }
    )
    return fields


@dataclass(frozen=True)
class FieldCatalog:
    """Ids of the plugin's fields and route groups in one account; missing ones are simply absent."""

    field_ids: Mapping[str, int]
    group_ids: Mapping[str, int]

    @classmethod
    def from_account(
        cls, ticket_fields: Iterable[Mapping[str, Any]], groups: Iterable[Mapping[str, Any]]
    ) -> FieldCatalog:
        wanted = {definition["title"] for definition in plugin_field_definitions()}
        field_ids = {
            str(f["title"]): int(f["id"])
            for f in ticket_fields
            if f.get("title") in wanted and f.get("active", True)
        }
        group_ids = {str(g["name"]): int(g["id"]) for g in groups if not g.get("deleted", False)}
        return cls(field_ids=field_ids, group_ids=group_ids)

    def value_of(self, ticket: Mapping[str, Any], title: str) -> Any:
        """The value of the plugin field `title` on a ticket as Zendesk returns it (None if unset)."""
        field_id = self.field_ids.get(title)
        if field_id is None:
            return None
        return next(
            (f.get("value") for f in ticket.get("custom_fields") or [] if f.get("id") == field_id), None
        )

    def missing_fields(self) -> list[str]:
        return [d["title"] for d in plugin_field_definitions() if d["title"] not in self.field_ids]
