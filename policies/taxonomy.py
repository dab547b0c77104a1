"""The closed vocabularies every decision is expressed in (R-GRADE-1..4, R-INTAKE-5)."""

from enum import IntEnum
from typing import Literal


class Level(IntEnum):
    """Complaint level: the lower the number, the more urgent (R-GRADE-1..3)."""

    URGENT = 1
    COMPLEX = 2
    ROUTINE = 3


Category = Literal["product", "logistics", "service", "transaction", "other"]
Subtype = Literal[
    "quality_defect",
    "not_as_described",
    "counterfeit",
    "late_delivery",
    "lost_or_damaged",
    "attitude",
    "process_error",
    "billing_or_refund",
    "other",
]
Emotion = Literal["high", "normal"]
Channel = Literal["web", "email", "chat", "phone", "social_public", "social_private"]
Language = Literal["zh", "en"]
DeadlineKind = Literal[
    "first_response",
    "follow_up",
    "resolution",
    "escalation",
    "cross_dept",
    "re_handle",
    "re_investigate",
    "satisfaction_check",
    "private_contact",
]

CATEGORIES: tuple[Category, ...] = ("product", "logistics", "service", "transaction", "other")
SUBTYPES: tuple[Subtype, ...] = (
    "quality_defect",
    "not_as_described",
    "counterfeit",
    "late_delivery",
    "lost_or_damaged",
    "attitude",
    "process_error",
    "billing_or_refund",
    "other",
)
