"""The chat notifier Lambda on moto (DynamoDB, Secrets Manager) with the chat stand-ins: an SNS
notification from the queue reaches the groups; the minute's schedule escalates; the ack link
answers with who and when."""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from functions.notifier import app
from infra.complaints import TABLE_SCHEMA
from local.chat.sandbox import ChatSandbox
from local.runners import lambda_context
from policies.engine import TriageEngine

REGION = "eu-west-1"
CHANNELS = TriageEngine.from_directory().policy.channels
ALERT = {
    "text": "[L1] Media involved\n记者已联系我们 / a reporter called\nhttps://acme.zendesk.com/agent/tickets/7",
    "cause": "media_or_regulator",
    "level": 1,
    "ticket_id": 7,
    "topic": "critical",
}


@pytest.fixture
def notifier(monkeypatch: pytest.MonkeyPatch, mocked_aws: None) -> Iterator[ChatSandbox]:
    with ChatSandbox() as chat:
        boto3.client("dynamodb", region_name=REGION).create_table(TableName="complaints", **TABLE_SCHEMA)
        hooks = chat.bots_for(CHANNELS.channels, "SECx")
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="chat", SecretString=json.dumps({"ack_secret": "ack", "channels": hooks})
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        fifo = {"FifoQueue": "true"}
        events_url = sqs.create_queue(QueueName="ticket-events.fifo", Attributes=fifo)["QueueUrl"]
        for name, value in {
            "COMPLAINTS_TABLE": "complaints",
            "CHAT_SECRET_NAME": "chat",
            "ACK_BASE_URL": "https://api.example/prod",
            "NOTIFIER_QUEUE_URL": queue_url,
            "QUEUE_URL": events_url,
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            monkeypatch.setenv(name, value)
        _fresh()
        yield chat
        _fresh()


def _fresh() -> None:
    """A cold start: settings, the delivery and Powertools' cached secret are read again."""
    from aws_lambda_powertools.utilities import parameters

    app.settings.cache_clear()
    app.delivery.cache_clear()
    parameters.clear_caches()


def _sns_record(alert: dict[str, Any]) -> dict[str, Any]:
    envelope = {"Type": "Notification", "MessageId": str(uuid.uuid4()), "Message": json.dumps(alert)}
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "handle",
        "body": json.dumps(envelope),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1",
            "SenderId": "sns",
            "ApproximateFirstReceiveTimestamp": "1",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:alerts",
        "awsRegion": REGION,
    }


def test_an_alert_from_the_topic_reaches_its_groups_and_its_link_acknowledges_it(
    notifier: ChatSandbox,
) -> None:
    # WHEN the queue hands the notifier an SNS notification of a critical alert
    result = app.lambda_handler({"Records": [_sns_record(ALERT)]}, lambda_context("notifier", region=REGION))
    # THEN nothing failed and PR's DingTalk and Slack groups have the card
    assert result == {"batchItemFailures": []}
    assert [len(notifier.messages[c]) for c in ("pr_compliance", "global_pr")] == [1, 1]
    # WHEN someone opens the card's acknowledgement link (through the HTTP API)
    link = next(
        m
        for m in re.findall(r"https?://[A-Za-z0-9./?=&%_:-]+", str(notifier.messages["global_pr"][0]))
        if "/alerts/ack" in m
    )
    query = {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(link).query).items()}
    page = app.lambda_handler(
        {"requestContext": {"http": {"method": "GET"}}, "queryStringParameters": {**query, "by": "Chen"}},
        lambda_context("notifier", region=REGION),
    )
    # THEN the page says who acknowledged, and a forged link is refused with 403
    assert page["statusCode"] == 200 and "Acknowledged by Chen in global_pr" in page["body"]
    forged = app.lambda_handler(
        {"requestContext": {"http": {"method": "GET"}}, "queryStringParameters": {**query, "alert": "other"}},
        lambda_context("notifier", region=REGION),
    )
    assert forged["statusCode"] == 403
    # AND the minute's schedule escalates nothing: it was acknowledged
    assert app.lambda_handler({"source": "aws.scheduler"}, lambda_context("notifier", region=REGION)) == {
        "escalated": 0
    }
    # AND the ticket is told once, through the ticket-events queue, for its note (issue 17)
    app.lambda_handler(
        {"requestContext": {"http": {"method": "GET"}}, "queryStringParameters": {**query, "by": "Li"}},
        lambda_context("notifier", region=REGION),
    )
    sqs = boto3.client("sqs", region_name=REGION)
    events_url = sqs.get_queue_url(QueueName="ticket-events.fifo")["QueueUrl"]
    bodies = [
        m["Body"]
        for m in sqs.receive_message(QueueUrl=events_url, MaxNumberOfMessages=10).get("Messages", [])
    ]
    (body,) = bodies
    event = json.loads(body)["event"]
    assert event["event_type"] == "alert_acknowledged" and event["ticket_id"] == ALERT["ticket_id"]
    assert event["detail"]["acknowledged"]["by"] == "Chen"  # the first acknowledgement stands


