"""What happened to each alert in chat, in the complaints table (R-ROUTE-1: "at once", and proof of it).

    pk = ALERT#<alert id>   sk = STATE   alert (JSON), topic, ticket_id, sent_at,
                                         delivered (channels posted to), steps ([{channel, at}]),
                                         acked_at, acked_by, acked_in,
                                         watch_shard = ALERTS, watch_at  (while it awaits an ack)

The alert id is the SNS message id, so a redelivered message finds its item and posts only to the
channels not yet done. An alert that must be acknowledged sits in the `by_watch_time` index under
its own shard until it is acknowledged or the ladder is exhausted; the escalation check queries that
shard for what is due, never scans. An acknowledgement is a conditional write: the first stands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from infra.complaints import WATCH_INDEX

ALERT_SHARD = "ALERTS"
_SK = "STATE"


@dataclass(frozen=True)
class AlertState:
    alert_id: str
    alert: dict[str, Any]
    topic: str
    ticket_id: int
    sent_at: datetime
    delivered: tuple[str, ...]
    steps: tuple[dict[str, str], ...]
    acked_at: datetime | None
    acked_by: str | None
    acked_in: str | None


def _key(alert_id: str) -> dict[str, str]:
    return {"pk": f"ALERT#{alert_id}", "sk": _SK}


def _text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


class AlertLog:
    def __init__(self, table: Any) -> None:
        self._table = table

    def start(
        self, alert_id: str, alert: dict[str, Any], *, topic: str, now: datetime, ack_due: datetime | None
    ) -> AlertState:
        """Record a new alert (or find the one a redelivery already recorded)."""
        item: dict[str, Any] = {
            **_key(alert_id),
            "alert": json.dumps(alert, ensure_ascii=False),
            "topic": topic,
            "ticket_id": int(alert.get("ticket_id") or 0),
            "kind": "alert",
            "sent_at": _text(now),
            "delivered": [],
            "steps": [],
        }
        if ack_due is not None:
            item.update({"watch_shard": ALERT_SHARD, "watch_at": _text(ack_due)})
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
        found = self.get(alert_id)
        assert found is not None
        return found

    def get(self, alert_id: str) -> AlertState | None:
        item = self._table.get_item(Key=_key(alert_id), ConsistentRead=True).get("Item")
        return None if item is None else _state(alert_id, item)

    def delivered(self, alert_id: str, channel: str) -> None:
        """`channel` got the alert: a redelivered message skips it."""
        try:
            self._table.update_item(
                Key=_key(alert_id),
                UpdateExpression="SET delivered = list_append(delivered, :c)",
                ConditionExpression="NOT contains(delivered, :name)",
                ExpressionAttributeValues={":c": [channel], ":name": channel},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def due(self, now: datetime, limit: int = 100) -> list[AlertState]:
        """Alerts still unacknowledged whose next escalation time has come."""
        answer = self._table.query(
            IndexName=WATCH_INDEX,
            KeyConditionExpression="watch_shard = :shard AND watch_at <= :now",
            ExpressionAttributeValues={":shard": ALERT_SHARD, ":now": _text(now)},
            Limit=limit,
        )
        states = [self.get(item["pk"].removeprefix("ALERT#")) for item in answer.get("Items", [])]
        return [s for s in states if s is not None and s.acked_at is None]

    def escalated(self, alert_id: str, channel: str, now: datetime, next_due: datetime) -> None:
        """One step up the ladder, recorded; the next check is at `next_due`."""
        self._table.update_item(
            Key=_key(alert_id),
            UpdateExpression="SET steps = list_append(steps, :step), watch_at = :next",
            ConditionExpression="attribute_not_exists(acked_at)",
            ExpressionAttributeValues={
                ":step": [{"channel": channel, "at": _text(now)}],
                ":next": _text(next_due),
            },
        )

    def stop_watching(self, alert_id: str) -> None:
        """The ladder is exhausted: the alert leaves the escalation index (it stays on record)."""
        self._table.update_item(Key=_key(alert_id), UpdateExpression="REMOVE watch_shard, watch_at")

    def acknowledge(self, alert_id: str, *, channel: str, by: str, now: datetime) -> tuple[AlertState, bool]:
        """Record who acknowledged the alert; (state, True) the first time, (state, False) after."""
        try:
            self._table.update_item(
                Key=_key(alert_id),
                UpdateExpression=(
                    "SET acked_at = :at, acked_by = :by, acked_in = :channel REMOVE watch_shard, watch_at"
                ),
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(acked_at)",
                ExpressionAttributeValues={":at": _text(now), ":by": by, ":channel": channel},
            )
            first = True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            first = False
        state = self.get(alert_id)
        if state is None:
            raise KeyError(f"alert {alert_id} is not known")
        return state, first


def _state(alert_id: str, item: dict[str, Any]) -> AlertState:
    def when(name: str) -> datetime | None:
        value = item.get(name)
        return datetime.fromisoformat(str(value)) if value else None

    sent = when("sent_at")
    assert sent is not None
    return AlertState(
        alert_id=alert_id,
        alert=json.loads(item["alert"]),
        topic=str(item["topic"]),
        ticket_id=int(item.get("ticket_id") or 0),
        sent_at=sent,
        delivered=tuple(item.get("delivered") or ()),
        steps=tuple({"channel": str(s["channel"]), "at": str(s["at"])} for s in item.get("steps") or ()),
        acked_at=when("acked_at"),
        acked_by=item.get("acked_by"),
        acked_in=item.get("acked_in"),
    )
