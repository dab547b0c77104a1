"""Webhooks in the sandbox: the registry behind /api/v2/webhooks, and delivery.

Delivery follows Zendesk's event-subscription contract: a POST with a JSON
event payload, signed as base64(HMAC-SHA256(secret, timestamp + raw body)),
with the timestamp in `X-Zendesk-Webhook-Signature-Timestamp` and one
`X-Zendesk-Webhook-Invocation-Id` shared by all attempts of a delivery (so
receivers can dedupe retries). Deliveries run on a background worker, never
inside the API request that caused them, and failures (connection errors,
non-2xx) are retried with exponential backoff.

Only webhooks subscribed to `zen:event-type:ticket.*` events get deliveries:
trigger-connected webhooks (`conditional_ticket_events`) need triggers, which
the sandbox does not run.
"""

from __future__ import annotations

import base64
import copy
import heapq
import itertools
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from integrations.zendesk.webhook_signature import sign
from local.zendesk.sandbox_clock import iso_precise, iso_seconds
from local.zendesk.sandbox_errors import not_found, webhook_invalid
from local.zendesk.sandbox_settings import SandboxSettings
from local.zendesk.sandbox_tickets import TicketEvent

logger = logging.getLogger(__name__)

Json = dict[str, Any]
EVENT_VERSION = "2022-11-06"
_HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_FORMATS = ("json", "xml", "form_encoded")
_AUTH_TYPES = ("basic_auth", "bearer_token", "api_key")
# Deliveries go straight to the endpoint: a proxy from the environment must not swallow loopback calls.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class WebhookRegistry:
    """The account's webhooks and their signing secrets. Callers hold the sandbox lock."""

    def __init__(self, clock: Callable[[], float], creator_id: int) -> None:
        self._clock = clock
        self._creator_id = creator_id
        self._webhooks: dict[str, Json] = {}
        self._secrets: dict[str, str] = {}

    def create(self, data: Any) -> Json:
        hook = data.get("webhook") if isinstance(data, Mapping) else None
        if not isinstance(hook, Mapping):
            raise webhook_invalid("webhook is required", "/webhook")
        subscriptions, auth = _validated(hook)
        webhook_id = "01" + uuid.uuid4().hex[:24].upper()
        now = iso_seconds(self._clock())
        self._webhooks[webhook_id] = {
            "id": webhook_id,
            "name": str(hook["name"]),
            "description": str(hook.get("description") or ""),
            "status": hook["status"],
            "subscriptions": list(subscriptions),
            "endpoint": str(hook["endpoint"]),
            "http_method": hook["http_method"],
            "request_format": hook["request_format"],
            "authentication": copy.deepcopy(dict(auth)) if auth else None,
            "created_at": now,
            "created_by": str(self._creator_id),
            "updated_at": now,
        }
        self._secrets[webhook_id] = secrets.token_urlsafe(32)
        return self.show(webhook_id)

    def patch(self, webhook_id: str, data: Any) -> None:
        """JSON merge patch of a webhook (PATCH /api/v2/webhooks/{id}); Zendesk answers 204."""
        current = self._webhooks.get(webhook_id)
        if current is None:
            raise not_found()
        changes = data.get("webhook") if isinstance(data, Mapping) else None
        if not isinstance(changes, Mapping):
            raise webhook_invalid("webhook is required", "/webhook")
        merged = {
            **current,
            **{k: v for k, v in changes.items() if k not in ("id", "created_at", "created_by")},
        }
        subscriptions, _ = _validated(merged)
        merged["subscriptions"] = subscriptions
        merged["updated_at"] = iso_seconds(self._clock())
        self._webhooks[webhook_id] = merged

    def show(self, webhook_id: str) -> Json:
        if webhook_id not in self._webhooks:
            raise not_found()
        shown = copy.deepcopy(self._webhooks[webhook_id])
        if shown["authentication"]:  # Zendesk never returns the credentials it sends.
            shown["authentication"] = {
                k: v for k, v in shown["authentication"].items() if k in ("type", "add_position")
            }
        else:
            shown.pop("authentication")
        return shown

    def list_webhooks(self) -> list[Json]:
        return [self.show(webhook_id) for webhook_id in self._webhooks]

    def delete(self, webhook_id: str) -> None:
        if self._webhooks.pop(webhook_id, None) is None:
            raise not_found()
        self._secrets.pop(webhook_id, None)

    def signing_secret(self, webhook_id: str) -> Json:
        if webhook_id not in self._webhooks:
            raise not_found()
        return {"algorithm": "SHA256", "secret": self._secrets[webhook_id]}

    def targets_for(self, event_type: str) -> list[_Target]:
        """Snapshots of the active webhooks subscribed to this event type."""
        return [
            _Target(
                hook["id"], hook["endpoint"], self._secrets[hook["id"]], copy.deepcopy(hook["authentication"])
            )
            for hook in self._webhooks.values()
            if hook["status"] == "active" and event_type in hook["subscriptions"]
        ]


