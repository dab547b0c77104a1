"""Webhook bodies: Zendesk event subscriptions and our trigger body, normalised to one TicketEvent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from integrations.zendesk.events import (
    TRIGGER_BODIES,
    EventSource,
    EventType,
    MalformedWebhook,
    TicketEvent,
    parse_webhook,
)

DATA = Path(__file__).resolve().parents[1] / "data"
INVOCATION = "01HZX5V7Q8R9S0T1U2V3W4X5Y6"


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _raw(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _malformed(body: bytes, **kwargs: Any) -> str:
    with pytest.raises(MalformedWebhook) as caught:
        parse_webhook(body, **kwargs)
    return str(caught.value)


# ---- event subscriptions ------------------------------------------------------------


def test_ticket_created_event() -> None:
    # GIVEN Zendesk's ticket.created payload, raw bytes as delivered
    raw = (DATA / "webhook_ticket_created.json").read_bytes()
    # WHEN parsed
    event = parse_webhook(raw)
    # THEN it is normalised: the envelope id, the ticket id as a number, the event time
    assert event == TicketEvent(
        event_id="5b1f4a2e-0c3d-4e6f-8a9b-1c2d3e4f5a6b",
        event_type=EventType.CREATED,
        ticket_id=35436,
        occurred_at=datetime(2026, 1, 1, 9, 30, 0, 123456, tzinfo=UTC),
        source=EventSource.EVENT_SUBSCRIPTION,
        zendesk_type="zen:event-type:ticket.created",
        detail={"meta": {"sequence": {"id": "7C3F2A0B1D9E4F5A8B6C0D1E2F3A4B5C", "position": 1, "total": 1}}},
    )


def test_comment_added_event_keeps_the_comment_in_detail() -> None:
    # GIVEN a customer's public comment
    event = parse_webhook((DATA / "webhook_ticket_comment_added.json").read_bytes())
    # THEN it is a comment_added event whose detail says who wrote what
    assert event.event_type is EventType.COMMENT_ADDED
    assert event.ticket_id == 35436
    assert event.detail["comment"]["author"]["is_staff"] is False
    assert event.detail["comment"]["is_public"] is True


def test_status_changed_event_keeps_current_and_previous() -> None:
    # GIVEN a ticket solved by an agent
    event = parse_webhook((DATA / "webhook_ticket_status_changed.json").read_bytes())
    # THEN the detail carries the transition
    assert event.event_type is EventType.STATUS_CHANGED
    assert (event.detail["previous"], event.detail["current"]) == ("OPEN", "SOLVED")
    assert event.event_id == "8d2e6f10-5a4b-4c3d-9e8f-7a6b5c4d3e2f"


def test_priority_changed_and_other_ticket_events_are_accepted() -> None:
    # GIVEN the created payload relabelled as a priority change, and as a ticket event we do not model
    body = _fixture("webhook_ticket_created.json")
    priority = parse_webhook(_raw({**body, "type": "zen:event-type:ticket.priority_changed"}))
    subject = parse_webhook(_raw({**body, "type": "zen:event-type:ticket.subject_changed"}))
    # THEN the first is priority_changed, the second "other" with Zendesk's own type kept
    assert priority.event_type is EventType.PRIORITY_CHANGED
    assert subject.event_type is EventType.OTHER
    assert subject.zendesk_type == "zen:event-type:ticket.subject_changed"


def test_event_subscription_ignores_the_invocation_id() -> None:
    # GIVEN an envelope delivered with an invocation id THEN the event id is still the envelope's own id
    event = parse_webhook((DATA / "webhook_ticket_created.json").read_bytes(), invocation_id=INVOCATION)
    assert event.event_id == "5b1f4a2e-0c3d-4e6f-8a9b-1c2d3e4f5a6b"


# ---- trigger bodies ---------------------------------------------------------------------


def test_trigger_body_uses_the_invocation_id_as_event_id() -> None:
    # GIVEN our trigger body as Zendesk renders it (placeholders become text, minute-precision time)
    raw = (DATA / "webhook_trigger_ticket_updated.json").read_bytes()
    # WHEN parsed with the delivery's invocation id
    event = parse_webhook(raw, invocation_id=INVOCATION)
    # THEN it is an "updated" trigger event for ticket 35436
    assert event == TicketEvent(
        event_id=INVOCATION,
        event_type=EventType.UPDATED,
        ticket_id=35436,
        occurred_at=datetime(2026, 1, 1, 10, 5, tzinfo=UTC),
        source=EventSource.TRIGGER,
        zendesk_type="ticket.updated",
        detail={},
    )


def test_trigger_extra_fields_land_in_detail() -> None:
    # GIVEN a trigger body with one more field an admin added
    body = {**_fixture("webhook_trigger_ticket_updated.json"), "event": "ticket.created", "via": "Web form"}
    # THEN it is a created event and the extra field is kept
    event = parse_webhook(_raw(body), invocation_id=INVOCATION)
    assert event.event_type is EventType.CREATED
    assert event.detail == {"via": "Web form"}


@pytest.mark.parametrize("event", ["ticket.created", "ticket.updated"])
def test_documented_trigger_bodies_parse_once_zendesk_fills_them(event: str) -> None:
    # GIVEN the body we tell admins to paste, with the placeholders rendered the way Zendesk does
    rendered = (
        TRIGGER_BODIES[event]
        .replace("{{ticket.id}}", "42")
        .replace("{{ticket.updated_at_with_timestamp}}", "2026-01-01T10:05Z")
    )
    # WHEN parsed THEN it is accepted as that event
    parsed = parse_webhook(rendered.encode(), invocation_id=INVOCATION)
    assert (parsed.ticket_id, parsed.zendesk_type, parsed.source) == (42, event, EventSource.TRIGGER)


def test_trigger_without_invocation_id_is_refused() -> None:
    # GIVEN a trigger body but no X-Zendesk-Webhook-Invocation-Id WHEN parsed THEN it says what is missing
    message = _malformed((DATA / "webhook_trigger_ticket_updated.json").read_bytes())
    assert message == "a trigger delivery needs the X-Zendesk-Webhook-Invocation-Id header as its event id"


def test_trigger_with_unrendered_placeholder_names_the_field() -> None:
    # GIVEN a trigger whose ticket id placeholder was mistyped, so the literal text arrives
    body = {**_fixture("webhook_trigger_ticket_updated.json"), "ticket_id": "{{ticket.idd}}"}
    # THEN the message points at ticket_id
    message = _malformed(_raw(body), invocation_id=INVOCATION)
    assert message.startswith("ticket_id: input should be a valid integer")


@pytest.mark.parametrize("ticket_id", [10**30, 2**63, 0])
def test_a_ticket_id_zendesk_could_not_have_sent_is_refused_by_name(ticket_id: int) -> None:
    # GIVEN a trigger body whose ticket id does not fit Zendesk's ids (positive, signed 64-bit)
    body = {**_fixture("webhook_trigger_ticket_updated.json"), "ticket_id": ticket_id}
    # WHEN parsed THEN it is refused, naming the field (the handler answers 400 with this message)
    assert _malformed(_raw(body), invocation_id=INVOCATION).startswith("ticket_id: input should be")


def test_the_largest_zendesk_id_is_accepted() -> None:
    body = {**_fixture("webhook_trigger_ticket_updated.json"), "ticket_id": 2**63 - 1}
    assert parse_webhook(_raw(body), invocation_id=INVOCATION).ticket_id == 2**63 - 1


def test_trigger_with_unknown_event_is_refused() -> None:
    body = {**_fixture("webhook_trigger_ticket_updated.json"), "event": "ticket.deleted"}
    message = _malformed(_raw(body), invocation_id=INVOCATION)
    assert (
        message
        == "unknown event type 'ticket.deleted' (a trigger sends one of: ticket.created, ticket.updated)"
    )


# ---- what we refuse, and how precisely --------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "body is not JSON: Expecting value at line 1 column 1"),
        (b'{"type": ', "body is not JSON: Expecting value at line 1 column 10"),
        (b"\xff\xfe\xfa", "body is not UTF-8 text: invalid start byte at byte 0"),
        (b"[1, 2]", "body must be a JSON object, got an array"),
        (b'"zen"', "body must be a JSON object, got a string"),
        (b"null", "body must be a JSON object, got null"),
        (
            b'{"ticket_id": 1}',
            "body is neither a Zendesk event (no type) nor a trigger body (no source: trigger)",
        ),
    ],
)
def test_bodies_that_are_not_webhooks(raw: bytes, message: str) -> None:
    # GIVEN a body that is not a JSON object we know WHEN parsed THEN the message says exactly why
    assert _malformed(raw) == message


def test_non_ticket_event_type_is_unknown() -> None:
    # GIVEN a user event (another Zendesk domain) WHEN parsed THEN it is refused by name
    raw = (DATA / "webhook_user_created.json").read_bytes()
    assert _malformed(raw) == "unknown event type 'zen:event-type:user.created'"


def test_foreign_type_is_unknown() -> None:
    assert _malformed(_raw({"type": "foo"})) == "unknown event type 'foo'"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["detail"].pop("id"), "detail.id: field required"),
        (lambda b: b.pop("detail"), "detail: field required"),
        (lambda b: b.pop("id"), "id: field required"),
        (lambda b: b.update(time="2026-01-01T09:30:00"), "time: input should have timezone info"),
        (lambda b: b["detail"].update(id="abc"), "detail.id: input should be a valid integer"),
        (lambda b: b["detail"].update(id="0"), "detail.id: input should be greater than 0"),
        (lambda b: b.update(event=[]), "event: input should be a valid dictionary"),
    ],
)
def test_envelope_field_problems_are_named(change: Any, message: str) -> None:
    # GIVEN a ticket.created envelope with one field missing or wrong
    body = _fixture("webhook_ticket_created.json")
    change(body)
    # WHEN parsed THEN the message names the field and the problem
    assert _malformed(_raw(body)).startswith(message)


def test_several_problems_are_all_reported() -> None:
    # GIVEN an envelope missing both its id and its time
    body = _fixture("webhook_ticket_created.json")
    del body["id"], body["time"]
    # THEN both are named, in one message
    assert _malformed(_raw(body)) == "id: field required; time: field required"


def test_subject_must_name_the_same_ticket() -> None:
    # GIVEN an envelope whose subject names another ticket than its detail
    body = {**_fixture("webhook_ticket_created.json"), "subject": "zen:ticket:1"}
    # THEN it is refused rather than queued under the wrong ticket
    message = _malformed(_raw(body))
    assert message == "subject 'zen:ticket:1' does not match detail.id (expected 'zen:ticket:35436')"


def test_messages_never_echo_field_values() -> None:
    # GIVEN a malformed envelope whose bad value is personal data
    body = _fixture("webhook_ticket_created.json")
    body["time"] = "王小明 13800138000"
    # THEN the message names the field but not the value (it is logged and returned to the caller)
    message = _malformed(_raw(body))
    assert message.startswith("time: ")
    assert "13800138000" not in message
