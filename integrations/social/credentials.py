"""The social platforms' credentials, from one JSON document (a Secrets Manager secret in AWS).

```json
{"weibo": {"access_token": "...", "brand_uid": "...", "operator_ip": "203.0.113.7 (optional)"},
 "x": {"bearer_token": "...", "consumer_key": "...", "consumer_secret": "...",
       "access_token": "...", "access_token_secret": "...", "brand_user_id": "..."},
 "mastodon": {"api_base_url": "https://mastodon.social", "access_token": "...",
              "brand_account_id": "... (optional: read from the token when absent)"},
 "inbound_webhook": {"secret": "..."}}
```

Every platform is optional: a deployment holds only the ones it monitors, and asking for a
missing one raises `SocialCredentialsError` naming it. Secrets are `SecretStr` and validation
errors never echo input values, so neither a repr nor a traceback can leak them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

SECRET_MAX_AGE_SECONDS = 300
Platform = Literal["weibo", "x", "mastodon", "inbound_webhook"]


class SocialCredentialsError(ValueError):
    """Credentials are missing or malformed (no request was made). Names fields, never values."""


class _Secrets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", hide_input_in_errors=True)

    @field_validator("*", mode="after")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        if isinstance(value, SecretStr) and not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        if isinstance(value, str) and not value.strip():
            raise ValueError("must not be empty")
        return value


class WeiboCredentials(_Secrets):
    access_token: SecretStr
    brand_uid: str = Field(pattern=r"^\d+$", description="the brand account's numeric uid")
    operator_ip: str | None = Field(
        default=None,
        description="the public IP Weibo's comment API must be told (rip); none: no public replies",
    )


class XCredentials(_Secrets):
    bearer_token: SecretStr = Field(description="app-only token: reads mentions")
    consumer_key: SecretStr
    consumer_secret: SecretStr
    access_token: SecretStr = Field(description="OAuth 1.0a user context of the brand: sends")
    access_token_secret: SecretStr
    brand_user_id: str = Field(pattern=r"^\d+$")


class MastodonCredentials(_Secrets):
    api_base_url: str = Field(pattern=r"^https?://[^\s/]+", description="the brand account's instance")
    access_token: SecretStr
    brand_account_id: str | None = None


class InboundWebhookCredentials(_Secrets):
    secret: SecretStr = Field(description="HMAC-SHA256 key shared with the listening tool")


class SocialCredentials(_Secrets):
    weibo: WeiboCredentials | None = None
    x: XCredentials | None = None
    mastodon: MastodonCredentials | None = None
    inbound_webhook: InboundWebhookCredentials | None = None

    def require(self, platform: Platform) -> Any:
        """The named platform's credentials; `SocialCredentialsError` naming it when absent."""
        found = getattr(self, platform, None) if platform in type(self).model_fields else None
        if found is None:
            raise SocialCredentialsError(
                f"no credentials for {platform!r} in the social credentials document"
            )
        return found


def credentials_from_mapping(data: Mapping[str, Any]) -> SocialCredentials:
    """Validate the credentials document; errors list `platform.field: problem`, never values."""
    if not isinstance(data, Mapping):
        raise SocialCredentialsError("social credentials must be a JSON object")
    try:
        return SocialCredentials.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'credentials'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)
        )
        raise SocialCredentialsError(f"invalid social credentials ({problems})") from None


def credentials_from_json(document: str | bytes) -> SocialCredentials:
    """Parse and validate the JSON document (the secret's string)."""
    try:
        data = json.loads(document)
    except ValueError:
        # The parser's message quotes the document around the error: it may hold a secret.
        raise SocialCredentialsError("social credentials are not valid JSON") from None
    return credentials_from_mapping(data)


def credentials_from_secret(secret_name: str) -> SocialCredentials:
    """Load the document from AWS Secrets Manager, cached five minutes by Powertools.

    Powertools is imported here, not at module import, so connectors stay cheap to import.
    """
    from aws_lambda_powertools.utilities.parameters import get_secret

    value = get_secret(secret_name, max_age=SECRET_MAX_AGE_SECONDS)
    if isinstance(value, bytes | str):
        return credentials_from_json(value)
    raise SocialCredentialsError(f"secret {secret_name!r} is not a JSON string")
