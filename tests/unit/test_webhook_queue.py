"""The ticket-event queue adapter: FIFO group and dedup ids, message format, failures."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from hypothesis import given
from hypothesis import strategies as st

from infra.queue import (
    EnqueueFailed,
    MessageTooLarge,
    QueuedEvent,
    TicketEventQueue,
    deduplication_id,
)
from integrations.zendesk.events import EventSource, EventType, TicketEvent

QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/ticket-events.fifo"
# SQS: up to 128 characters, alphanumerics and punctuation only.
DEDUP_ALLOWED = re.compile(r"^[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}$")


class FakeSqs:
    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self._error = error

    def send_message(self, **kwargs: Any) -> dict[str, Any]:
        if self._error:
            raise self._error
        self.sent.append(kwargs)
        return {"MessageId": f"m-{len(self.sent)}"}


def _event(event_id: str = "5b1f4a2e-0c3d-4e6f-8a9b-1c2d3e4f5a6b", **detail: Any) -> TicketEvent:
    return TicketEvent(
        event_id=event_id,
        event_type=EventType.COMMENT_ADDED,
        ticket_id=35436,
        occurred_at=datetime(2026, 1, 1, 10, 5, tzinfo=UTC),
        source=EventSource.EVENT_SUBSCRIPTION,
        zendesk_type="zen:event-type:ticket.comment_added",
        detail=detail,
    )


def test_message_is_grouped_by_ticket_and_deduplicated_by_event() -> None:
    # GIVEN a comment event on ticket 35436
    sqs = FakeSqs()
    raw = '{"type":"zen:event-type:ticket.comment_added","body":"还是没有收到"}'.encode()
    # WHEN queued
    message_id = TicketEventQueue(sqs, QUEUE_URL).enqueue(_event(), raw)
    # THEN one send, grouped by the ticket, deduplicated by a hash of the event id
    assert message_id == "m-1"
    (sent,) = sqs.sent
    assert sent["QueueUrl"] == QUEUE_URL
    assert sent["MessageGroupId"] == "35436"
    assert sent["MessageDeduplicationId"] == deduplication_id("5b1f4a2e-0c3d-4e6f-8a9b-1c2d3e4f5a6b")
    # AND the body holds the normalised event and the original body, Chinese text unescaped
    message = QueuedEvent.from_message_body(sent["MessageBody"])
    assert TicketEvent.model_validate(message.event) == _event()
    assert message.raw_body_encoding == "utf-8"
    assert message.raw_bytes() == raw
    assert "还是没有收到" in sent["MessageBody"]


def test_body_that_is_not_utf8_travels_as_base64() -> None:
    sqs = FakeSqs()
    TicketEventQueue(sqs, QUEUE_URL).enqueue(_event(), b"\xff\xfe{\x00}\x00")
    message = QueuedEvent.from_message_body(sqs.sent[0]["MessageBody"])
    assert (message.raw_body_encoding, message.raw_bytes()) == ("base64", b"\xff\xfe{\x00}\x00")


def test_characters_sqs_refuses_are_escaped() -> None:
    # GIVEN an event whose detail holds a lone surrogate (valid in JSON text, refused by SQS)
    sqs = FakeSqs()
    TicketEventQueue(sqs, QUEUE_URL).enqueue(_event(body="\ud83d broken emoji"), b"{}")
    # THEN the message is all ASCII escapes, encodable, and reads back the same
    body = sqs.sent[0]["MessageBody"]
    assert body.isascii()
    assert QueuedEvent.from_message_body(body).event["detail"] == {"body": "\ud83d broken emoji"}


@given(event_id=st.text(min_size=1, max_size=2000))
def test_dedup_id_is_always_valid_and_stable(event_id: str) -> None:
    # GIVEN any event id (long, Chinese, spaces...) THEN the dedup id is SQS-valid and deterministic
    dedup = deduplication_id(event_id)
    assert DEDUP_ALLOWED.match(dedup)
    assert dedup == deduplication_id(event_id)


def test_different_events_have_different_dedup_ids() -> None:
    assert deduplication_id("a") != deduplication_id("b")


def test_message_over_the_limit_is_refused_before_sending() -> None:
    # GIVEN a queue limited to 1 KiB and a 2 KiB body
    sqs = FakeSqs()
    queue = TicketEventQueue(sqs, QUEUE_URL, max_message_bytes=1024)
    # WHEN queued THEN nothing is sent and the error says how large it would be
    with pytest.raises(MessageTooLarge, match=r"would be \d+ bytes, over the queue's 1024-byte limit"):
        queue.enqueue(_event(), json.dumps({"x": "a" * 2048}).encode())
    assert sqs.sent == []


@pytest.mark.parametrize(
    "error",
    [
        ClientError(
            {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "gone"}}, "SendMessage"
        ),
        EndpointConnectionError(endpoint_url="https://sqs.eu-west-1.amazonaws.com"),
    ],
)
def test_sqs_failures_become_enqueue_failed(error: Exception) -> None:
    # GIVEN SQS refusing or unreachable WHEN queued THEN EnqueueFailed says why, for a retry upstream
    with pytest.raises(EnqueueFailed, match="SQS send_message failed"):
        TicketEventQueue(FakeSqs(error), QUEUE_URL).enqueue(_event(), b"{}")


def test_queued_event_refuses_broken_base64() -> None:
    with pytest.raises(ValueError, match="raw_body is not valid base64"):
        QueuedEvent(event={}, raw_body="***", raw_body_encoding="base64")
