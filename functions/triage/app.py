"""Triage Lambda: SQS FIFO batch of ticket events → one enriched ticket write per event.

Per record:
    unreadable message          → parked in the DLQ with the reason (it can never succeed)
    Zendesk 429 / write budget  → message hidden for Retry-After seconds, record reported failed
    Zendesk refuses as invalid  → parked in the DLQ with the reason
    too little time left        → not started, reported failed: it returns after the visibility
                                  timeout rather than being cut off by the Lambda timeout mid-write
    anything else failing       → record reported failed; SQS redelivers, then redrives to the DLQ
Records of a failed ticket's FIFO group are not processed out of order (skip_group_on_error).
Duplicate deliveries of one event are answered from the idempotency table (Powertools).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from functions.parked_messages import first_line, park
from functions.triage.services import TriageServices, build_services
from infra.log_masking import mask_personal_numbers
from infra.observability import publishes_metrics, record_zendesk_throttled
from infra.queue import QueuedEvent
from infra.settings import TriageSettings
from integrations.zendesk.errors import ZendeskRetryLater, ZendeskValidationError
from integrations.zendesk.events import TicketEvent

logger = mask_personal_numbers(Logger(service="complaint-triage"))
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
# A batch whose every record failed (one ticket waiting out a 429) is reported record by record,
# like any partial failure, instead of raising: an invocation error would count in the error alarm.
processor.raise_on_entire_batch_failure = False


@cache
def services() -> TriageServices:
    return build_services(TriageSettings.from_env())


@cache
def idempotency() -> tuple[IdempotencyConfig, Callable[..., dict[str, Any]]]:
    built = services()
    config = IdempotencyConfig(
        event_key_jmespath="event_id", expires_after_seconds=built.settings.idempotency_ttl_seconds
    )

    @idempotent_function(
        data_keyword_argument="event", persistence_store=built.idempotency_store, config=config
    )
    def handle_once(*, event: TicketEvent, redelivered: bool) -> dict[str, Any]:
        outcome = built.triage.handle(event, redelivered=redelivered)
        return {"ticket_id": outcome.ticket_id, "action": outcome.action, "detail": outcome.detail}

    return config, handle_once


class NotEnoughTimeLeft(RuntimeError):
    """The invocation has too little time left to start a record (RECORD_TIME_BUDGET_MS)."""


def record_handler(record: SQSRecord, lambda_context: LambdaContext | None = None) -> dict[str, Any]:
    built = services()
    budget_ms = built.settings.record_time_budget_ms
    if lambda_context is not None and lambda_context.get_remaining_time_in_millis() < budget_ms:
        raise NotEnoughTimeLeft(f"less than {budget_ms} ms left in this invocation; the record returns later")
    inbox = built.inbox
    try:
        queued = QueuedEvent.from_message_body(record.body)
        event = TicketEvent.model_validate(queued.event)
    except (ValueError, ValidationError) as exc:
        return _park(record, f"unreadable queue message: {first_line(exc)}")
    logger.append_keys(event_id=event.event_id, ticket_id=event.ticket_id, event_type=event.event_type.value)
    redelivered = int(record.attributes.approximate_receive_count or "1") > 1
    _, handle_once = idempotency()
    try:
        outcome = handle_once(event=event, redelivered=redelivered)
    except ZendeskRetryLater as exc:
        record_zendesk_throttled()
        inbox.retry_after(record.receipt_handle, exc.retry_after_seconds)
        logger.warning("zendesk asked us to wait", extra={"retry_after_seconds": exc.retry_after_seconds})
        raise
    except (ZendeskValidationError, ValidationError) as exc:
        return _park(record, f"{type(exc).__name__}: {first_line(exc)}")
    logger.info("ticket event triaged", extra=outcome)
    return outcome


@publishes_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    config, _ = idempotency()
    config.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )


def _park(record: SQSRecord, reason: str) -> dict[str, Any]:
    return park(services().inbox, record, reason, logger)
