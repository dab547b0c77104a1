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
    compliance: str
    policy: str
    raised: str
    not_a_complaint: str
    deadline_met: str
    deadline_opened: str
    reply_flagged: str
    sla_warning: str
    sla_breach: str
    contact_sent: str
    contact_routes: dict[SocialRoute, str]
    social_post: str
    surge_red: str
    surge_yellow: str
    surge_line: str = Field(description="placeholders: {category} {this_week} {last_week} {growth}")
    kinds: dict[DeadlineKind, str]


class TicketNotePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: dict[Language, NoteLabels]
