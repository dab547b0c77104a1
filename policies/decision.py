"""What the engine decides about one complaint: plain immutable values, cheap to build per record.

They are frozen dataclasses rather than pydantic models because the engine builds several per
complaint at tens of thousands of complaints a second; they are never parsed from outside.
"""

from dataclasses import dataclass, fields
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from policies.taxonomy import Category, Emotion, Language, Subtype


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that fired (its ID from sop-rules.md, e.g. R-GRADE-1a) and the customer's words."""

    rule: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Grading:
    """The grade of one complaint text (R-GRADE, R-INTAKE-4)."""

    is_complaint: bool
    level: int
    category: Category
    subtype: Subtype
    emotion: Emotion
    language: Language
    reasons: tuple[Reason, ...]
    keyword_tags: tuple[str, ...]
    policy_version: str
    signals: tuple[str, ...] = ()  # grading.yaml signals that stood in the text (context checked)


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Due times computed by the deadline clock; None where a deadline does not apply."""

    first_response: datetime | None = None
    follow_up: datetime | None = None
    resolution: datetime | None = None
    escalation: datetime | None = None
    private_contact: datetime | None = None

    @classmethod
    def kinds(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def as_dict(self) -> dict[str, datetime | None]:
        return {name: getattr(self, name) for name in self.kinds()}


class Remedy(BaseModel):
    """A remedy the agent may offer, in both languages the product speaks (policy data)."""

    model_config = ConfigDict(frozen=True)

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class RemedyOffer:
    """R-REMEDY-4: always a main option and a cheaper alternative, citing the rule."""

    rule: str
    main: Remedy
    alternative: Remedy
    extras_for_high_value: Remedy | None = None
    answers: str | None = None  # the customer's demand the main option meets (R-REMEDY-4), if any
    legal_floor: Remedy | None = None  # R-REMEDY-5, shown when a statutory right is at stake
