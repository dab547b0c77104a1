"""The input records the subcommands accept, one JSON object per line.

Validated by pydantic straight from the line's bytes (its JSON parser is several times faster
than json.loads followed by validation). Fields are strict: a number where text is expected, or
a received_at without an offset, is a mistake in the export that produced the file, and
guessing (which zone? which of two ids?) would put wrong deadlines on real complaints.
Unknown fields are ignored, so a full ticket export can be fed as it is.
"""

from typing import Annotated, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)

from policies.taxonomy import Category, Channel, Subtype

TicketId = StrictStr | StrictInt
NonEmptyText = Annotated[StrictStr, Field(min_length=1)]


class GradeRequest(BaseModel):
    """One complaint to grade (`triage grade`)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: TicketId
    text: NonEmptyText
    subject: StrictStr | None = None
    # strict: only an ISO 8601 string, not a Unix timestamp whose zone nobody stated.
    received_at: AwareDatetime | None = Field(default=None, strict=True)
    channel: Channel | None = None
    customer_tier: StrictStr | None = None


class LabelledTicket(BaseModel):
    """One ticket with the grade a person gave it (`triage eval`). A text labelled not a complaint
    (`"is_complaint": false`: praise, a question) needs no level, category or subtype."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: TicketId
    text: NonEmptyText
    subject: StrictStr | None = None
    is_complaint: StrictBool = True
    level: Annotated[StrictInt, Field(ge=1, le=3)] | None = None
    category: Category | None = None
    subtype: Subtype | None = None
    split: StrictStr | None = None

    @model_validator(mode="after")
    def a_complaint_has_its_grade(self) -> Self:
        if self.is_complaint:
            missing = [n for n in ("level", "category", "subtype") if getattr(self, n) is None]
            if missing:
                raise ValueError(f"a complaint needs {', '.join(missing)} (or is_complaint: false)")
        return self


# What a missing field means, for error messages: users fix files, not schemas.
FIELD_HINTS: dict[str, str] = {
    "id": "the ticket id, a string or an integer",
    "text": "the complaint text",
    "received_at": "ISO 8601 with an offset, e.g. 2026-05-06T21:00:00+08:00",
    "level": "the expected level: 1, 2 or 3",
    "category": "the expected category",
    "subtype": "the expected subtype",
}