def test_a_refused_delivery_is_a_failed_record_for_the_queue_to_retry_or_park(notifier: ChatSandbox) -> None:
    # GIVEN the chat secret points the Slack channel at a webhook that does not exist
    secrets = boto3.client("secretsmanager", region_name=REGION)
    current = json.loads(secrets.get_secret_value(SecretId="chat")["SecretString"])
    current["channels"]["global_pr"]["webhook_url"] += "-gone"
    secrets.put_secret_value(SecretId="chat", SecretString=json.dumps(current))
    _fresh()
    # WHEN a critical alert and a team leads' alert come in one batch
    critical, leads = _sns_record(ALERT), _sns_record({**ALERT, "topic": "sla", "cause": "sla_breach"})
    result = app.lambda_handler({"Records": [critical, leads]}, lambda_context("notifier", region=REGION))
    # THEN only the critical one's record fails (redrive parks it after 20 tries); DingTalk got it
    # once, and the team leads' alert went through
    assert result == {"batchItemFailures": [{"itemIdentifier": critical["messageId"]}]}
    assert len(notifier.messages["pr_compliance"]) == 1 and len(notifier.messages["team_leads"]) == 1


def test_a_malformed_message_fails_alone_and_the_good_one_is_delivered(notifier: ChatSandbox) -> None:
    # GIVEN a batch with a body that is not JSON beside a good alert
    broken = {**_sns_record(ALERT), "body": "{not json"}
    good = _sns_record(ALERT)
    # WHEN the notifier handles it THEN only the broken record fails (the queue parks it after its
    # redrive count), and the good alert reached PR's groups
    result = app.lambda_handler({"Records": [broken, good]}, lambda_context("notifier", region=REGION))
    assert result == {"batchItemFailures": [{"itemIdentifier": broken["messageId"]}]}
    assert [len(notifier.messages[c]) for c in ("pr_compliance", "global_pr")] == [1, 1]


def test_an_ack_request_without_a_link_is_refused_by_name(notifier: ChatSandbox) -> None:
    page = app.lambda_handler(
        {"requestContext": {"http": {"method": "GET"}}, "queryStringParameters": None},
        lambda_context("notifier", region=REGION),
    )
    assert page["statusCode"] == 403 and "lacks alert, channel, expires, sig" in page["body"]


def test_a_bot_never_gets_more_than_its_platforms_limit_the_rest_waits_in_the_queue(
    notifier: ChatSandbox,
) -> None:
    from datetime import UTC, datetime

    import time_machine

    limits = CHANNELS.send_limits_per_minute
    per_window = limits["dingtalk"] // 2  # half the platform's limit per fixed window (app.send_budget)
    alerts = [{**ALERT, "ticket_id": 100 + n} for n in range(per_window + 2)]
    # GIVEN one minute in which more critical alerts arrive than PR's DingTalk robot may take (the
    # stand-ins' own limits lifted: the notifier's budget alone must keep within the platform's)
    notifier.lift_rate_limits()
    with time_machine.travel(datetime(2026, 11, 25, 3, 0, 5, tzinfo=UTC), tick=False):
        # WHEN the queue hands them to the notifier in one batch
        result = app.lambda_handler(
            {"Records": [_sns_record(a) for a in alerts]}, lambda_context("notifier", region=REGION)
        )
    # THEN the robot got exactly its share; the two over it are handed back to the queue, not lost
    assert len(notifier.messages["pr_compliance"]) == per_window
    assert len(result["batchItemFailures"]) == 2


def test_a_message_that_is_no_alert_is_dropped_not_retried(notifier: ChatSandbox) -> None:
    # GIVEN a person-readable message on a topic the notifier listens to (not an alert's JSON)
    record = _sns_record({})
    envelope = json.loads(record["body"])
    envelope["Message"] = "Complaint review 2026-11: 1,204 complaints ..."
    record["body"] = json.dumps(envelope)
    # WHEN the queue hands it over
    result = app.lambda_handler({"Records": [record]}, lambda_context("notifier", region=REGION))
    # THEN it is not a failure to retry (it would only reach the dead letters), and no group got it
    assert result == {"batchItemFailures": []}
    assert not any(notifier.messages.values())
