"""The deadline watcher Lambda on moto (DynamoDB index, SNS) and the Zendesk sandbox, with the clock moved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
import time_machine

from functions.triage.ticket_triage import TicketTriage
from functions.watcher import app
from infra.complaints import TABLE_SCHEMA, ComplaintStore
from integrations.zendesk.bootstrap import bootstrap_zendesk
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from integrations.zendesk.ticket_fields import FieldCatalog
from local.runners import lambda_context
from local.zendesk.sandbox import ZendeskSandbox
from policies.engine import TriageEngine

REGION = "eu-west-1"
ENGINE = TriageEngine.from_directory()


@dataclass
class World:
    zendesk: ZendeskClient
    store: ComplaintStore
    inbox_url: str
    sqs: Any

    def alerts(self) -> list[dict[str, Any]]:
        got = self.sqs.receive_message(QueueUrl=self.inbox_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return [json.loads(m["Body"]) for m in got.get("Messages", [])]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, mocked_aws: None) -> Iterator[World]:
    monkeypatch.delenv("ZENDESK_SECRET_NAME", raising=False)
    with ZendeskSandbox() as sandbox:
        table = boto3.resource("dynamodb", region_name=REGION).create_table(
            TableName="complaints", **TABLE_SCHEMA
        )
        sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        topic = sns.create_topic(Name="sla")["TopicArn"]
        inbox_url = sqs.create_queue(QueueName="team-lead-inbox")["QueueUrl"]
        inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
        s3, kms = boto3.client("s3", region_name=REGION), boto3.client("kms", region_name=REGION)
        s3.create_bucket(
            Bucket="archive-bucket",
            CreateBucketConfiguration={"LocationConstraint": REGION},
            ObjectLockEnabledForBucket=True,
        )
        s3.create_bucket(Bucket="review-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
        for name, value in {
            "ARCHIVE_BUCKET": "archive-bucket",
            "REVIEW_BUCKET": "review-bucket",
            "ARCHIVE_KMS_KEY_ID": kms.create_key()["KeyMetadata"]["Arn"],
            "PII_KMS_KEY_ID": kms.create_key()["KeyMetadata"]["Arn"],
            "COMPLAINTS_TABLE": "complaints",
            "SLA_TOPIC_ARN": topic,
            "CRITICAL_TOPIC_ARN": topic,
            "ZENDESK_URL": sandbox.url,
            "ZENDESK_EMAIL": sandbox.email,
            "ZENDESK_API_TOKEN": sandbox.api_token,
        }.items():
            monkeypatch.setenv(name, value)
        app.watcher.cache_clear()
        zendesk = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)
        bootstrap_zendesk(zendesk, webhook_url="http://127.0.0.1:9/unused", group_names=["g"])
        yield World(zendesk, ComplaintStore(table), inbox_url, sqs)
    app.watcher.cache_clear()


def test_a_breached_first_response_is_tagged_noted_and_alerted_once(world: World) -> None:
    # GIVEN a triaged ticket nobody answered
    ticket = world.zendesk.create_ticket(
        {"subject": "Late", "comment": {"body": "My parcel is a week late."}}
    )
    catalog = FieldCatalog.from_account(world.zendesk.list_ticket_fields(), world.zendesk.list_groups())
    triage = TicketTriage(ENGINE, world.zendesk, world.store, lambda: catalog)
    triage.handle(
        TicketEvent(
            event_id="ev-1",
            event_type=EventType.CREATED,
            ticket_id=ticket["id"],
            occurred_at=datetime.fromisoformat(ticket["created_at"]),
            source=EventSource.EVENT_SUBSCRIPTION,
            zendesk_type="zen:event-type:ticket.created",
        )
    )
    first = world.store.get(ticket["id"]).obligations["first_response"]
    # WHEN the watcher runs a minute after the due time, twice
    with time_machine.travel(first.due_at + timedelta(minutes=1), tick=False):
        summary = app.lambda_handler({}, lambda_context("deadline-watcher", region=REGION))
        again = app.lambda_handler({}, lambda_context("deadline-watcher", region=REGION))
    # THEN the breach is recorded, tagged on the ticket with a note, and alerted exactly once
    assert summary["breached"] >= 1 and again["breached"] == 0
    assert world.store.get(ticket["id"]).obligations["first_response"].state == "breached"
    shown = world.zendesk.get_ticket(ticket["id"])
    assert "sla_breach_first_response" in shown["tags"]
    state_field = catalog.field_ids["Complaint SLA state"]
    assert "breached first_response" in next(
        f["value"] for f in shown["custom_fields"] if f["id"] == state_field
    )
    alerts = [a for a in world.alerts() if a["MessageAttributes"]["deadline"]["Value"] == "first_response"]
    assert len(alerts) == 1
    assert alerts[0]["MessageAttributes"]["cause"]["Value"] == "sla_breach"
    archived = boto3.client("s3", region_name=REGION).list_objects_v2(
        Bucket="archive-bucket", Prefix="complaints/"
    )["Contents"]
    assert [o["Key"].split("/")[4].split("-")[1] for o in archived] == [
        "obligation"
    ]  # once, despite two runs
    # AND the review's analytics copy holds the breach (issue 14), written once too
    s3 = boto3.client("s3", region_name=REGION)
    rows = [
        s3.get_object(Bucket="review-bucket", Key=o["Key"])["Body"].read()
        for o in s3.list_objects_v2(Bucket="review-bucket", Prefix="analytics/obligations/")["Contents"]
    ]
    assert sum(b'"state": "breached"' in body for body in rows) == 1
    chat = json.loads(alerts[0]["Message"])  # the JSON variant SQS, HTTPS and chat subscribers get
    assert f"/agent/tickets/{ticket['id']}" in chat["text"] and chat["cause"] == "sla_breach"
