"""Schema of remedies.yaml and the lookup of what to offer for a category (R-REMEDY)."""

from pydantic import BaseModel, ConfigDict

from policies.decision import Remedy, RemedyOffer
from policies.rule_ids import RuleId
from policies.taxonomy import Category


class CategoryRemedies(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    main: Remedy
    alternative: Remedy


class HighValueExtras(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    tiers: list[str]
    extras: Remedy


class RemediesPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    by_category: dict[Category, CategoryRemedies]
    legal_floor: CategoryRemedies
    high_value: HighValueExtras

    def offer_for(self, category: Category, customer_tier: str | None = None) -> RemedyOffer:
        """Main + cheaper alternative for the category (R-REMEDY-4); the legal floor when none is set."""
        entry = self.by_category.get(category, self.legal_floor)
        extras = self.high_value.extras if customer_tier in self.high_value.tiers else None
        return RemedyOffer(
            rule=entry.rule, main=entry.main, alternative=entry.alternative, extras_for_high_value=extras
        )
