"""Parking a queue message that can never succeed, the same way for every SQS-fed Lambda."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from infra.inbox import TicketEventInbox


def park(inbox: TicketEventInbox, record: SQSRecord, reason: str, logger: Any) -> dict[str, Any]:
    """Send the message to its dead-letter queue with why (`triage replay-dlq` brings it back)."""
    inbox.dead_letter(
        body=record.body,
        group_id=record.attributes.message_group_id or "unknown",
        message_id=record.message_id,
        reason=reason,
    )
    logger.error("message parked in the dead-letter queue", extra={"reason": reason})
    return {"action": "dead_lettered", "detail": reason}


def first_line(exc: Exception) -> str:
    """An exception's first line: enough to say why, short enough for a message attribute."""
    return (str(exc).splitlines() or [type(exc).__name__])[0]
