"""The chat bots' webhooks and secrets, from one JSON document (a Secrets Manager secret in AWS).

```json
{"ack_secret": "... (signs acknowledgement links)",
 "channels": {"pr_compliance": {"webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=...",
                                "secret": "SEC... (DingTalk and Feishu signing)"},
              "global_pr": {"webhook_url": "https://hooks.slack.com/services/..."}}}
```

A channel named in channels.yaml but missing here is an error naming it, never a silent skip.
Values are `SecretStr`, and errors name fields, never values.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from integrations.chat.sender import ChannelCredentials


class ChatCredentialsError(ValueError):
    """Credentials are missing or malformed; the message names the field or channel only."""


class _Channel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", hide_input_in_errors=True)

    webhook_url: SecretStr
    secret: SecretStr | None = None


class ChatCredentials(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", hide_input_in_errors=True)

    ack_secret: SecretStr
    channels: dict[str, _Channel] = Field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: str | bytes | dict[str, Any]) -> ChatCredentials:
        try:
            data = json.loads(raw) if isinstance(raw, str | bytes) else raw
            return cls.model_validate(data)
        except (ValueError, ValidationError) as exc:
            where = (
                [".".join(map(str, e["loc"])) for e in exc.errors()]
                if isinstance(exc, ValidationError)
                else []
            )
            raise ChatCredentialsError(
                f"chat credentials are malformed: {', '.join(where) or 'not JSON'}"
            ) from None

    def for_channel(self, name: str) -> ChannelCredentials:
        found = self.channels.get(name)
        if found is None:
            raise ChatCredentialsError(f"no webhook for chat channel {name!r} in the chat secret")
        secret = found.secret.get_secret_value() if found.secret is not None else None
        return ChannelCredentials(found.webhook_url.get_secret_value(), secret)
