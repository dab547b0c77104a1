"""Schema of intake.yaml: the order number of a complaint (R-INTAKE-2), from a tag or the text."""

import re
from collections.abc import Iterable
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator

from policies.rule_ids import RuleId


class OrderNumberPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    tag_prefixes: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _each_compiles_with_one_group(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None
            if compiled.groups < 1:
                raise ValueError(f"pattern {pattern!r} needs a group for the number")
        return patterns

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.patterns)

    def find(self, tags: Iterable[str], *texts: str | None) -> str | None:
        for tag in tags:
            for prefix in self.tag_prefixes:
                if tag.startswith(prefix) and len(tag) > len(prefix):
                    return tag[len(prefix) :].upper()
        for text in texts:
            for pattern in self._compiled:
                match = pattern.search(text or "")
                if match:
                    return match.group(1).upper()
        return None


class IntakePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    order_number: OrderNumberPolicy
