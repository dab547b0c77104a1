"""Schema of ticket_note.yaml: the wording of the plugin's internal notes, by language."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policies.social import SocialRoute
from policies.taxonomy import DeadlineKind, Language


class NoteLabels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    level_names: dict[Literal[1, 2, 3], str]
    emotion_high: str
    why: str
    due: str
    steps: str
    remedies: str
    main: str
    alternative: str
    high_value: str
    answers_demand: str
    legal_floor: str
    intake: str
    demands: str
    no_demand: str
    product: str
    amount_paid: str
    amount_claimed: str
    evidence_attached: str
    evidence_promised: str
    responsible: str
    missing: str
    evidence_now: str
    nothing_missing: str
    asks: dict[Literal["photo", "video", "screenshot", "document", "order_number"], str]
    compliance: str
    policy: str
    raised: str
    corrected: str
    grade_fields: dict[Literal["level", "category", "subtype"], str]
    correction_kept: str
    deadline_cancelled: str
    raised_over_correction: str
    plan_rejected: str = Field(description="placeholders: {rejections} {limit}")
    legal_risk: str
    rated: str
    acknowledged: str = Field(description="placeholders: {cause} {by} {channel} {at}")
    scores: dict[str, str]
    not_a_complaint: str
    deadline_met: str
    deadline_opened: str
    reply_flagged: str
    sla_warning: str
    sla_breach: str
    contact_sent: str
    contact_routes: dict[SocialRoute, str]
    social_post: str
    time_not_believed: str = Field(description="placeholders: {claimed} {received}")
    surge_red: str
    surge_yellow: str
    surge_line: str = Field(description="placeholders: {category} {this_week} {last_week} {growth}")
    kinds: dict[DeadlineKind, str]


class TicketNotePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: dict[Language, NoteLabels]

    @property
    def social_post_marker(self) -> str:
        """The line that starts the plugin's own lines under a social post's words on its ticket."""
        return f"— {self.labels['zh'].social_post} / {self.labels['en'].social_post}:"

    def customer_words(self, description: str) -> str:
        """A ticket description without the plugin's social-post lines: what is graded is what the
        customer wrote, never the platform, handle, time and link the plugin added under it."""
        head, marker, _ = description.partition("\n" + self.social_post_marker)
        return head.rstrip() if marker else description
