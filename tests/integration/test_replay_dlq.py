"""`triage replay-dlq` and `infra.dead_letters` on moto: FIFO queue, FIFO dead-letter queue, redrive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from cli.main import main
from infra import dead_letters
from infra.dead_letters import DeadLetterQueue, replay_deduplication_id
from infra.queue import deduplication_id

REGION = "eu-west-1"
TICKET = "35436"
# Stands in for a queued ticket event: the customer's words must never reach the output.
BODY = json.dumps({"event": {"ticket_id": 35436}, "raw_body": "我的手机充电时冒烟了，电话 13800138000"})
REASON = "grading.yaml: category cue 'refund' is not a string"


@dataclass
class Queues:
    sqs: Any
    source_url: str
    dlq_url: str

    def send(
        self, url: str, *, group: str = TICKET, body: str = BODY, dedup: str = "event-1", **extra: Any
    ) -> str:
        response = self.sqs.send_message(
            QueueUrl=url,
            MessageBody=body,
            MessageGroupId=group,
            MessageDeduplicationId=deduplication_id(dedup),
            **extra,
        )
        return str(response["MessageId"])

    def dead_letter(
        self, *, reason: str = REASON, group: str = TICKET, dedup: str = "event-1", **extra: Any
    ) -> str:
        """A poison message as the triage consumer sends it: the event plus why it failed."""
        attributes = {
            "failure_reason": {"DataType": "String", "StringValue": reason},
            "failed_at": {"DataType": "String", "StringValue": "2026-11-25T09:30:00+08:00"},
            **extra.pop("MessageAttributes", {}),
        }
        return self.send(self.dlq_url, group=group, dedup=dedup, MessageAttributes=attributes, **extra)

    def receive_all(self, url: str) -> list[dict[str, Any]]:
        """Every visible message, once (a second receive on the source queue would redrive them)."""
        got = self.sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return got.get("Messages", [])

    def visible_count(self, url: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


@pytest.fixture
def queues(monkeypatch: pytest.MonkeyPatch, mocked_aws: None) -> Iterator[Queues]:
    for name in ("QUEUE_URL", "DEAD_LETTER_QUEUE_URL"):
        monkeypatch.delenv(name, raising=False)
    # moto long-polls an empty queue for real; how long a receive waits is not what these tests check.
    monkeypatch.setattr(dead_letters, "RECEIVE_WAIT_SECONDS", 0)
    sqs = boto3.client("sqs", region_name=REGION)
    dlq_url = sqs.create_queue(QueueName="ticket-events-dlq.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
    source_url = sqs.create_queue(
        QueueName="ticket-events.fifo", Attributes={"FifoQueue": "true", "RedrivePolicy": redrive}
    )["QueueUrl"]
    yield Queues(sqs, source_url, dlq_url)


def _triage(*args: str) -> int:
    return main(["replay-dlq", *args])


def _urls(queues: Queues) -> list[str]:
    return ["--queue-url", queues.source_url, "--dlq-url", queues.dlq_url]


# ---- replay --------------------------------------------------------------------------------------


def test_redriven_message_goes_back_with_its_group_and_body(
    queues: Queues, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN an event received twice without being deleted: SQS's redrive policy moves it to the DLQ
    trace = {"trace_id": {"DataType": "String", "StringValue": "Root=1-abc"}}
    queues.send(queues.source_url, MessageAttributes=trace)
    assert len(queues.receive_all(queues.source_url)) == 1
    assert queues.receive_all(queues.source_url) == []
    assert queues.visible_count(queues.dlq_url) == 1
    # WHEN it is replayed
    status = _triage(*_urls(queues))
    # THEN it is back on the queue, same ticket group, body and attributes, and the DLQ is empty
    out, err = capsys.readouterr()
    assert status == 0
    assert out == f"replayed 1 of 1 messages to {queues.source_url}\n"
    assert err == ""
    (replayed,) = queues.receive_all(queues.source_url)
    assert replayed["Attributes"]["MessageGroupId"] == TICKET
    assert replayed["Body"] == BODY
    assert replayed["MessageAttributes"] == {"trace_id": {"StringValue": "Root=1-abc", "DataType": "String"}}
    assert queues.receive_all(queues.dlq_url) == []


def test_replayed_poison_message_loses_only_the_failure_attributes(queues: Queues) -> None:
    # GIVEN a poison message with failure_reason, failed_at and a trace id
    trace = {"trace_id": {"DataType": "String", "StringValue": "Root=1-abc"}}
    queues.dead_letter(MessageAttributes=trace)
    # WHEN replayed
    report = DeadLetterQueue(queues.sqs, queues.dlq_url, queues.source_url).replay()
    # THEN the failure's attributes stay behind and the others travel with it
    assert (report.replayed, report.failed, report.ok) == (1, (), True)
    (replayed,) = queues.receive_all(queues.source_url)
    assert set(replayed["MessageAttributes"]) == {"trace_id"}


def test_replay_lands_although_the_original_dedup_id_is_still_remembered(queues: Queues) -> None:
    """SQS drops a message whose dedup id it saw in the last 5 minutes; moto remembers the ids of the
    messages it still holds, so the original stays on the queue here to keep its id remembered."""
    # GIVEN the original event on the queue and its dead-lettered copy, both with the event's dedup id
    queues.send(queues.source_url, dedup="event-7")
    dlq_message_id = queues.dead_letter(dedup="event-7")
    # AND the queue really does drop a resend with the original dedup id (or this test proves nothing)
    queues.send(queues.source_url, dedup="event-7")
    assert queues.visible_count(queues.source_url) == 1
    # WHEN the copy is replayed
    report = DeadLetterQueue(queues.sqs, queues.dlq_url, queues.source_url).replay()
    # THEN it lands, under a new dedup id derived from the original and the DLQ message id
    assert report.replayed == 1
    dedup_ids = [m["Attributes"]["MessageDeduplicationId"] for m in queues.receive_all(queues.source_url)]
    original = deduplication_id("event-7")
    assert dedup_ids == [original, replay_deduplication_id(original, dlq_message_id)]


def test_max_moves_at_most_n_messages(queues: Queues, capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN three dead letters of three tickets
    for ticket in ("101", "102", "103"):
        queues.dead_letter(group=ticket, dedup=f"event-{ticket}")
    # WHEN at most two are replayed
    status = _triage(*_urls(queues), "--max", "2")
    # THEN two move, one stays
    assert status == 0
    assert capsys.readouterr().out == f"replayed 2 of 2 messages to {queues.source_url}\n"
    assert queues.visible_count(queues.source_url) == 2
    assert queues.visible_count(queues.dlq_url) == 1


def test_empty_dead_letter_queue_replays_nothing(queues: Queues, capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN an empty DLQ WHEN replayed THEN nothing moves and that is a success
    assert _triage(*_urls(queues)) == 0
    assert capsys.readouterr().out == f"replayed 0 of 0 messages to {queues.source_url}\n"


# ---- nothing is lost -------------------------------------------------------------------------------


def test_failed_send_deletes_nothing_and_exits_1(queues: Queues, capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a poison message, and a source queue URL that does not exist
    message_id = queues.dead_letter()
    missing = queues.source_url.replace("ticket-events.fifo", "no-such-queue.fifo")
    # WHEN replayed there
    status = _triage("--queue-url", missing, "--dlq-url", queues.dlq_url)
    # THEN exit 1, the failure names the message, the ticket and AWS's error code, not the body
    out, err = capsys.readouterr()
    assert status == 1
    assert out == f"replayed 0 of 1 messages to {missing}; 1 still in the dead-letter queue\n"
    assert err.startswith(f"message {message_id} (ticket {TICKET}): SQS send_message failed: ")
    assert "NonExistentQueue" in err or "QueueDoesNotExist" in err
    assert "13800138000" not in out + err
    # AND the message is still in the DLQ, visible again at once for the next try
    assert queues.visible_count(queues.dlq_url) == 1


def test_later_event_of_a_ticket_is_held_back_when_an_earlier_one_fails(queues: Queues) -> None:
    # GIVEN two dead letters of one ticket, the first too big for the (smaller) source queue
    small = queues.sqs.create_queue(
        QueueName="small.fifo", Attributes={"FifoQueue": "true", "MaximumMessageSize": "1024"}
    )["QueueUrl"]
    queues.send(queues.dlq_url, body="x" * 2048, dedup="event-1")
    queues.send(queues.dlq_url, body="{}", dedup="event-2")
    # WHEN replayed
    report = DeadLetterQueue(queues.sqs, queues.dlq_url, small).replay()
    # THEN neither moves: the second would overtake the first and reorder the ticket's events
    assert report.replayed == 0
    first, second = report.failed
    assert "send_message failed: InvalidParameterValue" in first.reason
    assert second.reason.startswith("held back")
    assert queues.visible_count(small) == 0
    assert queues.visible_count(queues.dlq_url) == 2


class _DeleteRefused:
    """The moto client, except that DeleteMessage is denied (as by a missing IAM permission)."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def delete_message(self, **_: Any) -> None:
        from botocore.exceptions import ClientError

        error = {"Error": {"Code": "AccessDenied", "Message": "not authorized to sqs:DeleteMessage"}}
        raise ClientError(error, "DeleteMessage")


