"""What the plugin remembers about one complaint between events: its grade and its obligations.

Every deadline the engine computes becomes an `Obligation` (R-SLA, R-ROUTE); ticket events meet
or open them (an agent's first public reply meets first_response, a solved ticket opens the
satisfaction check, R-SLA-8; "not satisfied" opens re-handling, R-SLA-7). The deadline ledger
and watcher read these records; the triage writes them. Pure data: storage lives in `infra/`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from policies.social import SocialRoute
from policies.taxonomy import Category, DeadlineKind, Emotion, Language, Subtype

ObligationState = Literal["open", "warned", "breached", "met", "cancelled"]
OPEN_STATES: frozenset[str] = frozenset({"open", "warned", "breached"})


class Obligation(BaseModel):
    """One deadline of one ticket, and what happened to it."""

    model_config = ConfigDict(frozen=True)

    kind: DeadlineKind
    rule: str
    due_at: AwareDatetime
    warn_at: AwareDatetime | None = Field(default=None, description="R-SLA-6 progress check, before due_at")
    state: ObligationState = "open"
    opened_at: AwareDatetime
    opened_by: str = Field(description="the event (or comment) that opened it")
    closed_at: AwareDatetime | None = None
    closed_by: str | None = None
    changed_at: AwareDatetime | None = Field(
        default=None, description="when the watcher last changed the state"
    )
    on_ticket: bool = Field(
        default=True, description="False while a warning/breach is not yet shown in Zendesk"
    )

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def next_check_at(self) -> datetime | None:
        """When the deadline watcher must look at it next: the warning, then the breach; None when done.

        A state change not yet shown on the ticket (Zendesk was throttling) is due again at once.
        """
        if not self.on_ticket and self.changed_at is not None:
            return self.changed_at
        if self.state == "open" and self.warn_at is not None and self.warn_at < self.due_at:
            return self.warn_at
        if self.state in ("open", "warned"):
            return self.due_at
        return None


class ContactMade(BaseModel):
    """The first private contact with a public poster (R-SLA-9), as the outreach sent it."""

    model_config = ConfigDict(frozen=True)

    platform: str
    route: SocialRoute
    message_id: str
    sent_at: AwareDatetime
    text: str


class Acknowledged(BaseModel):
    """A critical alert acknowledged in a group chat (issue 17): the first acknowledgement stands.
    `by` is the name the person gave with the card's link; the link proves only the chat group."""

    model_config = ConfigDict(frozen=True)

    cause: str
    by: str
    channel: str
    at: AwareDatetime


class IntakeRecord(BaseModel):
    """What the customer wants and has shown (R-INTAKE-1..3, R-GRADE-6), as the plugin last read it."""

    model_config = ConfigDict(frozen=True)

    demands: list[str] = Field(default_factory=list)
    product: str | None = None
    amount_paid: float | None = None
    amount_claimed: float | None = None
    attached: dict[str, int] = Field(default_factory=dict, description="evidence kind → attachments")
    mentioned: list[str] = Field(default_factory=list, description="evidence kinds named, not attached")
    responsible: str | None = None
    missing: list[str] = Field(default_factory=list, description="what the SOP still needs from them")


GradeField = Literal["level", "category", "subtype"]
# R-LOOP-1's steps, as the review measures them: accepted → first response → plan proposed →
# solved → confirmed (a good rating, or the ticket closed).
Stage = Literal["accepted", "first_response", "plan_proposed", "solved", "confirmed"]


class Correction(BaseModel):
    """An agent changed the plugin's grade on the ticket (issue 14): the agent's value wins from
    then on, and the change is a labelled example of what the grader got wrong."""

    model_config = ConfigDict(frozen=True)

    field: GradeField
    before: str = Field(description="the plugin's value the agent replaced")
    after: str = Field(description="the agent's value")
    by: int | None = Field(default=None, description="the Zendesk user who changed it (audit author)")
    at: AwareDatetime
    noticed_by: str = Field(description="the event that found the change")


class ComplaintRecord(BaseModel):
    """The complaint behind one Zendesk ticket, as the plugin last left it."""

    model_config = ConfigDict(frozen=True)

    ticket_id: int
    level: int
    category: Category
    subtype: Subtype
    emotion: Emotion
    language: Language
    tier: str | None = None
    order_no: str | None = Field(default=None, description="R-INTAKE-2; files the archive (R-LOOP-3)")
    is_complaint: bool = True
    policy_version: str
    received_at: AwareDatetime
    status: str = "new"
    last_comment_id: int | None = None
    first_public_reply_at: AwareDatetime | None = None
    reason_rules: list[str] = Field(default_factory=list, description="every rule that graded it, in order")
    alerted: list[str] = Field(default_factory=list, description="critical causes already alerted")
    problem: str | None = Field(default=None, description="R-GRADE-1b: the problem key it was counted under")
    signals: list[str] = Field(
        default_factory=list,
        description="grading.yaml signals its texts showed: at intake, then in messages that raised it",
    )
    intake: IntakeRecord | None = None
    corrections: list[Correction] = Field(default_factory=list, description="agents' changes, oldest first")
    stages: dict[Stage, AwareDatetime] = Field(
        default_factory=dict, description="when each R-LOOP-1 step first happened"
    )
    plans_proposed: int = Field(default=0, description="plans an agent marked as proposed (R-LOOP-1)")
    plan_rejections: int = Field(default=0, description="plans the customer rejected (R-SLA-5)")
    satisfaction: str | None = Field(default=None, description="Zendesk's satisfaction score, last read")
    shown_reasons: list[dict[str, str]] = Field(
        default_factory=list,
        description="the grade's reasons as last shown to the agent (rule, masked words)",
    )
    shown_remedies: dict[str, str] | None = Field(
        default=None,
        description="the remedies as last shown (rule, main, alternative, in the ticket's language)",
    )
    acknowledgements: list[Acknowledged] = Field(
        default_factory=list, description="alerts acknowledged in chat, first each"
    )
    escalations: list[str] = Field(
        default_factory=list, description="lifecycle rules that escalated it (R-SLA-5 legal risk, R-SLA-8)"
    )
    obligations: dict[DeadlineKind, Obligation] = Field(default_factory=dict)
    version: int = 0

    @property
    def corrected(self) -> frozenset[str]:
        """The grade fields an agent has set: the plugin never writes them back."""
        return frozenset(c.field for c in self.corrections)

    def grade_value(self, field: GradeField) -> str:
        """The grade field as text, as a correction compares it."""
        return str(getattr(self, field))

    def at_stage(self, stage: Stage, at: datetime) -> ComplaintRecord:
        """The record with `stage` reached at `at`, unless it was reached before."""
        if stage in self.stages:
            return self
        return self.model_copy(update={"stages": {**self.stages, stage: at}})

    def open_obligations(self) -> list[Obligation]:
        return [o for o in self.obligations.values() if o.is_open]

    def with_obligation(self, obligation: Obligation) -> ComplaintRecord:
        return self.model_copy(update={"obligations": {**self.obligations, obligation.kind: obligation}})

    def meet(self, kind: DeadlineKind, at: datetime, by: str) -> ComplaintRecord:
        """Mark `kind` met, if it is open; otherwise the record is returned unchanged."""
        current = self.obligations.get(kind)
        if current is None or not current.is_open:
            return self
        return self.with_obligation(
            current.model_copy(update={"state": "met", "closed_at": at, "closed_by": by})
        )
