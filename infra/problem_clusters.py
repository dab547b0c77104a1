"""Who reported the same problem recently, for group complaints (R-GRADE-1b), in the complaints table.

    pk = PROBLEM#<problem key>   sk = MEMBERS   members (JSON list of {customer, ticket, at, quote}),
                                                grouped (bool), fanned_out (bool), version

The key is `product|failure` (policies/problems.py): one item per problem, so joining costs one read
and one conditional write whatever the number of open complaints (plus one read per other failure
the text shows, to join the problem others already reported). An agent can take a ticket out
(`leave`): the cluster is re-counted, and one that falls below the threshold is not alerted again.

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
MAX_MEMBERS = 200  # the newest are kept: far above any threshold, far below DynamoDB's 400 KB item


class ClusterBusy(Exception):
    """Too many tickets joined the same problem at once; the event is retried later."""


@dataclass(frozen=True)
class ClusterState:
    key: str
    customers: int
    tickets: tuple[int, ...]
    grouped: bool
    needs_fan_out: bool
    quotes: tuple[tuple[int, str], ...] = ()


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
        quote: str = "",
    ) -> ClusterState:
        def add(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
            if all(m["ticket"] != ticket_id for m in members):
                members.append(
                    {"customer": customer, "ticket": int(ticket_id), "at": at.isoformat(), "quote": quote}
                )
            return members[-MAX_MEMBERS:]

        return self._change(key, add, at=at, window=window, min_customers=min_customers)

    def leave(
        self, key: str, *, ticket_id: int, at: datetime, window: timedelta, min_customers: int
    ) -> ClusterState:
        """Take a ticket out of its problem (an agent said it does not belong) and count again."""
        return self._change(
            key,
            lambda members: [m for m in members if m["ticket"] != ticket_id],
            at=at,
            window=window,
            min_customers=min_customers,
            regroup=False,
        )

    def _change(
        self,
        key: str,
        edit: Any,
        *,
        at: datetime,
        window: timedelta,
        min_customers: int,
        regroup: bool = True,
    ) -> ClusterState:
        for _ in range(MAX_ATTEMPTS):
            item = self._table.get_item(Key=_key(key), ConsistentRead=True).get("Item")
            version = int(item["version"]) if item else 0
            members = edit([m for m in json.loads(item["members"]) if _recent(m, at, window)] if item else [])
            customers = len({m["customer"] for m in members})
            was_grouped = bool(item and item.get("grouped"))
            # A leave only ever un-groups; a join groups at the threshold. Once alerted (fanned_out),
            # a cluster that falls below and climbs back is not alerted again.
            grouped = customers >= min_customers if not regroup else was_grouped or customers >= min_customers
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
                quotes=tuple((int(m["ticket"]), str(m.get("quote", ""))) for m in members),
            )
        raise ClusterBusy(f"problem {key!r} kept changing while joining")

    def customers(self, key: str, *, at: datetime, window: timedelta) -> int:
        """How many distinct customers reported this problem within the window (0 if none)."""
        item = self._table.get_item(Key=_key(key), ConsistentRead=True).get("Item")
        if not item:
            return 0
        return len({m["customer"] for m in json.loads(item["members"]) if _recent(m, at, window)})

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
