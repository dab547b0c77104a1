"""The Zendesk client every Lambda builds the same way: credentials, and the fleet-wide write budget."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from infra.write_budget_table import DynamoDBWriteBudget
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.credentials import credentials_from_env, credentials_from_secret


def zendesk_client(
    *, secret_name: str | None, complaints_table: Any, writes_per_minute: int
) -> ZendeskClient:
    """Credentials from Secrets Manager when `secret_name` is set, else from ZENDESK_URL/_EMAIL/_API_TOKEN."""
    credentials = credentials_from_secret(secret_name) if secret_name else credentials_from_env()
    budget = DynamoDBWriteBudget(
        complaints_table, account=urlsplit(credentials.url).netloc, limit=writes_per_minute
    )
    return ZendeskClient.from_credentials(credentials, write_budget=budget)
