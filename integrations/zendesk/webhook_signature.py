"""Zendesk webhook signatures: sign a delivery, and verify one with a replay window.

Zendesk signs every webhook request (trigger-connected or event subscription):
`X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(signing secret,
`X-Zendesk-Webhook-Signature-Timestamp` + raw body)). The timestamp is an
ISO 8601 UTC instant (`2026-01-01T09:30:00Z`) taken when the attempt is sent,
so each retry carries a fresh one. Zendesk documents no replay window; the
caller chooses it (5 minutes in this project) and dedupes on the event id.

The secret is the one `GET /api/v2/webhooks/{id}/signing_secret` returns,
used as UTF-8 text, exactly as Zendesk (and the local sandbox) use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"


class WebhookSignatureError(Exception):
    """The request cannot be trusted as a Zendesk delivery."""


class InvalidSignature(WebhookSignatureError):
    """The signature or its timestamp is missing, or the signature does not match."""


class StaleTimestamp(WebhookSignatureError):
    """The signature is genuine but its timestamp is unreadable or outside the window (either side)."""


def sign(secret: str, timestamp: str, raw_body: bytes) -> str:
    """The signature Zendesk sends for this timestamp and body."""
    message = timestamp.encode("utf-8") + raw_body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(
    secret: str,
    timestamp: str,
    raw_body: bytes,
    signature: str,
    *,
    now: datetime,
    window: timedelta,
) -> None:
    """Return if the delivery is genuine and fresh; raise `InvalidSignature` or `StaleTimestamp`.

    The signature is checked first, in constant time, so only a caller holding
    the secret ever learns that a timestamp was the problem.
    """
    if not signature.strip():
        raise InvalidSignature(f"missing {SIGNATURE_HEADER} header")
    if not timestamp.strip():
        raise InvalidSignature(f"missing {TIMESTAMP_HEADER} header")
    expected = sign(secret, timestamp, raw_body).encode("ascii")
    if not hmac.compare_digest(expected, signature.strip().encode("utf-8")):
        raise InvalidSignature("signature does not match the body and timestamp")

    signed_at = _parse_timestamp(timestamp)
    skew = now - signed_at
    if abs(skew) > window:
        direction = "old" if skew > timedelta(0) else "in the future"
        raise StaleTimestamp(
            f"signature timestamp {timestamp} is {_seconds(abs(skew))} {direction}; "
            f"the window is {_seconds(window)}"
        )


def _parse_timestamp(timestamp: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(timestamp.strip())
    except ValueError:
        raise StaleTimestamp(f"signature timestamp {timestamp!r} is not an ISO 8601 instant") from None
    if parsed.tzinfo is None:  # Zendesk always sends UTC with a trailing Z; read a bare one as UTC.
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _seconds(delta: timedelta) -> str:
    return f"{int(delta.total_seconds())} s"
