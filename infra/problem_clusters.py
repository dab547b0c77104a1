"""Who reported the same problem recently, for group complaints (R-GRADE-1b), in the complaints table.

    pk = PROBLEM#<problem key>   sk = MEMBERS   members (JSON list of {customer, ticket, at}),
                                                grouped (bool), fanned_out (bool), version

A join reads the item, forgets members older than the window, adds this ticket, and writes it
back conditional on the version read (retrying a few times when another ticket joined at the
same moment). A cluster is grouped once it has enough distinct customers; `fanned_out` records
that the other tickets were told, so a retried event tells them again only if that had failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

MAX_ATTEMPTS = 5
RETENTION_DAYS = 30


class ClusterBusy(Exception):
    """Too many tickets joined the same problem at once; the event is retried later."""


@dataclass(frozen=True)
class ClusterState:
    key: str
    customers: int
    tickets: tuple[int, ...]
    grouped: bool
    needs_fan_out: bool


class ProblemClusters:
    def __init__(self, table: Any) -> None:
        self._table = table

    def join(
        self,
        key: str,
        *,
        customer: str,
        ticket_id: int,
        at: datetime,
        window: timedelta,
        min_customers: int,
    ) -> ClusterState:
        for _ in range(MAX_ATTEMPTS):
            item = self._table.get_item(Key=_key(key), ConsistentRead=True).get("Item")
            version = int(item["version"]) if item else 0
            members = [m for m in json.loads(item["members"]) if _recent(m, at, window)] if item else []
            if all(m["ticket"] != ticket_id for m in members):
                members.append({"customer": customer, "ticket": int(ticket_id), "at": at.isoformat()})
            customers = len({m["customer"] for m in members})
            grouped = bool(item and item.get("grouped")) or customers >= min_customers
            fanned_out = bool(item and item.get("fanned_out"))
            try:
                self._put(key, members, grouped, fanned_out, version, at)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    continue
                raise
            return ClusterState(
                key=key,
                customers=customers,
                tickets=tuple(int(m["ticket"]) for m in members),
                grouped=grouped,
                needs_fan_out=grouped and not fanned_out,
            )
        raise ClusterBusy(f"problem {key!r} kept changing while joining")

    def mark_fanned_out(self, key: str) -> None:
        self._table.update_item(
            Key=_key(key), UpdateExpression="SET fanned_out = :yes", ExpressionAttributeValues={":yes": True}
        )

    def _put(
        self,
        key: str,
        members: list[dict[str, Any]],
        grouped: bool,
        fanned_out: bool,
        version: int,
        at: datetime,
    ) -> None:
        condition = "attribute_not_exists(pk)" if version == 0 else "version = :expected"
        values = {} if version == 0 else {":expected": version}
        self._table.put_item(
            Item={
                **_key(key),
                "members": json.dumps(members, ensure_ascii=False),
                "grouped": grouped,
                "fanned_out": fanned_out,
                "version": version + 1,
                "expires_at": int((at + timedelta(days=RETENTION_DAYS)).timestamp()),
            },
            ConditionExpression=condition,
            **({"ExpressionAttributeValues": values} if values else {}),
        )


def _key(key: str) -> dict[str, str]:
    return {"pk": f"PROBLEM#{key}", "sk": "MEMBERS"}


def _recent(member: dict[str, Any], at: datetime, window: timedelta) -> bool:
    return at - datetime.fromisoformat(member["at"]) <= window
