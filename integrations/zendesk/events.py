"""What a Zendesk webhook may send us, and the one normalised event we queue.

Two kinds of delivery reach the webhook endpoint, both signed the same way:

1. **Event subscriptions** (`zen:event-type:ticket.*`): Zendesk's own envelope::

       {"type": "zen:event-type:ticket.status_changed", "id": "<event uuid>",
        "time": "2026-01-01T09:30:00.123456Z", "account_id": 90000001,
        "zendesk_event_version": "2022-11-06", "subject": "zen:ticket:123",
        "detail": {"id": "123", "status": "OPEN", ...the ticket after the change...},
        "event": {"current": "OPEN", "previous": "NEW", "meta": {...}}}

   `id` is stable across retries and becomes the event id.

2. **Trigger webhooks** (a trigger's "Notify webhook" action). Zendesk sends
   whatever JSON body the admin pastes into the trigger. We ask for ids only
   (no names, no comment text: the triage reads the ticket through the API)::

       {"source": "trigger", "event": "ticket.created", "ticket_id": "{{ticket.id}}",
        "occurred_at": "{{ticket.updated_at_with_timestamp}}"}

   with `"event": "ticket.updated"` in the trigger that fires on updates
   (see `TRIGGER_BODIES`). Placeholders render as text, so `ticket_id` arrives
   as `"123"`. The body carries no event id on purpose: the only placeholder
   clock, `ticket.updated_at_with_timestamp`, has minute precision, so two
   updates in one minute would share an id and FIFO dedup would drop the
   second. The event id of a trigger delivery is instead the
   `X-Zendesk-Webhook-Invocation-Id` header: one per trigger firing, shared by
   all retries of it. Pass it to `parse_webhook(..., invocation_id=...)`.

Anything else (other Zendesk domains such as `zen:event-type:user.*`,
unknown trigger events, broken JSON) raises `MalformedWebhook` with a message
that says exactly what is wrong.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from integrations.zendesk.ticket_fields import GRADE_FIELDS

TICKET_EVENT_PREFIX = "zen:event-type:ticket."
GRADE_FIELD_TITLES = frozenset(GRADE_FIELDS.values())
_Model = TypeVar("_Model", bound=BaseModel)
# Zendesk ids are positive and fit a signed 64-bit integer; anything larger is not a ticket of theirs.
ZendeskId = Annotated[int, Field(gt=0, le=2**63 - 1)]


class MalformedWebhook(ValueError):
    """The body is not a webhook we accept; the message says what is wrong (safe to return and log)."""


class EventType(StrEnum):
    CREATED = "created"
    COMMENT_ADDED = "comment_added"
    STATUS_CHANGED = "status_changed"
    PRIORITY_CHANGED = "priority_changed"
    FIELD_CHANGED = "field_changed"  # a custom field changed: an agent may have corrected the grade
    TAGS_CHANGED = "tags_changed"  # tags changed: an agent's macro may have marked a lifecycle step
    UPDATED = "updated"  # trigger deliveries: something changed, read the ticket to see what
    OTHER = "other"  # any other zen:event-type:ticket.* event
    GROUP_COMPLAINT = "group_complaint"  # the plugin's own: this ticket joined a group complaint
    ALERT_ACKNOWLEDGED = "alert_acknowledged"  # the plugin's own: someone acknowledged its alert in chat


class EventSource(StrEnum):
    EVENT_SUBSCRIPTION = "event_subscription"
    TRIGGER = "trigger"
    PLUGIN = "plugin"  # events the plugin queues for itself (never accepted from the webhook)


class TicketEvent(BaseModel):
    """One ticket event, whichever way Zendesk delivered it.

    `detail` is what changed: the envelope's `event` object for event
    subscriptions (e.g. `{"current": "OPEN", "previous": "NEW"}`), or any extra
    fields of a trigger body. `zendesk_type` is the type as Zendesk named it
    (`zen:event-type:ticket.tags_changed`, `ticket.updated`), kept for `OTHER`.
    """

    model_config = ConfigDict(frozen=True)

    event_id: str = Field(min_length=1)
    event_type: EventType
    ticket_id: ZendeskId
    occurred_at: AwareDatetime
    source: EventSource
    zendesk_type: str
    detail: dict[str, Any] = Field(default_factory=dict)

    def ignored_reason(self, action_tags: frozenset[str] = frozenset()) -> str | None:
        """Why the triage need not see this event at all, or None: an internal note; a change of a
        custom field other than the grade the plugin writes (its own due-time fields among them);
        tags changed without any of `action_tags` added (the plugin's own tags among them)."""
        if self.is_internal_note:
            return "internal note"
        title = self.changed_field_title
        if (
            self.event_type is EventType.FIELD_CHANGED
            and title is not None
            and title not in GRADE_FIELD_TITLES
        ):
            return "a field other than the grade"
        added = self.tags_added
        if self.event_type is EventType.TAGS_CHANGED and added is not None and not added & action_tags:
            return "no lifecycle action tag added"
        return None

    @property
    def tags_added(self) -> frozenset[str] | None:
        """The tags a `tags_changed` event added (None when the payload does not say)."""
        added = self.detail.get("tags_added")
        if isinstance(added, list):
            return frozenset(map(str, added))
        current, previous = self.detail.get("current"), self.detail.get("previous")
        if isinstance(current, list) and isinstance(previous, list):
            return frozenset(map(str, current)) - frozenset(map(str, previous))
        return None

    @property
    def changed_field_title(self) -> str | None:
        """The title of the custom field a `custom_field_changed` event is about."""
        field = self.detail.get("custom_field")
        title = field.get("title") if isinstance(field, dict) else None
        return title if isinstance(title, str) else None

    @property
    def is_internal_note(self) -> bool:
        """A comment event for a private comment: internal notes change nothing the triage tracks
        (replies, requester messages and first responses are public), the plugin's own included."""
        comment = self.detail.get("comment")
        return (
            self.event_type is EventType.COMMENT_ADDED
            and isinstance(comment, dict)
            and comment.get("is_public") is False
        )


# ---- what arrives -----------------------------------------------------------


class _TicketDetail(BaseModel):
    """The ticket snapshot in an envelope's `detail`; only its id matters here (Zendesk sends it as text)."""

    id: ZendeskId


class EventEnvelope(BaseModel):
    """A Zendesk event-subscription payload for a ticket event."""

    model_config = ConfigDict(extra="ignore")

    type: str
    id: str = Field(min_length=1)
    time: AwareDatetime
    account_id: int
    subject: str
    detail: _TicketDetail
    event: dict[str, Any] = Field(default_factory=dict)
    zendesk_event_version: str | None = None


class TriggerBody(BaseModel):
    """The JSON body of our triggers' "Notify webhook" action (see the module docstring)."""

    model_config = ConfigDict(extra="allow")

    source: Literal["trigger"]
    event: str
    ticket_id: ZendeskId
    occurred_at: AwareDatetime


_SUBSCRIPTION_TYPES = {
    "zen:event-type:ticket.created": EventType.CREATED,
    "zen:event-type:ticket.comment_added": EventType.COMMENT_ADDED,
    "zen:event-type:ticket.status_changed": EventType.STATUS_CHANGED,
    "zen:event-type:ticket.priority_changed": EventType.PRIORITY_CHANGED,
    "zen:event-type:ticket.custom_field_changed": EventType.FIELD_CHANGED,
    "zen:event-type:ticket.tags_changed": EventType.TAGS_CHANGED,
}
_TRIGGER_EVENTS = {"ticket.created": EventType.CREATED, "ticket.updated": EventType.UPDATED}

TRIGGER_BODIES: dict[str, str] = {
    event: json.dumps(
        {
            "source": "trigger",
            "event": event,
            "ticket_id": "{{ticket.id}}",
            "occurred_at": "{{ticket.updated_at_with_timestamp}}",
        },
        indent=2,
    )
    for event in _TRIGGER_EVENTS
}
"""The exact JSON body to paste into each trigger's "Notify webhook" action, keyed by event."""


# ---- parsing ------------------------------------------------------------------


def parse_webhook(raw: bytes, *, invocation_id: str | None = None) -> TicketEvent:
    """Validate a delivery's raw body and normalise it; raise `MalformedWebhook` if we do not accept it.

    `invocation_id` is the `X-Zendesk-Webhook-Invocation-Id` header; trigger
    deliveries need it as their event id, event subscriptions carry their own.
    """
    try:
        body = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as exc:
        where = f"at line {exc.lineno} column {exc.colno}"
        raise MalformedWebhook(f"body is not JSON: {exc.msg} {where}") from None
    except UnicodeDecodeError as exc:
        raise MalformedWebhook(f"body is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    if not isinstance(body, dict):
        raise MalformedWebhook(f"body must be a JSON object, got {_json_kind(body)}")

    if body.get("source") == "trigger":
        return _from_trigger(body, invocation_id)
    if "type" in body:
        return _from_envelope(body)
    raise MalformedWebhook(
        "body is neither a Zendesk event (no type) nor a trigger body (no source: trigger)"
    )


def _from_envelope(body: dict[str, Any]) -> TicketEvent:
    kind = body["type"]
    if not isinstance(kind, str) or not kind.startswith(TICKET_EVENT_PREFIX):
        raise MalformedWebhook(f"unknown event type {kind!r}")
    envelope = _validate(EventEnvelope, body)
    expected_subject = f"zen:ticket:{envelope.detail.id}"
    if envelope.subject != expected_subject:
        raise MalformedWebhook(
            f"subject {envelope.subject!r} does not match detail.id (expected {expected_subject!r})"
        )
    return TicketEvent(
        event_id=envelope.id,
        event_type=_SUBSCRIPTION_TYPES.get(kind, EventType.OTHER),
        ticket_id=envelope.detail.id,
        occurred_at=envelope.time,
        source=EventSource.EVENT_SUBSCRIPTION,
        zendesk_type=kind,
        detail=envelope.event,
    )


def _from_trigger(body: dict[str, Any], invocation_id: str | None) -> TicketEvent:
    trigger = _validate(TriggerBody, body)
    event_type = _TRIGGER_EVENTS.get(trigger.event)
    if event_type is None:
        known = ", ".join(_TRIGGER_EVENTS)
        raise MalformedWebhook(f"unknown event type {trigger.event!r} (a trigger sends one of: {known})")
    if not (invocation_id or "").strip():
        raise MalformedWebhook(
            "a trigger delivery needs the X-Zendesk-Webhook-Invocation-Id header as its event id"
        )
    return TicketEvent(
        event_id=invocation_id.strip(),
        event_type=event_type,
        ticket_id=trigger.ticket_id,
        occurred_at=trigger.occurred_at,
        source=EventSource.TRIGGER,
        zendesk_type=trigger.event,
        detail=dict(trigger.model_extra or {}),
    )


def _validate(model: type[_Model], body: dict[str, Any]) -> _Model:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise MalformedWebhook(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    """`detail.id: field required; time: input should have timezone info`.

    Input values are left out: they may be personal data, and the message is logged and returned.
    """
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"]) or "body"
        message = error["msg"]
        parts.append(f"{where}: {message[:1].lower()}{message[1:]}")
    return "; ".join(parts)


def _json_kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


__all__ = [
    "TRIGGER_BODIES",
    "EventEnvelope",
    "EventSource",
    "EventType",
    "MalformedWebhook",
    "TicketEvent",
    "TriggerBody",
    "parse_webhook",
]
