"""The JSON object `triage grade` writes for one assessed complaint.

Built by hand from the engine's models rather than with model_dump: this runs once per record
in a benchmarked loop, and dumping nested pydantic models costs more than the fields are worth.
The shape is a contract with whoever reads the output, so it is spelled out here, key by key.
"""

from datetime import datetime
from typing import Any

from policies.decision import Deadlines, Remedy, RemedyOffer
from policies.engine import Assessment

# The intake deadlines, in the order they are written.
DEADLINE_KEYS: tuple[str, ...] = (
    "first_response",
    "follow_up",
    "resolution",
    "escalation",
    "private_contact",
)
if set(DEADLINE_KEYS) != set(Deadlines.kinds()):
    raise ImportError(f"DEADLINE_KEYS {DEADLINE_KEYS} out of step with Deadlines {Deadlines.kinds()}")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _remedy(remedy: Remedy) -> dict[str, str]:
    return {"zh": remedy.zh, "en": remedy.en}


def remedies_record(offer: RemedyOffer | None) -> dict[str, Any] | None:
    """The remedy offer as JSON; None for a text that is not a complaint."""
    if offer is None:
        return None
    extras = offer.extras_for_high_value
    return {
        "rule": offer.rule,
        "main": _remedy(offer.main),
        "alternative": _remedy(offer.alternative),
        "extras_for_high_value": None if extras is None else _remedy(extras),
    }


def deadlines_record(deadlines: Deadlines) -> dict[str, str | None]:
    """Due times as ISO 8601 with the policy's offset; None where the deadline does not apply."""
    return {
        "first_response": _iso(deadlines.first_response),
        "follow_up": _iso(deadlines.follow_up),
        "resolution": _iso(deadlines.resolution),
        "escalation": _iso(deadlines.escalation),
        "private_contact": _iso(deadlines.private_contact),
    }


def assessment_record(ticket_id: str | int, assessment: Assessment) -> dict[str, Any]:
    """One output line; `deadlines` is present only when the input gave received_at."""
    grading = assessment.grading
    record: dict[str, Any] = {
        "id": ticket_id,
        "is_complaint": grading.is_complaint,
        "level": grading.level,
        "category": grading.category,
        "subtype": grading.subtype,
        "emotion": grading.emotion,
        "reasons": [{"rule": reason.rule, "evidence": reason.evidence} for reason in grading.reasons],
    }
    if assessment.deadlines is not None:
        record["deadlines"] = deadlines_record(assessment.deadlines)
    record["remedies"] = remedies_record(assessment.remedies)
    record["policy_version"] = grading.policy_version
    return record
