"""Schema of intake.yaml: the complaint record's intake (R-INTAKE-1..3, R-GRADE-6): the order
number, what the customer demands, the evidence, the amounts, who looks responsible, and what the
SOP still needs from the customer."""

import re
from collections.abc import Iterable
from functools import cached_property
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policies.routing import Step
from policies.rule_ids import RuleId
from policies.taxonomy import Category, Subtype

DemandKind = Literal[
    "refund", "exchange", "repair", "reship", "compensation", "apology", "explanation", "legal_claim"
]
EvidenceKind = Literal["photo", "video", "screenshot", "document"]
Party = Literal["force_majeure", "customer", "logistics", "merchant"]
ORDER_NUMBER = "order_number"


def _compiled_with_group(patterns: list[str], what: str) -> list[str]:
    """Every pattern compiles and has a group 1 that captures `what`."""
    for pattern in patterns:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None
        if compiled.groups < 1:
            raise ValueError(f"pattern {pattern!r} needs a group for {what}")
    return patterns


class OrderNumberPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    tag_prefixes: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _each_compiles_with_one_group(cls, patterns: list[str]) -> list[str]:
        return _compiled_with_group(patterns, "the number")

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OtherSenses(_Strict):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class Words(_Strict):
    """Phrases in both languages, with their look-alike senses."""

    title: Step
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    not_in: OtherSenses = Field(default_factory=OtherSenses)

    @property
    def phrases(self) -> list[str]:
        return [*self.zh, *self.en]

    @property
    def other_senses(self) -> list[str]:
        return [*self.not_in.zh, *self.not_in.en]


class EvidenceWords(Words):
    content_types: list[str] = Field(default_factory=list)


class ByLanguage(_Strict):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return [*self.zh, *self.en]


class DemandWords(_Strict):
    """A demand: `said` phrases are one on their own; `asked` phrases only when asked for."""

    title: Step
    said: ByLanguage
    asked: ByLanguage = Field(default_factory=ByLanguage)
    not_in: OtherSenses = Field(default_factory=OtherSenses)

    @property
    def other_senses(self) -> list[str]:
        return [*self.not_in.zh, *self.not_in.en]


class Demands(_Strict):
    rule: RuleId
    lookback_chars: int = Field(ge=1, le=60)
    refusal_chars: int = Field(ge=1, le=20)
    request_cues: ByLanguage
    refusal_cues: ByLanguage
    kinds: dict[DemandKind, DemandWords]


class Evidence(_Strict):
    rule: RuleId
    kinds: dict[EvidenceKind, EvidenceWords]
    other_attachments: EvidenceKind

    def kind_of_attachment(self, content_type: str) -> EvidenceKind:
        kind = content_type.lower()
        for name, words in self.kinds.items():
            if any(kind.startswith(prefix) for prefix in words.content_types):
                return name
        return self.other_attachments


class Amounts(_Strict):
    rule: RuleId
    paid: list[str] = Field(min_length=1)
    claimed: list[str] = Field(min_length=1)

    @field_validator("paid", "claimed")
    @classmethod
    def _each_compiles_with_one_group(cls, patterns: list[str]) -> list[str]:
        return _compiled_with_group(patterns, "the amount")


class Responsibility(_Strict):
    rule: RuleId
    parties: dict[Party, Words]
    by_category: dict[Category, Party]


class Requirement(_Strict):
    """One thing the SOP needs: any of these evidence kinds attached, or the order number."""

    any_of: list[EvidenceKind | Literal["order_number"]] = Field(min_length=1)


class Required(_Strict):
    rule: RuleId
    by_subtype: dict[Subtype, list[Requirement]] = Field(default_factory=dict)
    by_demand: dict[DemandKind, list[Requirement]] = Field(default_factory=dict)


class IntakePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    order_number: OrderNumberPolicy
    demands: Demands
    evidence: Evidence
    amounts: Amounts
    responsibility: Responsibility
    required: Required

    @model_validator(mode="after")
    def _every_party_titled(self) -> Self:
        missing = sorted(set(self.responsibility.by_category.values()) - set(self.responsibility.parties))
        if missing:
            raise ValueError(f"responsibility.by_category names parties without an entry: {missing}")
        return self
