"""Listening-tool intake: POST /social/{source} → verify, validate, queue the posts for the outreach.

    413  body too large, or more posts / longer texts than social.yaml allows
    401  signature missing or wrong, or its timestamp outside the window
    400  not the documented JSON, or the body's `source` is not the one in the path
    503  the secret or the queue is unavailable: the tool retries (Retry-After)
    202  {"accepted": <count>, "source": ...}: every post is on the queue

A delivery repeated by the tool is harmless: the queue's dedup id and the social ledger drop
posts seen before. Logs carry the source and counts, never post text (it is personal data).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from functions.webhook.http_answers import lower_headers, raw_body, response, unavailable
from infra.queue import EnqueueFailed, MessageTooLarge
from infra.settings import SettingsError, SocialWebhookSettings
from infra.social_queue import SocialPostQueue
from integrations.social.inbound_webhook import InboundWebhook, InboundWebhookError

SECRET_MAX_AGE_SECONDS = 300


@cache
def settings() -> SocialWebhookSettings:
    return SocialWebhookSettings.from_env()


@cache
def queue() -> SocialPostQueue:
    import boto3

    return SocialPostQueue(boto3.client("sqs"), settings().social_queue_url)


def inbound_webhook(config: SocialWebhookSettings) -> InboundWebhook:
    """Built per delivery: the secret is cached by Powertools (a rotated key is picked up in 5 min)."""
    from policies.loader import load_social_policy

    limits = load_social_policy().inbound_webhook
    if config.signing_secret is not None:
        secret = config.signing_secret.get_secret_value()
    else:
        from aws_lambda_powertools.utilities import parameters

        secret = parameters.get_secret(config.signing_secret_name, max_age=SECRET_MAX_AGE_SECONDS)
    return InboundWebhook(
        secret,
        replay_window=timedelta(seconds=limits.signature_window_seconds),
        max_posts=limits.max_posts,
        max_text_chars=limits.max_text_chars,
    )


def receive_posts(event: dict[str, Any], logger: Any) -> dict[str, Any]:
    source = str((event.get("pathParameters") or {}).get("source") or "")
    logger.append_keys(social_source=source)

    def reject(status: int, message: str) -> dict[str, Any]:
        logger.warning("social delivery rejected", extra={"status": status, "reason": message})
        return response(status, {"message": message})

    try:
        config = settings()
        webhook = inbound_webhook(config)
    except (SettingsError, ValueError):
        logger.exception("listening-tool intake is misconfigured")
        return unavailable()
    except Exception:  # Secrets Manager unreachable: the tool retries
        logger.exception("could not read the listening-tool signing secret")
        return unavailable()
    try:
        raw = raw_body(event)
        batch = webhook.receive(lower_headers(event), raw, now=datetime.now(UTC))
    except ValueError as exc:
        return reject(400, str(exc))
    except InboundWebhookError as exc:
        return reject(exc.http_status, str(exc))
    if batch.source != source:
        return reject(400, f"body source {batch.source!r} does not match the path's {source!r}")
    try:
        queued = queue().enqueue(batch.posts, via=f"webhook:{batch.source}")
    except MessageTooLarge as exc:
        return reject(413, str(exc))
    except EnqueueFailed:
        logger.exception("could not enqueue the posts")
        return unavailable()
    logger.info("social posts accepted", extra={"posts": queued})
    return response(202, {"accepted": queued, "source": batch.source})
