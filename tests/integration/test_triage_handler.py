"""The triage Lambda on moto (SQS, DynamoDB) against the Zendesk sandbox: batches, duplicates, 429, poison."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from infra.inbox import FAILURE_REASON
from integrations.zendesk.events import EventType
from local.zendesk.sandbox_settings import SandboxSettings
from tests.integration.triage_stack import (
    REGION,
    Stack,
    event_body,
    invoke,
    new_ticket,
    sqs_record,
    triage_stack,
)


def test_a_batch_enriches_each_ticket_once(stack: Stack) -> None:
    # GIVEN two new tickets and their created events in one batch
    first = new_ticket(stack, "热水器漏电", "热水器漏电把我电了一下")
    second = new_ticket(stack, "Late parcel", "My parcel is a week late.")
    # WHEN the batch is handled
    result = invoke(
        sqs_record(event_body(first, "ev-a"), group=str(first)),
        sqs_record(event_body(second, "ev-b"), group=str(second)),
    )
    # THEN no record failed and each ticket carries exactly one plugin write
    assert result == {"batchItemFailures": []}
    assert stack.zendesk.get_ticket(first)["priority"] == "urgent"
    assert stack.zendesk.get_ticket(second)["priority"] == "normal"
    assert [len(stack.plugin_writes(t)) for t in (first, second)] == [1, 1]
    # AND each event has its one record in the audit archive, filed by complaint type and ticket
    s3 = boto3.client("s3", region_name=REGION)
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket="archive-bucket", Prefix="complaints/").get("Contents", [])
    ]
    triaged = [k for k in keys if "-triage-" in k]
    assert sorted(k.split("/")[1] for k in triaged) == ["logistics", "product"]
    # (and the safety case's alert to PR + compliance, archived beside it)
    assert any("-alert-" in k and k.split("/")[3] == str(first) for k in keys)
    assert {int(k.split("/")[3]) for k in keys} == {first, second}


def test_a_duplicate_delivery_writes_nothing_more(stack: Stack) -> None:
    # GIVEN a ticket whose created event was handled
    ticket_id = new_ticket(stack, "Late parcel", "My parcel is a week late.")
    body = event_body(ticket_id, "ev-dup")
    invoke(sqs_record(body, group=str(ticket_id)))
    # WHEN the same event arrives again, as a new SQS message, and as a redelivery
    again = invoke(
        sqs_record(body, group=str(ticket_id)), sqs_record(body, group=str(ticket_id), receive_count=2)
    )
    # THEN both succeed and the ticket still has one plugin write
    assert again == {"batchItemFailures": []}
    assert len(stack.plugin_writes(ticket_id)) == 1


def test_a_record_is_not_started_without_the_time_to_finish_it(stack: Stack) -> None:
    # GIVEN a ticket event, and an invocation with less time left than a record's budget (15 s)
    ticket_id = new_ticket(stack, "Late parcel", "My parcel is a week late.")
    record = sqs_record(event_body(ticket_id, "ev-late"), group=str(ticket_id))
    # WHEN the batch is handled with 2 s to go
    result = invoke(record, timeout_seconds=2.0)
    # THEN the record is reported failed (it returns after the visibility timeout) and nothing was
    # written, so the Lambda timeout cannot cut a write off half-way
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert stack.plugin_writes(ticket_id) == []
    # AND with the time, the same record is written once
    assert invoke(record) == {"batchItemFailures": []}
    assert len(stack.plugin_writes(ticket_id)) == 1


def test_a_poison_message_is_parked_with_its_reason(stack: Stack) -> None:
    # GIVEN a message that is not a queued ticket event
    record = sqs_record('{"not": "ours"}', group="77")
    # WHEN handled
    result = invoke(record)
    # THEN it is not retried (no failure reported) and sits in the DLQ with why
    assert result == {"batchItemFailures": []}
    parked = stack.dead_letters()
    assert len(parked) == 1 and parked[0]["Body"] == '{"not": "ours"}'
    assert "unreadable queue message" in parked[0]["MessageAttributes"][FAILURE_REASON]["StringValue"]


def test_a_failed_ticket_holds_back_its_later_events_only(stack: Stack) -> None:
    # GIVEN a batch with two events of ticket A, then one of ticket B, and Zendesk failing A's first read
    a = new_ticket(stack, "Late parcel", "My parcel is a week late.")
    b = new_ticket(stack, "Late parcel", "My parcel is two weeks late.")
    stack.sandbox.fail_next(500, count=4)  # the client's first try and its three retries
    a_records = [
        sqs_record(event_body(a, "ev-a1"), group=str(a)),
        sqs_record(event_body(a, "ev-a2", EventType.COMMENT_ADDED), group=str(a)),
    ]
    b_record = sqs_record(event_body(b, "ev-b1"), group=str(b))
    # WHEN handled
    result = invoke(*a_records, b_record)
    # THEN both of A's records are reported failed (FIFO order kept) and B's went through
    assert {f["itemIdentifier"] for f in result["batchItemFailures"]} == {r["messageId"] for r in a_records}
    assert stack.plugin_writes(a) == []
    assert len(stack.plugin_writes(b)) == 1


@pytest.fixture
def tight_stack(monkeypatch: pytest.MonkeyPatch, mocked_aws: None) -> Iterator[Stack]:
    yield from triage_stack(monkeypatch, SandboxSettings(update_ticket_per_minute=1))


def test_a_rate_limit_returns_the_message_for_retry_after(tight_stack: Stack) -> None:
    # GIVEN an account whose Update Ticket limit is already used up
    stack = tight_stack
    ticket_id = new_ticket(stack, "Late parcel", "My parcel is a week late.")
    stack.zendesk.update_ticket(ticket_id, {"additional_tags": ["used_the_limit"]})
    stack.sqs.send_message(
        QueueUrl=stack.queue_url,
        MessageBody=event_body(ticket_id, "ev-429"),
        MessageGroupId=str(ticket_id),
        MessageDeduplicationId="d-429",
    )
    message = stack.sqs.receive_message(QueueUrl=stack.queue_url, MessageSystemAttributeNames=["All"])[
        "Messages"
    ][0]
    record = sqs_record(message["Body"], group=str(ticket_id))
    record["receiptHandle"] = message["ReceiptHandle"]
    # WHEN handled
    result = invoke(record)
    # THEN the record failed, nothing was written, and the message stays hidden for Retry-After
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert stack.plugin_writes(ticket_id) == []
    again = stack.sqs.receive_message(QueueUrl=stack.queue_url, VisibilityTimeout=0)
    assert again.get("Messages", []) == []
