"""Schema of routing.yaml and the routing decision for one graded complaint (R-ROUTE, R-GRADE-4/7).

The decision says which team takes the complaint, its priority (raised for high-value customers,
R-INTAKE-1 / R-REVIEW-4), and the next steps the agent is told, each citing its rule.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.decision import Grading
from policies.rule_ids import RuleId
from policies.taxonomy import Language, Subtype

Priority = Literal["low", "normal", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high", "urgent")


class Step(BaseModel):
    """One instruction to the agent, in both languages the product speaks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en


class RuleStep(Step):
    rule: RuleId


class LevelRoute(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    team: str
    priority: Priority
    steps: list[Step] = Field(min_length=1)


class TagStep(RuleStep):
    tags: list[str] = Field(min_length=1)


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    rule: RuleId
    tags: list[str] = Field(min_length=1)
    raise_priority: int = Field(ge=0, le=len(PRIORITIES) - 1)


@dataclass(frozen=True, slots=True)
class NextStep:
    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class Route:
    """Where a complaint goes and what happens next."""

    rule: str
    team: str
    group_name: str
    priority: Priority
    tier: str | None
    steps: tuple[NextStep, ...]


class RoutingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: dict[Literal[1, 2, 3], LevelRoute]
    teams: dict[str, str]
    by_reason: dict[RuleId, RuleStep] = Field(default_factory=dict)
    by_tag: list[TagStep] = Field(default_factory=list)
    by_subtype: dict[Subtype, RuleStep] = Field(default_factory=dict)
    tiers: list[Tier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _every_level_and_team(self) -> "RoutingPolicy":
        missing = {1, 2, 3} - set(self.levels)
        if missing:
            raise ValueError(f"levels: no route for level(s) {sorted(missing)}")
        for level, route in self.levels.items():
            if route.team not in self.teams:
                raise ValueError(
                    f"levels.{level}.team: {route.team!r} is not one of teams {sorted(self.teams)}"
                )
        return self

    def tier_of(self, ticket_tags: Iterable[str]) -> str | None:
        """The first tier whose tag the ticket carries (tags compare case-insensitively, as in Zendesk)."""
        present = {tag.lower() for tag in ticket_tags}
        return next((t.name for t in self.tiers if present & {tag.lower() for tag in t.tags}), None)

    def route_for(self, grading: Grading, *, tier: str | None = None) -> Route:
        level = self.levels[grading.level]  # type: ignore[index]
        language = grading.language
        steps = [NextStep(level.rule, step.text(language)) for step in level.steps]
        for reason_rule in dict.fromkeys(reason.rule for reason in grading.reasons):
            extra = self.by_reason.get(reason_rule)
            if extra is not None:
                steps.append(NextStep(extra.rule, extra.text(language)))
        tags = set(grading.keyword_tags)
        steps += [NextStep(s.rule, s.text(language)) for s in self.by_tag if tags & set(s.tags)]
        path = self.by_subtype.get(grading.subtype)
        if path is not None and grading.is_complaint:
            steps.append(NextStep(path.rule, path.text(language)))
        return Route(
            rule=level.rule,
            team=level.team,
            group_name=self.teams[level.team],
            priority=self._priority(level.priority, tier),
            tier=tier,
            steps=tuple(steps),
        )

    def _priority(self, base: Priority, tier: str | None) -> Priority:
        raise_by = next((t.raise_priority for t in self.tiers if t.name == tier), 0)
        index = min(PRIORITIES.index(base) + raise_by, len(PRIORITIES) - 1)
        return PRIORITIES[index]
