"""Where the Zendesk API credentials come from, and how they stay secret.

In AWS they live in Secrets Manager (one JSON secret per account); locally
they come from the environment so the very same code can point at the sandbox
or at a real account. The token is a `SecretStr` and validation errors never
echo input values, so neither a repr nor a traceback can leak it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator, model_validator

from integrations.zendesk.errors import ZendeskConfigError

ENV_URL = "ZENDESK_URL"
ENV_EMAIL = "ZENDESK_EMAIL"
ENV_API_TOKEN = "ZENDESK_API_TOKEN"
SECRET_MAX_AGE_SECONDS = 300


class ZendeskCredentials(BaseModel):
    """An agent's e-mail and API token for one Zendesk account.

    Give either `subdomain` (real accounts: https://{subdomain}.zendesk.com)
    or `base_url` (the sandbox, or a host-mapped account).
    """

    model_config = ConfigDict(frozen=True, extra="ignore", hide_input_in_errors=True)

    subdomain: str | None = None
    base_url: str | None = None
    email: str
    api_token: SecretStr

    @field_validator("email")
    @classmethod
    def _email_has_at(cls, value: str) -> str:
        value = value.strip()
        if "@" not in value:
            raise ValueError("email must be an e-mail address")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url_is_http(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("base_url must start with https:// (or http:// for a local sandbox)")
        return value

    @model_validator(mode="after")
    def _one_address(self) -> ZendeskCredentials:
        if not self.subdomain and not self.base_url:
            raise ValueError("either subdomain or base_url is required")
        if not self.api_token.get_secret_value():
            raise ValueError("api_token is empty")
        return self

    @property
    def url(self) -> str:
        """The API root, without trailing slash."""
        if self.base_url:
            return self.base_url
        return f"https://{self.subdomain}.zendesk.com"


def credentials_from_mapping(data: Mapping[str, Any]) -> ZendeskCredentials:
    """Validate a mapping (secret JSON or environment) into credentials.

    Accepts `url` as an alias of `base_url`. Errors name the fields, never
    their values.
    """
    fields = dict(data)
    if "url" in fields and "base_url" not in fields:
        fields["base_url"] = fields.pop("url")
    try:
        return ZendeskCredentials.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'credentials'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)
        )
        raise ZendeskConfigError(f"invalid Zendesk credentials ({problems})") from None


def credentials_from_env(environ: Mapping[str, str] | None = None) -> ZendeskCredentials:
    """Read ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN."""
    env = os.environ if environ is None else environ
    missing = [name for name in (ENV_URL, ENV_EMAIL, ENV_API_TOKEN) if not env.get(name)]
    if missing:
        raise ZendeskConfigError(f"missing environment variables: {', '.join(missing)}")
    return credentials_from_mapping(
        {"base_url": env[ENV_URL], "email": env[ENV_EMAIL], "api_token": env[ENV_API_TOKEN]}
    )


def credentials_from_secret(secret_name: str) -> ZendeskCredentials:
    """Load credentials from a JSON secret in AWS Secrets Manager.

    The secret holds {"subdomain" | "base_url" | "url", "email", "api_token"}.
    Powertools caches it for five minutes, so a warm Lambda does not call
    Secrets Manager on every event yet picks up a rotated token soon after.
    Powertools is imported here, not at module import, to keep the client
    importable (and cheap) where AWS is not involved.
    """
    from aws_lambda_powertools.utilities.parameters import get_secret

    value = get_secret(secret_name, transform="json", max_age=SECRET_MAX_AGE_SECONDS)
    if not isinstance(value, Mapping):
        raise ZendeskConfigError(f"secret {secret_name!r} is not a JSON object")
    return credentials_from_mapping(value)
