"""What the engine decides about one complaint: pure data, serialisable as JSON."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from policies.taxonomy import Category, Emotion, Language, Subtype


class Reason(BaseModel):
    """One rule that fired, with the customer's own words that made it fire."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="Rule ID from sop-rules.md, e.g. R-GRADE-1a")
    evidence: str = Field(description="The words of the text that matched")


class Grading(BaseModel):
    """The grade of one complaint text (R-GRADE, R-INTAKE-4)."""

    model_config = ConfigDict(frozen=True)

    is_complaint: bool
    level: int = Field(ge=1, le=3)
    category: Category
    subtype: Subtype
    emotion: Emotion
    language: Language
    reasons: tuple[Reason, ...]
    keyword_tags: tuple[str, ...] = ()
    policy_version: str


class Deadlines(BaseModel):
    """Due times computed by the deadline clock; None where a deadline does not apply."""

    model_config = ConfigDict(frozen=True)

    first_response: datetime | None = None
    follow_up: datetime | None = None
    resolution: datetime | None = None
    escalation: datetime | None = None
    private_contact: datetime | None = None


class Remedy(BaseModel):
    """A remedy the agent may offer, in both languages the product speaks."""

    model_config = ConfigDict(frozen=True)

    zh: str
    en: str


class RemedyOffer(BaseModel):
    """R-REMEDY-4: always a main option and a cheaper alternative, citing the rule."""

    model_config = ConfigDict(frozen=True)

    rule: str
    main: Remedy
    alternative: Remedy
    extras_for_high_value: Remedy | None = None
