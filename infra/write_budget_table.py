"""The ticket-write budget shared by every Lambda instance of one Zendesk account, in DynamoDB.

Each Lambda instance has its own memory, so `InMemoryWriteBudget` would give every instance a full
budget. This one counts in the complaints table instead: one item per account and fixed window,

    pk = "WRITE_BUDGET#<account>", sk = "WINDOW#<window start, epoch seconds>",
    writes (N): writes granted in that window, expires_at (N): when DynamoDB's TTL may delete it,

and grants a write with one conditional `ADD writes :one` that succeeds only while
`writes < limit`, so concurrent instances can never overspend (DynamoDB serialises writes to an
item). A fixed window can grant up to twice the limit within one window's length around a
boundary (the end of one window, the start of the next): choose the limit with that in mind.

The same counter keeps each chat bot within its platform's send limit (`partition_prefix`
CHAT_BUDGET#, `refused` raising the chat sender's rate-limit error): functions/notifier.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from integrations.zendesk.errors import WriteBudgetExhausted

PARTITION_PREFIX = "WRITE_BUDGET#"
WINDOW_PREFIX = "WINDOW#"
DEFAULT_WINDOW_SECONDS = 60
EXPIRY_AFTER_WINDOW_SECONDS = 86_400
"""A window's item outlives the window by a day (for inspection), then TTL removes it."""
_REFUSED = "ConditionalCheckFailedException"


class DynamoDBWriteBudget:
    """Fixed-window counter per account in DynamoDB; implements the `WriteBudget` protocol.

    table           a boto3 `dynamodb.Table` resource whose key is pk (S, HASH) + sk (S, RANGE)
    account         the Zendesk account (subdomain) whose limit is shared
    limit           writes granted per window across all instances
    window_seconds  window length (default 60, Zendesk's rate-limit period)
    clock           epoch seconds; windows align to multiples of window_seconds since the epoch

    Errors other than "budget spent" (throttling, a missing table...) propagate unchanged, so the
    caller retries the message as for any other failure.
    """

    def __init__(
        self,
        table: Any,
        *,
        account: str,
        limit: int,
        window_seconds: int = DEFAULT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
        partition_prefix: str = PARTITION_PREFIX,
        refused: Callable[[str, int], Exception] | None = None,
    ) -> None:
        if not account:
            raise ValueError("account must not be empty")
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if window_seconds < 1:
            raise ValueError("window_seconds must be at least 1")
        self._table = table
        self._account = account
        self._limit = limit
        self._window = window_seconds
        self._clock = clock
        self._prefix = partition_prefix
        self._refused = refused

    @property
    def limit(self) -> int:
        return self._limit

    def acquire(self) -> None:
        """Take one write from this window's budget; raise `WriteBudgetExhausted` when none is left."""
        now = self._clock()
        window_start = int(now // self._window) * self._window
        window_end = window_start + self._window
        try:
            self._table.update_item(
                Key={"pk": f"{self._prefix}{self._account}", "sk": f"{WINDOW_PREFIX}{window_start}"},
                UpdateExpression="ADD writes :one SET expires_at = :expires_at",
                ConditionExpression="attribute_not_exists(writes) OR writes < :limit",
                ExpressionAttributeValues={
                    ":one": 1,
                    ":limit": self._limit,
                    ":expires_at": window_end + EXPIRY_AFTER_WINDOW_SECONDS,
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != _REFUSED:
                raise
            wait = max(1, math.ceil(window_end - now))
            if self._refused is not None:  # another budget's own error (a chat bot's send limit)
                raise self._refused(self._account, wait) from exc
            raise WriteBudgetExhausted(
                f"fleet ticket write budget of {self._limit} per {self._window}s "
                f"for account {self._account} is spent",
                retry_after_seconds=wait,
            ) from exc

    def __repr__(self) -> str:
        return (
            f"DynamoDBWriteBudget(account={self._account!r}, limit={self._limit}, "
            f"window_seconds={self._window})"
        )
