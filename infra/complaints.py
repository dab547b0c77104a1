"""Complaint records and their obligations in DynamoDB (the complaints table).

Key design (one table, `pk` + `sk`):
    pk = TICKET#<ticket id>   sk = RECORD              the complaint record (JSON) and its version
    pk = TICKET#<ticket id>   sk = OBLIGATION#<kind>   one item per deadline: state, due_at (UTC ISO), rule
    pk = TICKET#<ticket id>   sk = WRITE#<event id>    an event's ticket write was about to be sent
                                                       (expires_at: TTL)
A record and its obligations are written in one transaction, conditional on the version read,
so two writers can never interleave. Obligation items exist for the deadline watcher: while an
obligation still needs a look (a warning or a breach to come) its item carries
    watch_shard = WATCH#<ticket id mod WATCH_SHARDS>   watch_at = next check time (UTC ISO)
which the sparse index `by_watch_time` (watch_shard, watch_at) serves; met, cancelled and
breached obligations drop out of the index. The shards spread a busy minute over partitions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from policies.complaint_state import ComplaintRecord, Obligation

RECORD_SK = "RECORD"
OBLIGATION_SK = "OBLIGATION#"
WRITE_SK = "WRITE#"
# How long a write intent is kept: far longer than any event is retried (SQS keeps one 14 days).
WRITE_INTENT_DAYS = 15
WATCH_INDEX = "by_watch_time"
WATCH_SHARDS = 8

# The table's shape, for `create_table` (local stack, tests); template.yaml declares the same.
TABLE_SCHEMA: dict[str, Any] = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "watch_shard", "watch_at")
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": WATCH_INDEX,
            "KeySchema": [
                {"AttributeName": "watch_shard", "KeyType": "HASH"},
                {"AttributeName": "watch_at", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["ticket_id", "kind"]},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


class StaleComplaintRecord(Exception):
    """Someone saved this complaint since it was read; read it again and redo the decision."""


def ticket_pk(ticket_id: int) -> str:
    return f"TICKET#{int(ticket_id)}"


class ComplaintStore:
    def __init__(self, table: Any) -> None:
        """`table` is a boto3 DynamoDB Table resource."""
        self._table = table

    def get(self, ticket_id: int) -> ComplaintRecord | None:
        item = self._table.get_item(
            Key={"pk": ticket_pk(ticket_id), "sk": RECORD_SK}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        record = ComplaintRecord.model_validate_json(str(item["record"]))
        return record.model_copy(update={"version": int(item["version"])})

    def save(self, record: ComplaintRecord) -> ComplaintRecord:
        """Store the record and its obligations; raise `StaleComplaintRecord` if it changed since read."""
        saved = record.model_copy(update={"version": record.version + 1})
        pk = ticket_pk(record.ticket_id)
        condition: dict[str, Any]
        if record.version == 0:
            condition = {"ConditionExpression": "attribute_not_exists(pk)"}
        else:
            condition = {
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": record.version},
            }
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": {
                        "pk": pk,
                        "sk": RECORD_SK,
                        "record": saved.model_dump_json(),
                        "version": saved.version,
                        "level": saved.level,
                        "status": saved.status,
                    },
                    **condition,
                }
            }
        ]
        items += [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _obligation_item(pk, record.ticket_id, o),
                }
            }
            for o in saved.obligations.values()
        ]
        # The resource's client serialises plain Python values, transactions included.
        client = self._table.meta.client
        try:
            client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons") or []
                if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or not reasons:
                    raise StaleComplaintRecord(
                        f"complaint of ticket {record.ticket_id} changed since version {record.version}"
                    ) from exc
            raise
        return saved

    def tickets_to_check(self, now: datetime) -> list[int]:
        """Tickets with an obligation whose warning or breach time has come (index query, no scan)."""
        tickets: set[int] = set()
        for shard in range(WATCH_SHARDS):
            query: dict[str, Any] = {
                "IndexName": WATCH_INDEX,
                "KeyConditionExpression": "watch_shard = :shard AND watch_at <= :now",
                "ExpressionAttributeValues": {":shard": f"WATCH#{shard}", ":now": utc_text(now)},
                "ProjectionExpression": "ticket_id",
            }
            while True:
                page = self._table.query(**query)
                tickets.update(int(item["ticket_id"]) for item in page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    break
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted(tickets)

    def note_write(self, ticket_id: int, event_id: str, now: datetime | None = None) -> bool:
        """Record that `event_id`'s write to the ticket is about to be sent; True if an earlier
        attempt of the same event had recorded it already (its write may have landed unseen)."""
        now = now or datetime.now(UTC)
        try:
            self._table.put_item(
                Item={
                    "pk": ticket_pk(ticket_id),
                    "sk": WRITE_SK + event_id,
                    "expires_at": int((now + timedelta(days=WRITE_INTENT_DAYS)).timestamp()),
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return True
            raise
        return False

    def obligations(self, ticket_id: int) -> list[Obligation]:
        """The obligation items of one ticket (what the watcher sees)."""
        response = self._table.query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": ticket_pk(ticket_id), ":prefix": OBLIGATION_SK},
            ConsistentRead=True,
        )
        return [Obligation.model_validate_json(str(item["obligation"])) for item in response.get("Items", [])]


def watch_shard(ticket_id: int) -> str:
    return f"WATCH#{int(ticket_id) % WATCH_SHARDS}"


def utc_text(moment: datetime) -> str:
    """Sortable UTC text, the form every time key in the table uses."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _obligation_item(pk: str, ticket_id: int, obligation: Obligation) -> dict[str, Any]:
    item = {
        "pk": pk,
        "sk": OBLIGATION_SK + obligation.kind,
        "ticket_id": int(ticket_id),
        "kind": obligation.kind,
        "state": obligation.state,
        "due_at": utc_text(obligation.due_at),
        "rule": obligation.rule,
        "obligation": obligation.model_dump_json(),
    }
    check_at = obligation.next_check_at()
    if check_at is not None:
        item["watch_shard"] = watch_shard(ticket_id)
        item["watch_at"] = utc_text(check_at)
    return item
