"""The triage engine: one call from a complaint to its grade, deadlines and remedies.

It is what every adapter (CLI, Lambda handlers) calls; it knows nothing of AWS or HTTP.
"""

from dataclasses import dataclass
from datetime import datetime

from policies.calendar import WorkingCalendar
from policies.deadlines import DeadlineClock
from policies.decision import Deadlines, Grading, RemedyOffer
from policies.grading import Grader
from policies.loader import Policy, load_policy
from policies.taxonomy import Channel


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the plugin decides about one complaint at intake."""

    grading: Grading
    deadlines: Deadlines | None
    remedies: RemedyOffer | None


class TriageEngine:
    """Grades complaints and computes their deadlines with one validated policy."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.grader = Grader.from_policy(policy)
        self.calendar = WorkingCalendar(policy.calendar)
        self.clock = DeadlineClock(policy.sla, self.calendar)

    @classmethod
    def from_directory(cls, directory: str | None = None) -> "TriageEngine":
        return cls(load_policy(directory))

    @property
    def policy_version(self) -> str:
        return self.policy.version

    def assess(
        self,
        text: str,
        *,
        subject: str | None = None,
        received_at: datetime | None = None,
        channel: Channel | None = None,
        customer_tier: str | None = None,
    ) -> Assessment:
        """Grade the text; with `received_at`, also the deadlines (raises CalendarYearUnknown loudly)."""
        grading = self.grader.grade(text, subject)
        deadlines = None
        if received_at is not None:
            deadlines = self.clock.deadlines_for(
                received_at,
                level=grading.level,
                category=grading.category,
                subtype=grading.subtype,
                channel=channel,
            )
        remedies = (
            self.policy.remedies.offer_for(grading.category, customer_tier) if grading.is_complaint else None
        )
        return Assessment(grading=grading, deadlines=deadlines, remedies=remedies)
