"""The triage engine: one call from a complaint to its grade, deadlines, intake and remedies.

It is what every adapter (CLI, Lambda handlers) calls; it knows nothing of AWS or HTTP.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from policies.calendar import WorkingCalendar
from policies.deadlines import DeadlineClock
from policies.decision import Deadlines, Grading, RemedyOffer
from policies.grading import Grader
from policies.intake_reading import IntakeReader, IntakeReading
from policies.loader import Policy, load_policy
from policies.problems import ProblemReader
from policies.taxonomy import Channel


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the plugin decides about one complaint at intake."""

    grading: Grading
    deadlines: Deadlines | None
    remedies: RemedyOffer | None
    intake: IntakeReading | None = None  # what the customer asks for and shows (read on request)


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

    @cached_property
    def problems(self) -> ProblemReader:
        """Products and failures in complaints (R-GRADE-1b); built on first use."""
        policy = self.policy
        return ProblemReader(
            policy.problems,
            policy.concepts,
            policy.grading,
            policy.alerting.group_complaint.product_tag_prefixes,
            policy.alerting.group_complaint.near_identical,
        )

    @cached_property
    def intake(self) -> IntakeReader:
        """Demands, evidence, amounts and responsibility in complaints (R-INTAKE-3); built on first use."""
        return IntakeReader(self.policy.intake, self.problems)

    def assess(
        self,
        text: str,
        *,
        subject: str | None = None,
        received_at: datetime | None = None,
        channel: Channel | None = None,
        customer_tier: str | None = None,
        read_intake: bool = False,
    ) -> Assessment:
        """Grade the text; with `received_at`, also the deadlines (raises CalendarYearUnknown loudly);
        with `read_intake`, what the customer demands and shows, and remedies that answer it."""
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
        intake = None
        if read_intake and grading.is_complaint:
            intake = self.intake.read(f"{subject}\n{text}" if subject else text, grading.category)
        remedies = (
            self.policy.remedies.offer_for(
                grading.category, customer_tier, intake.demand_kinds if intake else (), grading.subtype
            )
            if grading.is_complaint
            else None
        )
        return Assessment(grading=grading, deadlines=deadlines, remedies=remedies, intake=intake)