@dataclass(frozen=True)
class _Target:
    webhook_id: str
    endpoint: str
    secret: str
    authentication: Json | None


@dataclass(frozen=True)
class Delivery:
    """One delivery attempt, as a test sees it afterwards."""

    webhook_id: str
    invocation_id: str
    event_id: str
    event_type: str
    attempt: int
    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class _Job:
    target: _Target
    body: bytes
    event_id: str
    event_type: str
    invocation_id: str
    attempt: int = 1


def _validated(hook: Mapping[str, Any]) -> tuple[list[str], Any]:
    """Zendesk's checks of a webhook definition: its subscriptions and authentication, once valid."""
    for name in ("name", "endpoint", "http_method", "request_format", "status"):
        if not str(hook.get(name) or "").strip():
            raise webhook_invalid(f"{name} is required", f"/webhook/{name}")
    if not str(hook["endpoint"]).startswith(("http://", "https://")):
        raise webhook_invalid("endpoint must be an http(s) URL", "/webhook/endpoint")
    if hook["http_method"] not in _HTTP_METHODS:
        raise webhook_invalid("http_method is not valid", "/webhook/http_method")
    if hook["request_format"] not in _FORMATS:
        raise webhook_invalid("request_format is not valid", "/webhook/request_format")
    if hook["status"] not in ("active", "inactive"):
        raise webhook_invalid("status must be active or inactive", "/webhook/status")
    subscriptions = hook.get("subscriptions") or []
    if not isinstance(subscriptions, list) or not all(isinstance(s, str) for s in subscriptions):
        raise webhook_invalid("subscriptions must be a list of strings", "/webhook/subscriptions")
    events = [s for s in subscriptions if s.startswith("zen:event-type:")]
    if events and "conditional_ticket_events" in subscriptions:
        raise webhook_invalid(
            "a webhook cannot both subscribe to events and connect to triggers", "/webhook/subscriptions"
        )
    if events and (hook["http_method"] != "POST" or hook["request_format"] != "json"):
        raise webhook_invalid(
            "event subscriptions need http_method POST and request_format json", "/webhook/http_method"
        )
    auth = hook.get("authentication")
    if auth is not None and (not isinstance(auth, Mapping) or auth.get("type") not in _AUTH_TYPES):
        raise webhook_invalid("authentication type is not valid", "/webhook/authentication/type")
    return list(subscriptions), auth


