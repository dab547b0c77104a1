"""Chat notifier Lambda (issue 17): three triggers, one concern, alerts in group chats.

- SQS (the alert topics feed its queue): each SNS notification is delivered to its channels; a
  platform's rate limit hands the message back for the platform's wait (ChangeMessageVisibility),
  an outage retries, a refusal for good goes to the dead-letter queue after the redrive count.
- Schedule (every minute): unacknowledged critical alerts climb the escalation ladder.
- HTTP API `GET /alerts/ack`: a card's signed acknowledgement link; the page says who and when.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notifier.alert_delivery import AlertDelivery
from infra.alert_log import AlertLog
from infra.log_masking import mask_personal_numbers
from infra.queue import TicketEventQueue
from infra.settings import NotifierSettings
from infra.write_budget_table import DynamoDBWriteBudget
from integrations.chat.ack_link import AckLinkInvalid, verify
from integrations.chat.credentials import ChatCredentials
from integrations.chat.sender import ChatRateLimited, ChatSender
from policies.loader import load_policy

logger = mask_personal_numbers(Logger(service="chat-notifier"))
processor = BatchProcessor(event_type=EventType.SQS)
_MAX_VISIBILITY_SECONDS = 43_200  # SQS's ceiling


CHAT_BUDGET_PREFIX = "CHAT_BUDGET#"


@cache
def settings() -> NotifierSettings:
    return NotifierSettings.from_env()


def _credentials() -> ChatCredentials:
    from aws_lambda_powertools.utilities.parameters import get_secret

    return ChatCredentials.from_json(get_secret(settings().chat_secret_name, transform="json", max_age=300))


@cache
def delivery() -> AlertDelivery:
    table = boto3.resource("dynamodb").Table(settings().complaints_table)
    channels = load_policy().channels
    return AlertDelivery(
        channels,
        AlertLog(table),
        ChatSender(),
        _credentials,
        settings().ack_base_url,
        clock=lambda: datetime.now(UTC),
        ticket_events=TicketEventQueue(boto3.client("sqs"), settings().queue_url),
        budget=lambda channel: send_budget(
            table, channel.name, channels.send_limits_per_minute[channel.platform]
        ),
    )


def send_budget(table: Any, channel: str, per_minute: int) -> DynamoDBWriteBudget:
    """One bot's sends, counted fleet-wide: half the platform's limit per one-minute window (a fixed
    window can grant twice its size around its edge), refused as the platform's own rate limit."""
    return DynamoDBWriteBudget(
        table,
        account=channel,
        limit=max(1, per_minute // 2),
        partition_prefix=CHAT_BUDGET_PREFIX,
        refused=lambda name, wait: ChatRateLimited(name, float(wait)),
    )


def _deliver(record: SQSRecord) -> None:
    envelope = json.loads(record.body)
    try:
        alert = json.loads(envelope["Message"]) if "Message" in envelope else envelope
    except json.JSONDecodeError:
        alert = None
    if not isinstance(alert, dict) or "cause" not in alert:
        # Not an alert (a person-readable message on the topic): nothing for a chat card, and no
        # retry can make it one. Dropped with its id, never its text.
        logger.warning("not an alert; dropped", extra={"message_id": envelope.get("MessageId")})
        return
    try:
        posted = delivery().deliver(str(envelope.get("MessageId") or record.message_id), alert)
    except ChatRateLimited as limited:
        # Handed back for the platform's wait; the channels already posted to are not posted again.
        boto3.client("sqs").change_message_visibility(
            QueueUrl=settings().notifier_queue_url,
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=min(int(limited.retry_after) + 1, _MAX_VISIBILITY_SECONDS),
        )
        raise
    logger.info("alert delivered", extra={"cause": alert.get("cause"), "channels": posted})


def _acknowledge(event: dict[str, Any]) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    secret = _credentials().ack_secret.get_secret_value()
    try:
        claim = verify(query, secret, datetime.now(UTC))
    except AckLinkInvalid as exc:
        return _page(403, f"This link cannot acknowledge anything: {exc}.")
    by = str(query.get("by") or f"a member of {claim.channel}")[:80]
    try:
        ack = delivery().acknowledge(claim, by=by)
    except KeyError:
        return _page(404, "This alert is not known.")
    when = ack.at.isoformat(timespec="minutes")
    if ack.first:
        return _page(200, f"Acknowledged by {ack.by} in {ack.channel} at {when}. Escalation stopped.")
    return _page(200, f"Already acknowledged by {ack.by} in {ack.channel} at {when}.")


def _page(status: int, text: str) -> dict[str, Any]:
    body = f"<!doctype html><meta charset=utf-8><title>Alert</title><p>{html.escape(text)}</p>"
    return {"statusCode": status, "headers": {"Content-Type": "text/html; charset=utf-8"}, "body": body}


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        return process_partial_response(
            event=event, record_handler=_deliver, processor=processor, context=context
        )
    if "requestContext" in event:  # the HTTP API's acknowledgement link
        return _acknowledge(event)
    escalated = delivery().escalate()  # the minute's schedule
    logger.info("escalation check", extra={"escalated": len(escalated)})
    return {"escalated": len(escalated)}
