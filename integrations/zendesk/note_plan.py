"""What an internal note will say, as plain values: the triage decides these, the note renders them.

A planner appends items while it decides (a complaint graded, a deadline met, a reply flagged);
`internal_note.render_note` turns the list into the ticket's language in one place. Deciding never
touches wording, and the wording (ticket_note.yaml) never needs to know how a decision was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.complaint_state import Acknowledged, ContactMade, Correction, IntakeRecord, Obligation
from policies.compliance import ReplyFinding
from policies.decision import Reason, RemedyOffer
from policies.routing import NextStep


@dataclass(frozen=True)
class Headline:
    level: int
    category: str
    subtype: str
    emotion: str
    is_complaint: bool


@dataclass(frozen=True)
class Why:
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class DueList:
    obligations: tuple[Obligation, ...]


@dataclass(frozen=True)
class Steps:
    steps: tuple[NextStep, ...]


@dataclass(frozen=True)
class Remedies:
    offer: RemedyOffer | None


@dataclass(frozen=True)
class ComplianceReminders:
    """R-COMP-1/2: what a reply must not say, and what to say instead."""


@dataclass(frozen=True)
class Raised:
    previous_level: int
    level: int


@dataclass(frozen=True)
class Met:
    obligation: Obligation


@dataclass(frozen=True)
class Opened:
    obligation: Obligation


@dataclass(frozen=True)
class ContactSent:
    contact: ContactMade


@dataclass(frozen=True)
class FlaggedReply:
    findings: tuple[ReplyFinding, ...]


@dataclass(frozen=True)
class Intake:
    """R-INTAKE-1..3, R-GRADE-6: what the customer wants, has shown, and still has to give."""

    intake: IntakeRecord


@dataclass(frozen=True)
class EvidenceAdded:
    """A later message brought evidence: what is attached now, and what is still missing."""

    intake: IntakeRecord


@dataclass(frozen=True)
class Corrected:
    """An agent changed the grade (issue 14): the plugin keeps the agent's value, and says which
    deadlines that cancelled or opened."""

    corrections: tuple[Correction, ...]
    cancelled: tuple[Obligation, ...] = ()
    opened: tuple[Obligation, ...] = ()


@dataclass(frozen=True)
class RaisedOverCorrection:
    """A later message raised a level an agent had set: the new signals it showed are why."""

    signals: tuple[str, ...]


@dataclass(frozen=True)
class PlanRejected:
    """R-SLA-5: the customer rejected a plan; `rejections` of at most `limit` before compliance."""

    rejections: int
    limit: int


@dataclass(frozen=True)
class Rated:
    """R-SLA-8: the customer rated the ticket in Zendesk."""

    score: str
    comment: str


@dataclass(frozen=True)
class AlertAcknowledged:
    """A critical alert acknowledged in chat (issue 17): who (as they named themselves), where, when."""

    acknowledged: Acknowledged


@dataclass(frozen=True)
class PolicyVersion:
    version: str


NoteItem = (
    Headline
    | Why
    | DueList
    | Steps
    | Remedies
    | ComplianceReminders
    | Raised
    | Met
    | Opened
    | ContactSent
    | FlaggedReply
    | Intake
    | EvidenceAdded
    | Corrected
    | RaisedOverCorrection
    | PlanRejected
    | Rated
    | AlertAcknowledged
    | PolicyVersion
)
