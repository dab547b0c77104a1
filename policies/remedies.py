"""Schema of remedies.yaml and the lookup of what to offer for a category (R-REMEDY)."""

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from policies.decision import Remedy, RemedyOffer
from policies.intake import DemandKind
from policies.rule_ids import RuleId
from policies.taxonomy import Category, Subtype


class CategoryRemedies(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    main: Remedy
    alternative: Remedy
    main_answers: list[DemandKind] = Field(default_factory=list)
    alternative_answers: list[DemandKind] = Field(default_factory=list)


class ApologyFirst(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    offer: Remedy
    answers: list[DemandKind] = Field(min_length=1)


class LegalFloorWhen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    demands: list[DemandKind] = Field(default_factory=list)
    subtypes: list[Subtype] = Field(default_factory=list)


class HighValueExtras(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    tiers: list[str]
    extras: Remedy


class RemediesPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    by_category: dict[Category, CategoryRemedies]
    legal_floor: CategoryRemedies
    apology: ApologyFirst
    legal_floor_when: LegalFloorWhen
    high_value: HighValueExtras

    def offer_for(
        self,
        category: Category,
        customer_tier: str | None = None,
        demands: Sequence[str] = (),
        subtype: str | None = None,
    ) -> RemedyOffer:
        """Main + cheaper alternative for the category (R-REMEDY-4), the option that meets the
        customer's first demand it can meet offered first; the legal floor when the category has no
        remedy of its own, and beside any offer when a statutory right is at stake (R-REMEDY-5)."""
        entry = self.by_category.get(category, self.legal_floor)
        extras = self.high_value.extras if customer_tier in self.high_value.tiers else None
        main, alternative, answers, rule = entry.main, entry.alternative, None, entry.rule
        for demand in demands:
            if demand in entry.main_answers:
                answers = demand
                break
            if demand in entry.alternative_answers:
                main, alternative, answers = entry.alternative, entry.main, demand
                break
        if demands and all(d in self.apology.answers for d in demands):
            main, alternative, answers, rule = self.apology.offer, entry.main, demands[0], self.apology.rule
        floor_applies = entry is not self.legal_floor and (
            any(d in self.legal_floor_when.demands for d in demands)
            or subtype in self.legal_floor_when.subtypes
        )
        return RemedyOffer(
            rule=rule,
            main=main,
            alternative=alternative,
            extras_for_high_value=extras,
            answers=answers,
            legal_floor=self.legal_floor.main if floor_applies else None,
        )
