"""Schema of social.yaml: the first private contact with a public poster (R-SLA-9)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.rule_ids import RuleId
from policies.taxonomy import Language

SocialRoute = Literal["direct_message", "fan_service_reply", "private_reply", "public_reply"]
DEFAULT_PLATFORM = "default"


class Wording(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_language(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en


class ContactAlert(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    urgent_minutes_left: int = Field(ge=0)


class PlatformPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    routes: list[SocialRoute] = Field(description="best first; empty: contact by hand")
    fan_service_reply_within_hours: float | None = Field(default=None, gt=0)
    page_size: int = Field(gt=0, le=200)
    max_pages_per_run: int = Field(gt=0, le=100)
    max_text_chars: int = Field(gt=0)

    @model_validator(mode="after")
    def _routes_once(self) -> "PlatformPolicy":
        if len(set(self.routes)) != len(self.routes):
            raise ValueError("routes: each route at most once")
        return self


class InboundWebhookPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_posts: int = Field(gt=0)
    max_text_chars: int = Field(gt=0)
    signature_window_seconds: int = Field(gt=0)


class SocialPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    private_message: Wording
    public_invite: Wording
    contact_alert: ContactAlert
    platforms: dict[str, PlatformPolicy]
    inbound_webhook: InboundWebhookPolicy

    @model_validator(mode="after")
    def _has_default(self) -> "SocialPolicy":
        if DEFAULT_PLATFORM not in self.platforms:
            raise ValueError(f"platforms: a '{DEFAULT_PLATFORM}' entry is required for unknown platforms")
        for wording in (self.private_message, self.public_invite):
            shortest = min(p.max_text_chars for p in self.platforms.values())
            for text in (wording.zh, wording.en):
                if len(text) > shortest:
                    raise ValueError(f"message longer than a platform allows ({shortest} chars): {text!r}")
        return self

    def platform(self, name: str) -> PlatformPolicy:
        return self.platforms.get(name) or self.platforms[DEFAULT_PLATFORM]

    def message_for(self, route: SocialRoute, language: Language) -> str:
        """What to send by `route`: the private question, or in public only the invitation."""
        wording = self.public_invite if route == "public_reply" else self.private_message
        return wording.in_language(language)
