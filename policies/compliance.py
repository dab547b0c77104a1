"""Schema of compliance.yaml and the reply lint for forbidden promises and deflections (R-COMP-1/2)."""

from pydantic import BaseModel, ConfigDict, Field

from policies.rule_ids import RuleId


class ForbiddenPhrase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    phrases: list[str] = Field(min_length=1)
    instead: dict[str, str] = Field(description="the compliant alternative, by language (zh, en)")


class ReplyFinding(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    phrase: str
    instead: dict[str, str]


class CompliancePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    forbidden: list[ForbiddenPhrase]

    def lint_reply(self, text: str) -> list[ReplyFinding]:
        """Every forbidden phrase an agent's reply contains, with what to say instead."""
        lowered = text.lower()
        return [
            ReplyFinding(rule=entry.rule, phrase=phrase, instead=entry.instead)
            for entry in self.forbidden
            for phrase in entry.phrases
            if phrase.lower() in lowered
        ]
