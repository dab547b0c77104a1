"""What every Lambda needs of Zendesk, built the same way: the client (credentials, the fleet-wide
write budget) and the account's field and group ids, cached."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from infra.write_budget_table import DynamoDBWriteBudget
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.credentials import credentials_from_env, credentials_from_secret
from integrations.zendesk.ticket_fields import FieldCatalog


def zendesk_client(
    *, secret_name: str | None, complaints_table: Any, writes_per_minute: int
) -> ZendeskClient:
    """Credentials from Secrets Manager when `secret_name` is set, else from ZENDESK_URL/_EMAIL/_API_TOKEN."""
    credentials = credentials_from_secret(secret_name) if secret_name else credentials_from_env()
    budget = DynamoDBWriteBudget(
        complaints_table, account=urlsplit(credentials.url).netloc, limit=writes_per_minute
    )
    return ZendeskClient.from_credentials(credentials, write_budget=budget)


CATALOG_MAX_AGE_SECONDS = 300.0  # a bootstrap run after deploy is picked up within five minutes


class CachedCatalog:
    """The account's field and group ids, read at most once per `max_age` seconds."""

    def __init__(
        self,
        client: ZendeskClient,
        max_age: float = CATALOG_MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._max_age = max_age
        self._clock = clock
        self._catalog: FieldCatalog | None = None
        self._read_at = 0.0

    def __call__(self) -> FieldCatalog:
        now = self._clock()
        if self._catalog is None or now - self._read_at > self._max_age:
            self._catalog = FieldCatalog.from_account(
                self._client.list_ticket_fields(), self._client.list_groups()
            )
            self._read_at = now
        return self._catalog
