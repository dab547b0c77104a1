"""The HTTP API (payload 2.0) side of the webhook Lambda: read the body, build the answers."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

# Zendesk retries a 503 only when Retry-After is under a minute; listening tools retry on 5xx.
RETRY_AFTER_SECONDS = 10


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("body is marked base64-encoded but is not valid base64") from None


def lower_headers(event: dict[str, Any]) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in (event.get("headers") or {}).items()}


def unavailable() -> dict[str, Any]:
    answer = response(503, {"message": "temporarily unavailable, retry later"})
    answer["headers"]["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer


def response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, ensure_ascii=False),
    }
