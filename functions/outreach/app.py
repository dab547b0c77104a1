"""Outreach Lambda: SQS FIFO batch of public posts → each poster contacted, ticketed, deadline met.

Per record (see PostOutreach):
    unreadable message                  → parked in the posts DLQ with the reason
    platform outage or rate limit       → message hidden for the wait, record reported failed
    Zendesk 429 / write budget          → message hidden for Retry-After seconds, record reported failed
    Zendesk refuses as invalid          → parked in the DLQ with the reason
    anything else failing               → record reported failed; SQS redelivers, then redrives
A batch is worked oldest post first: the oldest has the least of its hour left (R-SLA-9). Posts of
one thread share a FIFO group, so a reply is never handled before the post that opened its ticket.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from functions.outreach.services import OutreachServices, build_services
from functions.parked_messages import first_line, park
from infra.log_masking import mask_personal_numbers
from infra.observability import publishes_metrics, record_zendesk_throttled
from infra.settings import OutreachSettings
from infra.social_queue import QueuedPost
from integrations.zendesk.errors import ZendeskRetryLater, ZendeskValidationError

logger = mask_personal_numbers(Logger(service="social-outreach"))
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
processor.raise_on_entire_batch_failure = False  # waiting out a rate limit is not a Lambda error
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@cache
def services() -> OutreachServices:
    return build_services(OutreachSettings.from_env())


def record_handler(record: SQSRecord) -> dict[str, Any]:
    built = services()
    try:
        queued = QueuedPost.from_message_body(record.body)
    except (ValueError, ValidationError) as exc:
        return _park(record, f"unreadable queue message: {first_line(exc)}")
    logger.append_keys(post=queued.post.key, via=queued.via)
    redelivered = int(record.attributes.approximate_receive_count or "1") > 1
    from functions.outreach.post_outreach import ContactRetryLater

    try:
        outcome = built.outreach.handle(queued.post, redelivered=redelivered)
    except (ContactRetryLater, ZendeskRetryLater) as exc:
        if isinstance(exc, ZendeskRetryLater):
            record_zendesk_throttled()
        wait = exc.retry_after if isinstance(exc, ContactRetryLater) else exc.retry_after_seconds
        built.inbox.retry_after(record.receipt_handle, wait)
        logger.warning("waiting before the next attempt", extra={"retry_after_seconds": wait})
        raise
    except (ZendeskValidationError, ValidationError) as exc:
        return _park(record, f"{type(exc).__name__}: {first_line(exc)}")
    logger.info("post handled", extra=outcome.as_log())
    return outcome.as_log()


@publishes_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    ordered = {**event, "Records": oldest_post_first(event.get("Records", []))}
    return process_partial_response(
        event=ordered, record_handler=record_handler, processor=processor, context=context
    )


def oldest_post_first(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch in the order to work it: the oldest post has the least of its hour left. Stable, so
    a thread's posts (one FIFO group, queued in post order) keep their order."""
    return sorted(records, key=_posted_at)


def _posted_at(record: dict[str, Any]) -> datetime:
    """When the record's post was written; unreadable records first (they are parked at once)."""
    try:
        return QueuedPost.from_message_body(record["body"]).post.posted_at
    except (KeyError, ValueError, ValidationError):
        return _EARLIEST


def _park(record: SQSRecord, reason: str) -> dict[str, Any]:
    return park(services().inbox, record, reason, logger)