def event_payload(event: TicketEvent, account_id: int, now: float) -> Json:
    """The event-subscription JSON body for one ticket event."""
    ticket = event.ticket
    return {
        "account_id": account_id,
        "detail": {
            "actor_id": str(event.actor_id),
            "assignee_id": _id_text(ticket["assignee_id"]),
            "brand_id": None,
            "created_at": ticket["created_at"],
            "custom_status": None,
            "description": ticket["description"],
            "external_id": ticket["external_id"],
            "form_id": None,
            "group_id": _id_text(ticket["group_id"]),
            "id": str(ticket["id"]),
            "is_public": ticket["is_public"],
            "organization_id": None,
            "priority": ticket["priority"].upper() if ticket["priority"] else None,
            "requester_id": _id_text(ticket["requester_id"]),
            "status": ticket["status"].upper(),
            "subject": ticket["subject"],
            "submitter_id": _id_text(ticket["submitter_id"]),
            "tags": list(ticket["tags"]),
            "type": ticket["type"].upper() if ticket["type"] else None,
            "updated_at": ticket["updated_at"],
            "via": {"channel": "web_service"},
        },
        "event": {
            **copy.deepcopy(event.event),
            "meta": {"sequence": {"id": event.sequence_id, "position": event.position, "total": event.total}},
        },
        "id": str(uuid.uuid4()),
        "subject": f"zen:ticket:{ticket['id']}",
        "time": iso_precise(now),
        "type": event.type,
        "zendesk_event_version": EVENT_VERSION,
    }


def _id_text(value: Any) -> str | None:
    return None if value is None else str(value)


class WebhookDispatcher:
    """A background worker that delivers, signs and retries webhook requests."""

    def __init__(self, settings: SandboxSettings) -> None:
        self._settings = settings
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, _Job]] = []
        self._order = itertools.count()
        self._busy = 0
        self._stopping = False
        self._deliveries: list[Delivery] = []
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="zendesk-sandbox-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def submit(self, target: _Target, payload: Json) -> None:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        job = _Job(target, body, payload["id"], payload["type"], str(uuid.uuid4()))
        self._push(time.monotonic(), job)

    def deliveries(self) -> list[Delivery]:
        with self._cond:
            return list(self._deliveries)

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or in flight (including pending retries)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def _push(self, due: float, job: _Job) -> None:
        with self._cond:
            heapq.heappush(self._queue, (due, next(self._order), job))
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    if self._queue and self._queue[0][0] <= time.monotonic():
                        break
                    wait = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                _, _, job = heapq.heappop(self._queue)
                self._busy += 1
            status, error = self._send(job)
            record = Delivery(
                job.target.webhook_id,
                job.invocation_id,
                job.event_id,
                job.event_type,
                job.attempt,
                status,
                error,
            )
            with self._cond:
                self._deliveries.append(record)
                if not record.ok and job.attempt < self._settings.webhook_max_attempts:
                    delay = self._settings.webhook_backoff_seconds * (2 ** (job.attempt - 1))
                    retry = _Job(
                        job.target, job.body, job.event_id, job.event_type, job.invocation_id, job.attempt + 1
                    )
                    heapq.heappush(self._queue, (time.monotonic() + delay, next(self._order), retry))
                self._busy -= 1
                self._cond.notify_all()

    def _send(self, job: _Job) -> tuple[int | None, str | None]:
        timestamp = iso_seconds(self._settings.clock())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Zendesk Webhook",
            "X-Zendesk-Account-Id": str(self._settings.account_id),
            "X-Zendesk-Webhook-Id": job.target.webhook_id,
            "X-Zendesk-Webhook-Invocation-Id": job.invocation_id,
            "X-Zendesk-Webhook-Signature": sign(job.target.secret, timestamp, job.body),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
            **_auth_headers(job.target.authentication),
        }
        request = urllib.request.Request(job.target.endpoint, data=job.body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=self._settings.webhook_timeout_seconds) as response:
                response.read()
                return response.status, None
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.code, None
        except (OSError, ValueError) as exc:
            logger.debug("webhook %s attempt %d failed: %s", job.target.webhook_id, job.attempt, exc)
            return None, type(exc).__name__


def _auth_headers(auth: Mapping[str, Any] | None) -> dict[str, str]:
    """Headers for a webhook's `authentication` (basic_auth, bearer_token or api_key)."""
    if not auth:
        return {}
    data = auth.get("data") or {}
    if auth.get("type") == "basic_auth":
        pair = f"{data.get('username', '')}:{data.get('password', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    if auth.get("type") == "bearer_token":
        return {"Authorization": f"Bearer {data.get('token', '')}"}
    if auth.get("type") == "api_key" and data.get("name"):
        return {str(data["name"]): str(data.get("value", ""))}
    return {}
