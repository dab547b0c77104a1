"""Schema of conversation.yaml: what a requester's later message means (R-SLA-7)."""

from pydantic import BaseModel, ConfigDict, Field

from policies.rule_ids import RuleId
from policies.text import normalise


class PhraseRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    phrases: dict[str, list[str]] = Field(description="phrases by language (zh, en)")

    def match(self, text: str) -> str | None:
        """The first phrase the text contains (traditional Chinese and full-width folded), or None."""
        folded = normalise(text).text
        for phrases in self.phrases.values():
            for phrase in phrases:
                if normalise(phrase).text in folded:
                    return phrase
        return None


class ConversationPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    not_satisfied: PhraseRule
