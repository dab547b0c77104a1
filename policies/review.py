"""Schema of review.yaml: the monthly (R-REVIEW-1) and weekly (R-REVIEW-3) reports."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.rule_ids import RuleId


class MonthlyReviewPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    top_types: int = Field(ge=1)
    percentile: float = Field(gt=0, lt=1)


class WeeklyReviewPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    at_least: int = Field(ge=1)
    at_most: int = Field(ge=1)

    @model_validator(mode="after")
    def _range(self) -> "WeeklyReviewPolicy":
        if self.at_least > self.at_most:
            raise ValueError("at_least must not exceed at_most")
        return self


class ReviewPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    monthly: MonthlyReviewPolicy
    weekly: WeeklyReviewPolicy
