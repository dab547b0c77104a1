"""Schema of sla.yaml: which deadline applies to which complaint, and how long it runs (R-SLA, R-ROUTE)."""

from datetime import datetime, timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from policies.rule_ids import RuleId
from policies.taxonomy import Category, Channel, DeadlineKind, Subtype


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(Strict):
    """A deadline length: natural hours, or working days (same clock time on the N-th working day)."""

    hours: PositiveFloat | None = None
    working_days: PositiveInt | None = None

    @model_validator(mode="after")
    def exactly_one_unit(self) -> Self:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("give exactly one of 'hours' or 'working_days'")
        return self


class Condition(Strict):
    """A deadline rule applies when every list given contains the complaint's value."""

    levels: list[int] | None = None
    categories: list[Category] | None = None
    subtypes: list[Subtype] | None = None
    channels: list[Channel] | None = None

    def matches(self, *, level: int, category: str, subtype: str, channel: str | None) -> bool:
        return (
            (self.levels is None or level in self.levels)
            and (self.categories is None or category in self.categories)
            and (self.subtypes is None or subtype in self.subtypes)
            and (self.channels is None or channel in self.channels)
        )


class DeadlineRule(Strict):
    rule: RuleId
    when: Condition = Field(default_factory=Condition)
    after: Span


class WarningPolicy(Strict):
    """R-SLA-6: check progress before each deadline; short windows are warned at a share of their length."""

    rule: RuleId
    before: Span
    short_window_share: float = Field(gt=0, lt=1)


class PlanIterations(Strict):
    rule: RuleId
    max_iterations: PositiveInt


class ClockSkew(Strict):
    rule: RuleId
    seconds: float = Field(ge=0)

    def believed(self, claimed: datetime, received: datetime) -> datetime:
        """When the customer wrote, as far as it can be believed: a time beyond the allowed skew
        after `received` is a clock error, and the clock starts at `received` instead."""
        return received if claimed - received > timedelta(seconds=self.seconds) else claimed


class SlaPolicy(Strict):
    """sla.yaml: for each deadline kind, an ordered list of rules; the first that matches applies."""

    deadlines: dict[DeadlineKind, list[DeadlineRule]]
    warning: WarningPolicy
    plan_iterations: PlanIterations
    clock_skew: ClockSkew
