"""Acknowledgement links in chat cards: signed for one alert and one channel, with an expiry.

    <base>/alerts/ack?alert=<id>&channel=<name>&expires=<unix s>&sig=<hex HMAC-SHA256>

The signature covers alert, channel and expiry with the plugin's own ack secret (Secrets Manager),
so a link cannot be forged for another alert or channel, nor kept alive past its expiry. Using a link
twice is harmless: the first acknowledgement stands and is shown (`AlertLog.acknowledge`).
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta


class AckLinkInvalid(ValueError):
    """The link was altered, is incomplete or has expired; the message says which (no secret in it)."""


@dataclass(frozen=True)
class AckClaim:
    alert_id: str
    channel: str


def _signature(secret: str, alert_id: str, channel: str, expires: int) -> str:
    message = f"{alert_id}|{channel}|{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def ack_url(base_url: str, secret: str, alert_id: str, channel: str, now: datetime, valid: timedelta) -> str:
    expires = int((now + valid).timestamp())
    query = urllib.parse.urlencode(
        {
            "alert": alert_id,
            "channel": channel,
            "expires": expires,
            "sig": _signature(secret, alert_id, channel, expires),
        }
    )
    return f"{base_url.rstrip('/')}/alerts/ack?{query}"


def verify(query: dict[str, str], secret: str, now: datetime) -> AckClaim:
    missing = [k for k in ("alert", "channel", "expires", "sig") if not query.get(k)]
    if missing:
        raise AckLinkInvalid(f"the link lacks {', '.join(missing)}")
    try:
        expires = int(query["expires"])
    except ValueError:
        raise AckLinkInvalid("expires is not a number") from None
    expected = _signature(secret, query["alert"], query["channel"], expires)
    if not hmac.compare_digest(expected.encode(), query["sig"].encode("utf-8", "replace")):
        raise AckLinkInvalid("the signature does not match this alert and channel")
    if now.timestamp() > expires:
        raise AckLinkInvalid("the link has expired")
    return AckClaim(query["alert"], query["channel"])
