"""The parts of Zendesk's ticket and comment objects the triage reads, validated.

Unknown fields are ignored (Zendesk adds fields over time); what the triage needs must be
there and well-formed, or the event fails with a message naming the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from policies.taxonomy import Channel

# Zendesk's `via.channel` names → the SOP's intake channels (R-INTAKE-5); others map to None.
_CHANNELS: dict[str, Channel] = {
    "web": "web",
    "email": "email",
    "chat": "chat",
    "native_messaging": "chat",
    "voice": "phone",
    "sms": "phone",
}
SOCIAL_PUBLIC_TAG = "social_public_post"  # a complaint made in public on a social platform
# Set by the social outreach on the tickets it creates: it triages them itself (it knows the post
# time and the contact made), so Zendesk's own events for them wait until it has.
SOCIAL_OUTREACH_TAG = "complaint_social_outreach"


class _Via(BaseModel):
    model_config = ConfigDict(extra="ignore")

    channel: str | int | None = None


class SatisfactionRating(BaseModel):
    """The ticket's CSAT as Zendesk returns it: score offered, unoffered, good or bad."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    score: str = "unoffered"
    comment: str | None = None


class ZendeskTicket(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: int
    subject: str | None = None
    description: str = ""
    status: str
    priority: str | None = None
    requester_id: int | None = None
    group_id: int | None = None
    created_at: AwareDatetime
    updated_at: str = Field(min_length=1, description="kept verbatim: it is the safe_update stamp")
    tags: list[str] = Field(default_factory=list)
    via: _Via = Field(default_factory=_Via)
    satisfaction_rating: SatisfactionRating | None = None

    @property
    def channel(self) -> Channel | None:
        if SOCIAL_PUBLIC_TAG in self.tags:
            return "social_public"
        return _CHANNELS.get(str(self.via.channel)) if self.via.channel is not None else None


class ZendeskAttachment(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    content_type: str = "application/octet-stream"
    file_name: str = ""
    inline: bool = False  # an image pasted into the text, not a file the customer attached


class ZendeskComment(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: int
    author_id: int | None = None
    public: bool = True
    body: str = ""
    plain_body: str | None = None
    created_at: AwareDatetime
    attachments: list[ZendeskAttachment] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return self.plain_body if self.plain_body is not None else self.body


def parse_comments(raw: list[dict[str, Any]]) -> list[ZendeskComment]:
    return sorted((ZendeskComment.model_validate(c) for c in raw), key=lambda c: (c.created_at, c.id))
