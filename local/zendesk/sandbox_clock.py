"""Zendesk's timestamp format: ISO 8601, UTC, whole seconds, trailing Z."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_seconds(epoch: float) -> str:
    """2024-05-01T09:30:00Z: the format of created_at / updated_at / updated_stamp."""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_precise(epoch: float) -> str:
    """Sub-second UTC time, as event payloads' `time` carries it."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str) -> datetime | None:
    """Parse an ISO 8601 timestamp (Z or offset); None when it is not one."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
