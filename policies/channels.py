"""Schema of channels.yaml: which chat groups get which alerts, and how an unacknowledged critical
alert climbs the escalation ladder (R-ROUTE-1/4, R-SLA-6)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.rule_ids import RuleId
from policies.taxonomy import Language

ChatPlatform = Literal["dingtalk", "feishu", "wecom", "slack"]
AlertTopic = Literal["critical", "sla"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChatChannel(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    platform: ChatPlatform
    language: Language
    topics: list[AlertTopic] = Field(default_factory=list)
    causes: list[str] = Field(default_factory=list, description="only these causes; empty = all")

    def wants(self, topic: str, cause: str) -> bool:
        return topic in self.topics and (not self.causes or cause in self.causes)


class Escalation(_Strict):
    rule: RuleId
    topics: list[AlertTopic]
    ack_minutes: float = Field(gt=0)
    max_steps: int = Field(ge=0)
    ladder: list[str]
    link_valid_hours: float = Field(gt=0)


class ChannelsPolicy(_Strict):
    rule: RuleId
    channels: list[ChatChannel]
    escalation: Escalation
    send_limits_per_minute: dict[ChatPlatform, int] = Field(
        description="messages one bot may send per minute, by platform (the platform's own limit)"
    )

    @model_validator(mode="after")
    def _names_resolve(self) -> Self:
        names = [c.name for c in self.channels]
        if len(set(names)) != len(names):
            raise ValueError(f"channel names repeat: {sorted(n for n in names if names.count(n) > 1)}")
        unknown = [n for n in self.escalation.ladder if n not in names]
        if unknown:
            raise ValueError(f"escalation.ladder names channels not listed: {unknown}")
        if self.escalation.max_steps > len(self.escalation.ladder):
            raise ValueError("escalation.max_steps is longer than the ladder")
        unlimited = sorted({c.platform for c in self.channels} - set(self.send_limits_per_minute))
        if unlimited:
            raise ValueError(f"send_limits_per_minute lacks the platforms {unlimited}")
        if any(limit < 1 for limit in self.send_limits_per_minute.values()):
            raise ValueError("every send limit must be at least 1 a minute")
        return self

    def channel(self, name: str) -> ChatChannel:
        return next(c for c in self.channels if c.name == name)

    def for_alert(self, topic: str, cause: str) -> list[ChatChannel]:
        """The channels that get this alert when it is raised."""
        return [c for c in self.channels if c.wants(topic, cause)]

    def needs_ack(self, topic: str) -> bool:
        return topic in self.escalation.topics

    def next_step(self, steps_taken: int) -> ChatChannel | None:
        """Where an unacknowledged alert goes after `steps_taken` escalations, or None at the top."""
        if steps_taken >= self.escalation.max_steps:
            return None
        return self.channel(self.escalation.ladder[steps_taken])
