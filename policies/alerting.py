"""Schema of alerting.yaml: critical causes (R-ROUTE-1/4), group complaints (R-GRADE-1b), surges."""

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.routing import Step
from policies.rule_ids import RuleId
from policies.taxonomy import DeadlineKind


class CriticalCause(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cause: str = Field(pattern=r"^[a-z_]+$")
    rule: RuleId
    reasons: list[RuleId] = Field(min_length=1)
    title: Step
    topic: Literal["critical", "sla"] = Field(
        default="critical", description="critical: PR and compliance; sla: supervisors and team leads"
    )


class NearIdenticalPolicy(BaseModel):
    """When a complaint shows a failure but names no product and has no product tag, near-identical
    reports of that failure still join: MinHash over character shingles, in LSH bands."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    shingle_chars: int = Field(ge=2, le=8, description="characters per shingle of the normalised text")
    min_shingles: int = Field(ge=1, description="shorter texts say too little to be compared")
    bands: int = Field(ge=1, le=5, description="LSH bands: one bucket (one read) each")
    rows_per_band: int = Field(ge=1, le=16, description="MinHash values per band: more, stricter")


class GroupComplaintPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    min_customers: int = Field(ge=2)
    window_hours: float = Field(gt=0)
    product_tag_prefixes: list[str] = Field(default_factory=list)
    not_in_group_tag: str = Field(pattern=r"^[a-z0-9_]+$")
    candidates_considered: int = Field(
        ge=1, le=5, description="problems one text may be, weighed (one read each)"
    )
    title: Step
    near_identical: NearIdenticalPolicy | None = None

    @model_validator(mode="after")
    def _bands_are_read(self) -> "GroupComplaintPolicy":
        if self.near_identical is not None and self.near_identical.bands > self.candidates_considered:
            raise ValueError("near_identical.bands exceeds candidates_considered (each band is one read)")
        return self


class SurgePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    red_growth: float = Field(gt=0)
    yellow_growth: float = Field(gt=0)
    min_volume: int = Field(ge=1)

    @model_validator(mode="after")
    def _yellow_below_red(self) -> "SurgePolicy":
        if self.yellow_growth >= self.red_growth:
            raise ValueError("yellow_growth must be below red_growth")
        return self

    def light(self, this_week: int, last_week: int) -> Literal["red", "yellow"] | None:
        """The light for a category's weekly count against last week's (R-REVIEW-2); None below volume."""
        if this_week < self.min_volume:
            return None
        if last_week == 0:  # from nothing to min_volume is growth without bound
            return "red"
        growth = (this_week - last_week) / last_week
        if growth > self.red_growth:
            return "red"
        if growth > self.yellow_growth:
            return "yellow"
        return None


class BreachToPr(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    kinds: list[DeadlineKind]


class AlertingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    critical: list[CriticalCause]
    group_complaint: GroupComplaintPolicy
    surge: SurgePolicy
    sla_digest_over: int = Field(ge=1)
    breach_to_pr: BreachToPr

    def critical_causes(self, reason_rules: Iterable[str]) -> list[CriticalCause]:
        fired = set(reason_rules)
        return [cause for cause in self.critical if fired.intersection(cause.reasons)]
