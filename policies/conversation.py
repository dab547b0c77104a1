"""Schema of conversation.yaml: what a requester's later message means (R-SLA-7); phrase rules
are also used by lifecycle.yaml (R-SLA-5)."""

from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

from policies.rule_ids import RuleId
from policies.text import normalise


class PhraseRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    phrases: dict[str, list[str]] = Field(description="phrases by language (zh, en)")

    @cached_property
    def _folded(self) -> tuple[tuple[str, str], ...]:
        """(matching form, phrase as written), folded once rather than on every message."""
        return tuple((normalise(p).text, p) for phrases in self.phrases.values() for p in phrases)

    def match(self, text: str) -> str | None:
        """The first phrase the text contains (traditional Chinese and full-width folded), or None."""
        folded = normalise(text).text
        return next((phrase for form, phrase in self._folded if form in folded), None)


class ConversationPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    not_satisfied: PhraseRule
