"""Typed failures of the Zendesk client.

Callers decide what to do from the *type* alone: requeue with a delay
(`ZendeskRetryLater`), re-read and try again (`ZendeskConflict`), give up on a
bad request (`ZendeskValidationError`), page an operator (`ZendeskAuthError`).
Messages carry the method, the API path and Zendesk's error code, never
credentials: they end up in logs and in the audit archive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ZendeskError(Exception):
    """Base of every failure raised by the Zendesk client."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        description: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.description = description
        self.method = method
        self.path = path


class ZendeskConfigError(ZendeskError):
    """Credentials or settings are missing or malformed (no request was made)."""


class ZendeskAuthError(ZendeskError):
    """401/403: the token is wrong, revoked, or lacks the role for this call."""


class ZendeskNotFound(ZendeskError):
    """404: the ticket (or other record) does not exist, or was purged."""


class ZendeskConflict(ZendeskError):
    """409: `safe_update` saw a newer ticket than our `updated_stamp`: re-read, then retry."""


class ZendeskValidationError(ZendeskError):
    """422: Zendesk refused the record; `details` says which fields and why."""

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.details: dict[str, Any] = dict(details or {})


class ZendeskRetryLater(ZendeskError):
    """Not now, but later: the caller requeues the work `retry_after_seconds` from now.

    Lambdas must not sleep through rate limits, so nothing in the client waits
    for this: it is raised at once and the queue does the waiting.
    """

    def __init__(self, message: str, *, retry_after_seconds: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after_seconds = retry_after_seconds


class ZendeskRateLimited(ZendeskRetryLater):
    """429 from Zendesk, with the wait taken from its `Retry-After` header."""


class WriteBudgetExhausted(ZendeskRetryLater):
    """Our own ticket-write budget is spent; raised before any request is sent.

    The budget keeps part of Zendesk's shared Update Ticket limit free for the
    agents working in the UI.
    """


class ZendeskUnavailable(ZendeskError):
    """5xx or connection failure that retrying did not cure (or that was unsafe to retry)."""

    def __init__(self, message: str, *, attempts: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.attempts = attempts
