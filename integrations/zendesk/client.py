"""The Zendesk Support API client the plugin uses for every call.

Design choices, and why:
- One method per endpoint we need; payloads are the plain objects of the API
  (the client adds and removes the `{"ticket": ...}` envelopes).
- Failures become typed errors (see `errors.py`) so callers branch on type.
- 429 is never slept on: `ZendeskRateLimited` carries `Retry-After` and the
  caller requeues. Only server errors and connection failures are retried here,
  with exponential backoff, and only where repeating cannot write twice:
  reads, upserts and `safe_update` writes (a repeat of an applied safe update
  gets 409, not a second internal note) are retried on any 5xx, connection
  error or timeout; other writes only when the request provably did not reach
  Zendesk's application (connect failure, 502/503/504).
- Ticket writes first take a slot from a `WriteBudget`, so agents keep room
  under the shared Update Ticket limit.
- Credentials live only in the `requests` auth object: never in logs,
  exception messages or reprs.
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import SecretStr
from requests.auth import HTTPBasicAuth
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from integrations.backoff import ExponentialBackoff
from integrations.zendesk.credentials import ZendeskCredentials
from integrations.zendesk.errors import (
    ZendeskAuthError,
    ZendeskConflict,
    ZendeskError,
    ZendeskNotFound,
    ZendeskRateLimited,
    ZendeskUnavailable,
    ZendeskValidationError,
)
from integrations.zendesk.write_budget import WriteBudget

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)
DEFAULT_RETRY_AFTER_SECONDS = 60  # Zendesk's limits are per minute: a full window is the safe guess.
_GATEWAY_STATUSES = frozenset({502, 503, 504})
_MAX_PAGES = 1000


DEFAULT_BACKOFF = ExponentialBackoff()


class ZendeskClient:
    """Talks to one Zendesk account (or the local sandbox) as one agent."""

    def __init__(
        self,
        base_url: str,
        email: str,
        api_token: str | SecretStr,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff: Callable[[int], float] = DEFAULT_BACKOFF,
        write_budget: WriteBudget | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self._base_url = base_url.rstrip("/")
        self._email = email
        token = api_token.get_secret_value() if isinstance(api_token, SecretStr) else api_token
        # The only place the token lives; HTTPBasicAuth has no repr that shows it.
        self._auth = HTTPBasicAuth(f"{email}/token", token)
        self._timeout = timeout
        self._max_retries = max_retries
        self._backoff = backoff
        self._write_budget = write_budget
        self._session = session or requests.Session()
        self._sleep = sleep

    @classmethod
    def from_credentials(cls, credentials: ZendeskCredentials, **kwargs: Any) -> ZendeskClient:
        """Build a client from loaded credentials (see `credentials.py`)."""
        return cls(credentials.url, credentials.email, credentials.api_token, **kwargs)

    def __repr__(self) -> str:
        return f"ZendeskClient(base_url={self._base_url!r}, email={self._email!r})"

    @property
    def base_url(self) -> str:
        return self._base_url

    def agent_url(self, ticket_id: int) -> str:
        """Where an agent opens the ticket (the link alerts carry)."""
        return f"{self._base_url}/agent/tickets/{int(ticket_id)}"

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    def __enter__(self) -> ZendeskClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- tickets -------------------------------------------------------
    def get_ticket(self, ticket_id: int) -> dict[str, Any]:
        return self._call("GET", f"/api/v2/tickets/{int(ticket_id)}.json")["ticket"]

    def create_ticket(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Create a ticket from the inner ticket object (subject, comment, requester, ...)."""
        self._take_write_slot()
        body = self._call("POST", "/api/v2/tickets.json", json={"ticket": dict(payload)}, idempotent=False)
        return body["ticket"]

    def update_ticket(
        self, ticket_id: int, changes: Mapping[str, Any], *, updated_stamp: str | None = None
    ) -> dict[str, Any]:
        """Apply `changes` in one PUT; with `updated_stamp`, only if nobody wrote since (else 409).

        Prefer `additional_tags`/`remove_tags` over `tags`: plain `tags`
        overwrites what agents and triggers added.
        """
        ticket = dict(changes)
        if updated_stamp is not None:
            ticket["safe_update"] = True
            ticket["updated_stamp"] = updated_stamp
        self._take_write_slot()
        body = self._call(
            "PUT",
            f"/api/v2/tickets/{int(ticket_id)}.json",
            json={"ticket": ticket},
            idempotent=updated_stamp is not None,
        )
        return body["ticket"]

    def upload(self, file_name: str, content: bytes, content_type: str) -> str:
        """Upload a file (POST /api/v2/uploads); the token attaches it to a comment (`uploads`)."""
        body = self._call(
            "POST",
            "/api/v2/uploads.json",
            params={"filename": file_name},
            data=content,
            content_type=content_type,
            idempotent=False,
        )
        return str(body["upload"]["token"])

    def find_tickets_by_external_id(self, external_id: str) -> list[dict[str, Any]]:
        return self._collect("/api/v2/tickets.json", "tickets", params={"external_id": external_id})

    def list_audits(self, ticket_id: int) -> list[dict[str, Any]]:
        return self._collect(f"/api/v2/tickets/{int(ticket_id)}/audits.json", "audits")

    def list_comments(self, ticket_id: int) -> list[dict[str, Any]]:
        return self._collect(f"/api/v2/tickets/{int(ticket_id)}/comments.json", "comments")

    # ---- ticket fields, groups, schedules ------------------------------
    def list_ticket_fields(self) -> list[dict[str, Any]]:
        return self._collect("/api/v2/ticket_fields.json", "ticket_fields")

    def create_ticket_field(self, field: Mapping[str, Any]) -> dict[str, Any]:
        body = self._call(
            "POST", "/api/v2/ticket_fields.json", json={"ticket_field": dict(field)}, idempotent=False
        )
        return body["ticket_field"]

    def update_ticket_field(self, field_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        body = self._call(
            "PUT", f"/api/v2/ticket_fields/{int(field_id)}.json", json={"ticket_field": dict(changes)}
        )
        return body["ticket_field"]

    def list_groups(self) -> list[dict[str, Any]]:
        return self._collect("/api/v2/groups.json", "groups")

    def rate_ticket(self, ticket_id: int, score: str, comment: str = "") -> dict[str, Any]:
        """The requester's satisfaction rating of a solved ticket (as the requester: the client's
        e-mail must be theirs)."""
        body = {"satisfaction_rating": {"score": score, "comment": comment}}
        path = f"/api/v2/tickets/{int(ticket_id)}/satisfaction_rating.json"
        return self._call("POST", path, json=body, idempotent=False)["satisfaction_rating"]

    # ---- apps (the ticket sidebar app, issue 15) ------------------------------------
    def validate_app(self, package: bytes) -> None:
        """Zendesk's validation of an app package (what `zcli apps:validate` calls); raises on refusal."""
        self._call_multipart("/api/v2/apps/validate.json", "file", package)

    def upload_app(self, package: bytes) -> int:
        return int(self._call_multipart("/api/v2/apps/uploads.json", "uploaded_data", package)["id"])

    def create_app(self, name: str, upload_id: int) -> str:
        """Start building an app from an upload; the job's status tells when it is done."""
        body = {"name": name, "upload_id": upload_id}
        return str(self._call("POST", "/api/v2/apps.json", json=body, idempotent=False)["job_id"])

    def app_job(self, job_id: str) -> dict[str, Any]:
        return self._call("GET", f"/api/v2/apps/job_statuses/{job_id}.json")

    def list_app_installations(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/api/v2/apps/installations.json").get("installations") or [])

    def install_app(self, app_id: int, name: str) -> dict[str, Any]:
        body = {"app_id": app_id, "settings": {"name": name}}
        return self._call("POST", "/api/v2/apps/installations.json", json=body, idempotent=False)

    def _call_multipart(self, path: str, field: str, content: bytes) -> dict[str, Any]:
        from urllib3 import encode_multipart_formdata

        body, content_type = encode_multipart_formdata({field: ("app.zip", content, "application/zip")})
        return self._call("POST", path, data=body, content_type=content_type, idempotent=False)

    def list_macros(self) -> list[dict[str, Any]]:
        return self._collect("/api/v2/macros.json", "macros")

    def create_macro(self, macro: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/api/v2/macros.json", json={"macro": dict(macro)}, idempotent=False)[
            "macro"
        ]

    def create_group(self, group: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/api/v2/groups.json", json={"group": dict(group)}, idempotent=False)[
            "group"
        ]

    def list_schedules(self) -> list[dict[str, Any]]:
        return self._collect("/api/v2/business_hours/schedules.json", "schedules")

    def create_schedule(self, schedule: Mapping[str, Any]) -> dict[str, Any]:
        body = self._call(
            "POST",
            "/api/v2/business_hours/schedules.json",
            json={"schedule": dict(schedule)},
            idempotent=False,
        )
        return body["schedule"]

    # ---- SLA policies (Professional plans and above; 403/404 elsewhere) ---
    def list_sla_policies(self) -> list[dict[str, Any]]:
        return self._collect("/api/v2/slas/policies", "sla_policies")

    def create_sla_policy(self, policy: Mapping[str, Any]) -> dict[str, Any]:
        body = self._call(
            "POST", "/api/v2/slas/policies", json={"sla_policy": dict(policy)}, idempotent=False
        )
        return body["sla_policy"]

    def update_sla_policy(self, policy_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """PUT the policy; repeating the same PUT leaves the same policy, so it is retried like a read."""
        body = self._call(
            "PUT", f"/api/v2/slas/policies/{int(policy_id)}", json={"sla_policy": dict(changes)}
        )
        return body["sla_policy"]

    def delete_sla_policy(self, policy_id: int) -> None:
        # Not retried once sent: a repeat of a delete that landed would answer 404.
        self._call("DELETE", f"/api/v2/slas/policies/{int(policy_id)}", idempotent=False)

    # ---- webhooks -----------------------------------------------------
    def create_webhook(self, webhook: Mapping[str, Any]) -> dict[str, Any]:
        body = self._call("POST", "/api/v2/webhooks", json={"webhook": dict(webhook)}, idempotent=False)
        return body["webhook"]

    def patch_webhook(self, webhook_id: str, changes: Mapping[str, Any]) -> None:
        """JSON merge patch of a webhook (e.g. its subscriptions); Zendesk answers 204 No Content."""
        self._call(
            "PATCH",
            f"/api/v2/webhooks/{webhook_id}",
            json={"webhook": dict(changes)},
            content_type="application/merge-patch+json",
        )

    def list_webhooks(self) -> list[dict[str, Any]]:
        return self._collect("/api/v2/webhooks", "webhooks")

    def get_webhook_signing_secret(self, webhook_id: str) -> str:
        """The secret that signs this webhook's requests (HMAC-SHA256 over timestamp + body)."""
        return self._call("GET", f"/api/v2/webhooks/{webhook_id}/signing_secret")["signing_secret"]["secret"]

    # ---- users --------------------------------------------------------
    def me(self) -> dict[str, Any]:
        return self._call("GET", "/api/v2/users/me.json")["user"]

    def create_or_update_user(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """Upsert by e-mail or external_id (so repeating it is harmless)."""
        return self._call("POST", "/api/v2/users/create_or_update.json", json={"user": dict(user)})["user"]

    # ---- plumbing -----------------------------------------------------
    def _take_write_slot(self) -> None:
        if self._write_budget is not None:
            self._write_budget.acquire()

    def _collect(
        self, path: str, key: str, *, params: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a list endpoint, following offset (`next_page`) or cursor (`links.next`) pages."""
        return list(self._pages(path, key, params))

    def _pages(self, path: str, key: str, params: Mapping[str, str] | None) -> Iterator[dict[str, Any]]:
        target: str = path
        query: Mapping[str, str] | None = params
        for _ in range(_MAX_PAGES):
            body = self._call("GET", target, params=query)
            yield from body.get(key, [])
            next_url = body.get("next_page")
            if not next_url and body.get("meta", {}).get("has_more"):
                next_url = body.get("links", {}).get("next")
            if not next_url:
                return
            target, query = self._same_origin_path(next_url), None
        raise ZendeskError(f"GET {path}: more than {_MAX_PAGES} pages", method="GET", path=path)

    def _same_origin_path(self, url: str) -> str:
        """Turn a next-page URL into a path, refusing other hosts (our credentials go with it)."""
        here, there = urlsplit(self._base_url), urlsplit(url)
        if (there.scheme, there.netloc) != (here.scheme, here.netloc):
            raise ZendeskError("pagination link points outside the Zendesk account; not followed")
        return there.path + (f"?{there.query}" if there.query else "")

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        idempotent: bool = True,
        data: bytes | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        url = self._base_url + path
        shown = path.split("?", 1)[0]
        attempt = 0
        while True:
            attempt += 1
            try:
                headers = {"Accept": "application/json"}
                if content_type is not None:
                    headers["Content-Type"] = content_type
                response = self._session.request(
                    method,
                    url,
                    json=json,
                    data=data,
                    params=params,
                    auth=self._auth,
                    timeout=self._timeout,
                    headers=headers,
                )
            except requests.RequestException as exc:
                retry = _retryable_exception(exc, idempotent)
                logger.warning(
                    "zendesk %s %s failed: %s (attempt %d)", method, shown, type(exc).__name__, attempt
                )
                if retry and attempt <= self._max_retries:
                    self._sleep(self._backoff(attempt))
                    continue
                raise ZendeskUnavailable(
                    f"{method} {shown}: {type(exc).__name__} after {attempt} attempt(s)",
                    attempts=attempt,
                    method=method,
                    path=shown,
                ) from None
            status = response.status_code
            logger.debug("zendesk %s %s -> %d (attempt %d)", method, shown, status, attempt)
            if status >= 500:
                if (idempotent or status in _GATEWAY_STATUSES) and attempt <= self._max_retries:
                    self._sleep(self._backoff(attempt))
                    continue
                code, description, _ = _error_parts(response)
                raise ZendeskUnavailable(
                    f"{method} {shown}: HTTP {status} after {attempt} attempt(s)",
                    attempts=attempt,
                    status=status,
                    error_code=code,
                    description=description,
                    method=method,
                    path=shown,
                )
            if status >= 400:
                raise _error_for(response, method, shown)
            if status == 204 or not response.content:
                return {}
            try:
                return response.json()
            except ValueError:
                raise ZendeskError(
                    f"{method} {shown}: HTTP {status} with a body that is not JSON",
                    status=status,
                    method=method,
                    path=shown,
                ) from None


def _retryable_exception(exc: requests.RequestException, idempotent: bool) -> bool:
    if idempotent:
        return isinstance(exc, requests.ConnectionError | requests.Timeout)
    return _never_sent(exc)


def _never_sent(exc: BaseException) -> bool:
    """True when the connection itself failed, so Zendesk cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectTimeoutError):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            current = reason
            continue
        args_exc = next((a for a in getattr(current, "args", ()) if isinstance(a, BaseException)), None)
        current = args_exc or current.__cause__ or current.__context__
    return False


def _error_parts(response: requests.Response) -> tuple[str | None, str | None, dict[str, Any]]:
    """Zendesk's error code, description and details, from either of its error shapes."""
    try:
        body = response.json()
    except ValueError:
        return None, None, {}
    if not isinstance(body, dict):
        return None, None, {}
    error = body.get("error")
    if isinstance(error, dict):  # {"error": {"title": ..., "message": ...}}
        return error.get("title"), error.get("message"), {}
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):  # webhooks API shape
        first = errors[0]
        return first.get("code"), first.get("title") or first.get("detail"), {"errors": errors}
    details = body.get("details")
    return (
        error if isinstance(error, str) else None,
        body.get("description") if isinstance(body.get("description"), str) else None,
        details if isinstance(details, dict) else {},
    )


def _error_for(response: requests.Response, method: str, path: str) -> ZendeskError:
    status = response.status_code
    code, description, details = _error_parts(response)
    message = (
        f"{method} {path}: HTTP {status}"
        + (f" {code}" if code else "")
        + (f": {description}" if description else "")
    )
    common: dict[str, Any] = {
        "status": status,
        "error_code": code,
        "description": description,
        "method": method,
        "path": path,
    }
    if status in (401, 403):
        return ZendeskAuthError(message, **common)
    if status == 404:
        return ZendeskNotFound(message, **common)
    if status == 409:
        return ZendeskConflict(message, **common)
    if status == 422:
        return ZendeskValidationError(message, details=details, **common)
    if status == 429:
        return ZendeskRateLimited(message, retry_after_seconds=parse_retry_after(response.headers), **common)
    return ZendeskError(message, **common)


def parse_retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> int:
    """Whole seconds to wait, from `Retry-After` (seconds or HTTP date); a full minute if absent or odd."""
    raw = (headers.get("Retry-After") or "").strip()
    if not raw:
        return DEFAULT_RETRY_AFTER_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return DEFAULT_RETRY_AFTER_SECONDS
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return DEFAULT_RETRY_AFTER_SECONDS
    return max(1, math.ceil(seconds))
