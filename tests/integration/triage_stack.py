"""The triage Lambda on moto (SQS, DynamoDB, SNS, S3, KMS) against the Zendesk sandbox: the stack
integration tests drive, and how they make tickets and deliver events to it."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from functions.triage import app
from infra.complaints import TABLE_SCHEMA
from infra.queue import QueuedEvent
from integrations.zendesk.bootstrap import bootstrap_zendesk
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from integrations.zendesk.ticket_update import METADATA_KEY
from local.runners import lambda_context
from local.zendesk.sandbox import ZendeskSandbox
from local.zendesk.sandbox_settings import SandboxSettings
from policies.engine import TriageEngine

REGION = "eu-west-1"
GROUPS = TriageEngine.from_directory().policy.routing.teams.values()


@dataclass
class Stack:
    sqs: Any
    queue_url: str
    dlq_url: str
    zendesk: ZendeskClient
    sandbox: ZendeskSandbox

    def plugin_writes(self, ticket_id: int) -> list[dict[str, Any]]:
        return [
            a for a in self.zendesk.list_audits(ticket_id) if METADATA_KEY in a["metadata"].get("custom", {})
        ]

    def dead_letters(self) -> list[dict[str, Any]]:
        got = self.sqs.receive_message(
            QueueUrl=self.dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=0
        )
        return got.get("Messages", [])


def triage_stack(monkeypatch: pytest.MonkeyPatch, settings: SandboxSettings) -> Iterator[Stack]:
    monkeypatch.delenv("ZENDESK_SECRET_NAME", raising=False)
    with ZendeskSandbox(settings=settings) as sandbox:
        sqs = boto3.client("sqs", region_name=REGION)
        fifo = {"FifoQueue": "true"}
        dlq_url = sqs.create_queue(QueueName="events-dlq.fifo", Attributes=fifo)["QueueUrl"]
        queue_url = sqs.create_queue(QueueName="events.fifo", Attributes=fifo)["QueueUrl"]
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(TableName="complaints", **TABLE_SCHEMA)
        dynamodb.create_table(
            TableName="idempotency",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        sns = boto3.client("sns", region_name=REGION)
        for name, value in {
            "QUEUE_URL": queue_url,
            "DEAD_LETTER_QUEUE_URL": dlq_url,
            "COMPLAINTS_TABLE": "complaints",
            "IDEMPOTENCY_TABLE": "idempotency",
            "CRITICAL_TOPIC_ARN": sns.create_topic(Name="critical")["TopicArn"],
            "SLA_TOPIC_ARN": sns.create_topic(Name="sla")["TopicArn"],
            **_archive(),
            "ZENDESK_URL": sandbox.url,
            "ZENDESK_EMAIL": sandbox.email,
            "ZENDESK_API_TOKEN": sandbox.api_token,
        }.items():
            monkeypatch.setenv(name, value)
        zendesk = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)
        bootstrap_zendesk(zendesk, webhook_url="http://127.0.0.1:9/unused", group_names=GROUPS)
        _reset_cold_start()
        yield Stack(sqs, queue_url, dlq_url, zendesk, sandbox)
    _reset_cold_start()


def _archive() -> dict[str, str]:
    s3, kms = boto3.client("s3", region_name=REGION), boto3.client("kms", region_name=REGION)
    s3.create_bucket(
        Bucket="archive-bucket",
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    s3.create_bucket(Bucket="review-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    return {
        "ARCHIVE_BUCKET": "archive-bucket",
        "REVIEW_BUCKET": "review-bucket",
        "ARCHIVE_KMS_KEY_ID": kms.create_key()["KeyMetadata"]["Arn"],
        "PII_KMS_KEY_ID": kms.create_key()["KeyMetadata"]["Arn"],
    }


def _reset_cold_start() -> None:
    app.services.cache_clear()
    app.idempotency.cache_clear()


def new_ticket(
    stack: Stack, subject: str, body: str, *, requester: str = "li@example.com", **fields: Any
) -> int:
    ticket = stack.zendesk.create_ticket(
        {
            "subject": subject,
            "comment": {"body": body},
            "requester": {"name": requester.split("@")[0], "email": requester},
            **fields,
        }
    )
    return int(ticket["id"])


def sqs_record(body: str, *, group: str, receive_count: int = 1) -> dict[str, Any]:
    message_id = str(uuid.uuid4())
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(receive_count),
            "SentTimestamp": "1700000000000",
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": "1700000000000",
            "MessageGroupId": group,
            "MessageDeduplicationId": hashlib.sha256(message_id.encode()).hexdigest(),
            "SequenceNumber": "1",
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:events.fifo",
        "awsRegion": REGION,
    }


def event_body(ticket_id: int, event_id: str, kind: EventType = EventType.CREATED) -> str:
    event = TicketEvent(
        event_id=event_id,
        event_type=kind,
        ticket_id=ticket_id,
        occurred_at=datetime.now(UTC),
        source=EventSource.EVENT_SUBSCRIPTION,
        zendesk_type=f"zen:event-type:ticket.{kind.value}",
    )
    return QueuedEvent.wrap(event, json.dumps({"id": event_id}).encode()).to_message_body()


def invoke(*records: dict[str, Any], timeout_seconds: float = 30.0) -> dict[str, Any]:
    """The triage handler on a batch, with `timeout_seconds` of the invocation ahead."""
    context = lambda_context("triage", region=REGION, timeout_seconds=timeout_seconds)
    return app.lambda_handler({"Records": list(records)}, context)


def triage_event(ticket_id: int, event_id: str, kind: EventType = EventType.CREATED) -> None:
    """One ticket event through the triage Lambda, which must take it without a batch failure."""
    assert invoke(sqs_record(event_body(ticket_id, event_id, kind), group=str(ticket_id))) == {
        "batchItemFailures": []
    }


def agent_client(
    stack: Stack, email: str = "wang@example.com", name: str = "Wang Fang"
) -> tuple[ZendeskClient, int]:
    """An agent of the account, acting with the account's API token under their own e-mail."""
    agent = stack.zendesk.create_or_update_user({"name": name, "email": email, "role": "agent"})
    return ZendeskClient(stack.sandbox.url, email, stack.sandbox.api_token), int(agent["id"])