def test_sent_but_undeleted_message_is_reported_and_a_rerun_does_not_duplicate_it(queues: Queues) -> None:
    # GIVEN a dead letter, and a client allowed to send but not to delete
    queues.dead_letter()
    # WHEN replayed
    report = DeadLetterQueue(_DeleteRefused(queues.sqs), queues.dlq_url, queues.source_url).replay()
    # THEN it counts as failed with AWS's reason, and it is still in the DLQ
    assert report.replayed == 0
    (failure,) = report.failed
    assert "delete_message failed: AccessDenied: not authorized" in failure.reason
    assert queues.visible_count(queues.dlq_url) == 1
    # WHEN replayed again (now allowed to delete) THEN SQS deduplicates the second send
    assert DeadLetterQueue(queues.sqs, queues.dlq_url, queues.source_url).replay().replayed == 1
    assert queues.visible_count(queues.source_url) == 1
    assert queues.visible_count(queues.dlq_url) == 0


def test_unreachable_dead_letter_queue_exits_1_with_the_aws_error(
    queues: Queues, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a DLQ URL that does not exist WHEN replayed
    missing = queues.dlq_url.replace("ticket-events-dlq.fifo", "gone.fifo")
    status = _triage("--queue-url", queues.source_url, "--dlq-url", missing)
    # THEN exit 1 and the receive's AWS error is shown
    _, err = capsys.readouterr()
    assert status == 1
    assert "stopped early: SQS receive_message failed: " in err


# ---- dry run ---------------------------------------------------------------------------------------


def test_dry_run_lists_ids_and_reasons_and_moves_nothing(
    queues: Queues, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a poison message with its failure reason, and the URLs in the environment
    message_id = queues.dead_letter()
    monkeypatch.setenv("QUEUE_URL", queues.source_url)
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", queues.dlq_url)
    # WHEN listed with --dry-run
    status = _triage("--dry-run")
    # THEN its id, ticket, receive count and reason are shown, never its body
    out, _ = capsys.readouterr()
    assert status == 0
    header, _rule, row, summary = out.splitlines()
    assert header.split() == ["message", "id", "ticket", "receives", "reason"]
    assert row.split(maxsplit=3) == [message_id, TICKET, "1", REASON]
    assert summary == f"dry run: listed 1 of about 1 messages in {queues.dlq_url}; nothing moved"
    assert "13800138000" not in out
    # AND nothing moved: it is still in the DLQ, visible, and the source queue is empty
    assert queues.visible_count(queues.dlq_url) == 1
    assert queues.visible_count(queues.source_url) == 0


def test_peek_reads_ticket_reason_and_count_and_keeps_the_body_out_of_repr(queues: Queues) -> None:
    # GIVEN a redriven message (no reason) and a poison message of another ticket
    queues.send(queues.source_url, dedup="event-1")
    queues.receive_all(queues.source_url)
    queues.receive_all(queues.source_url)
    queues.dead_letter(group="202", dedup="event-2")
    # WHEN peeked at twice
    dlq = DeadLetterQueue(queues.sqs, queues.dlq_url, queues.source_url)
    first = dlq.peek()
    second = dlq.peek()
    # THEN both looks see both messages, with ticket, reason and a growing receive count
    assert [(m.group_id, m.failure_reason) for m in first] == [(TICKET, None), ("202", REASON)]
    assert [m.message_id for m in second] == [m.message_id for m in first]
    assert [m.receive_count for m in second] == [m.receive_count + 1 for m in first]
    assert first[0].body == BODY and first[0].sent_at is not None
    assert "13800138000" not in repr(first)


# ---- usage -------------------------------------------------------------------------------------------


def test_missing_dead_letter_queue_url_is_a_usage_error_naming_flag_and_variable(
    queues: Queues, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the queue URL but no DLQ URL, by flag or environment WHEN run
    status = _triage("--queue-url", queues.source_url)
    # THEN exit 2 with what to set
    assert status == 2
    assert capsys.readouterr().err == (
        "triage replay-dlq: error: no dead-letter queue URL: pass --dlq-url or set DEAD_LETTER_QUEUE_URL\n"
    )


def test_max_below_one_is_refused_by_the_parser(queues: Queues) -> None:
    # GIVEN --max 0 WHEN parsed THEN argparse exits 2
    with pytest.raises(SystemExit) as exit_info:
        _triage(*_urls(queues), "--max", "0")
    assert exit_info.value.code == 2
