"""Zendesk webhook intake: verify, validate, enqueue, answer within a second.

HTTP API (payload format 2.0) → this handler → SQS FIFO → functions/triage.

    413  body larger than MAX_BODY_BYTES (or than a queue message can hold)
    401  signature missing or wrong, or its timestamp outside the window
    400  not a webhook we accept (the message says what is wrong)
    503  the signing secret or the queue is unavailable: Zendesk retries (Retry-After)
    202  {"accepted": "<event id>"}: the event is on the queue
    200  {"ignored": "<event id>", "reason": ...}: an internal-note comment event, a change of a
         custom field other than the grade's (the plugin's own due-time fields among them), or a
         tags change that adds no lifecycle action tag: the triage would read and drop them, so
         they are not queued at all

Logs carry ids only (event, ticket, webhook, invocation) and the event type:
never the signing secret, never the body (it holds customers' personal data).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.webhook.http_answers import lower_headers, raw_body, response, unavailable
from infra.log_masking import mask_personal_numbers
from infra.queue import EnqueueFailed, MessageTooLarge, TicketEventQueue
from infra.settings import SettingsError, WebhookSettings
from integrations.zendesk.events import MalformedWebhook, parse_webhook
from integrations.zendesk.webhook_signature import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignature,
    StaleTimestamp,
    verify_signature,
)

logger = mask_personal_numbers(Logger(service="zendesk-webhook"))

INVOCATION_HEADER = "X-Zendesk-Webhook-Invocation-Id"
WEBHOOK_ID_HEADER = "X-Zendesk-Webhook-Id"
SECRET_MAX_AGE_SECONDS = 300
SOCIAL_PATH_PREFIX = "/social/"  # POST /social/{source}: posts pushed by listening tools


@cache
def settings() -> WebhookSettings:
    return WebhookSettings.from_env()


@cache
def queue() -> TicketEventQueue:
    """Built on the first event and kept for the life of the execution environment."""
    return TicketEventQueue(boto3.client("sqs"), settings().queue_url)


@cache
def action_tags() -> frozenset[str]:
    """The lifecycle macros' tags (lifecycle.yaml): a tags change that adds none is not queued."""
    from policies.lifecycle import load_lifecycle_policy

    return frozenset(spec.tag for spec in load_lifecycle_policy().actions.values())


def signing_secret(config: WebhookSettings) -> str:
    if config.signing_secret is not None:
        return config.signing_secret.get_secret_value()
    # Cached by Powertools for SECRET_MAX_AGE_SECONDS: a reset secret is picked up within 5 minutes.
    return parameters.get_secret(config.signing_secret_name, max_age=SECRET_MAX_AGE_SECONDS)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if str(event.get("rawPath", "")).startswith(SOCIAL_PATH_PREFIX):
        from functions.webhook.social_intake import receive_posts

        return receive_posts(event, logger)
    headers = lower_headers(event)
    invocation_id = headers.get(INVOCATION_HEADER.lower())
    logger.append_keys(invocation_id=invocation_id, webhook_id=headers.get(WEBHOOK_ID_HEADER.lower()))

    try:
        config = settings()
    except SettingsError:
        logger.exception("webhook intake is misconfigured")
        return unavailable()

    try:
        raw = raw_body(event)
    except ValueError as exc:
        return _reject(400, str(exc))
    if len(raw) > config.max_body_bytes:
        return _reject(413, f"body is {len(raw)} bytes; the limit is {config.max_body_bytes}")

    try:
        secret = signing_secret(config)
    except parameters.GetParameterError:
        logger.exception("could not read the webhook signing secret")
        return unavailable()
    try:
        verify_signature(
            secret,
            headers.get(TIMESTAMP_HEADER.lower(), ""),
            raw,
            headers.get(SIGNATURE_HEADER.lower(), ""),
            now=datetime.now(UTC),
            window=timedelta(seconds=config.timestamp_window_seconds),
        )
    except StaleTimestamp as exc:
        return _reject(401, f"stale signature timestamp: {exc}")
    except InvalidSignature as exc:
        return _reject(401, f"invalid signature: {exc}")

    try:
        ticket_event = parse_webhook(raw, invocation_id=invocation_id)
    except MalformedWebhook as exc:
        return _reject(400, str(exc))

    logger.append_keys(
        event_id=ticket_event.event_id,
        ticket_id=ticket_event.ticket_id,
        event_type=ticket_event.event_type.value,
        source=ticket_event.source.value,
    )
    ignored = ticket_event.ignored_reason(action_tags())
    if ignored is not None:
        logger.debug("event ignored", extra={"reason": ignored})
        return response(200, {"ignored": ticket_event.event_id, "reason": ignored})
    try:
        queue().enqueue(ticket_event, raw)
    except MessageTooLarge as exc:
        return _reject(413, str(exc))
    except EnqueueFailed:
        logger.exception("could not enqueue the ticket event")
        return unavailable()

    logger.info("ticket event accepted")
    return response(202, {"accepted": ticket_event.event_id})


def _reject(status: int, message: str) -> dict[str, Any]:
    logger.warning("webhook rejected", extra={"status": status, "reason": message})
    return response(status, {"message": message})
