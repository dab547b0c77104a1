"""Schema of lifecycle.yaml: the steps after intake agents mark (R-LOOP-1, R-SLA-4/5) and the
satisfaction rating (R-SLA-8)."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policies.conversation import PhraseRule
from policies.policy_files import policy_dir, read_policy_file
from policies.routing import Step
from policies.rule_ids import RuleId

Action = Literal["plan_proposed", "plan_rejected", "cross_dept_request", "cross_dept_answered"]


class ActionTag(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    tag: str = Field(pattern=r"^[a-z0-9_]+$", description="added by the macro, removed by the plugin")
    macro: Step = Field(description="the macro's title, by language")


class SatisfactionPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    rated_scores: list[str] = Field(min_length=1)
    unhappy_scores: list[str] = Field(min_length=1)


class LifecyclePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    actions: dict[Action, ActionTag]
    plan_rejected: PhraseRule
    satisfaction: SatisfactionPolicy

    def actions_in(self, tags: list[str]) -> list[Action]:
        """The action tags a ticket carries, in the policy's order."""
        present = set(tags)
        return [action for action, spec in self.actions.items() if spec.tag in present]


def load_lifecycle_policy(directory: Path | str | None = None) -> LifecyclePolicy:
    """Only lifecycle.yaml: what the webhook needs to tell a macro's tag from any other tag change,
    without loading (and paying the cold start of) the grader."""
    return read_policy_file(policy_dir(directory) / "lifecycle.yaml", LifecyclePolicy)
