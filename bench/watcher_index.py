"""How the deadline watcher finds its work among many open obligations.

Loads N open obligations (default 100,000) into the complaints table on a moto server in a child
process, with `--due` of them (default 1,000) past their check time, then times
`ComplaintStore.tickets_to_check(now)` — the watcher's per-minute index query over the sparse
`by_watch_time` index — and counts the items DynamoDB reads (the query's ScannedCount summed over
shards and pages; in DynamoDB, read units follow these items, not the table size).

    .venv/bin/python bench/watcher_index.py [--obligations 100000] [--due 1000]

Then it times one whole watcher run (`DeadlineWatch.run`) over the same population with the
storage, Zendesk and SNS replaced by in-memory stand-ins: the watcher's own work per minute
(deciding, building notes and alerts) for the due tickets. Storage and network add one record
read, one or two transactions, one Zendesk write and one publish per due ticket.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3

from infra.complaints import WATCH_INDEX, WATCH_SHARDS, ComplaintStore, utc_text, watch_shard
from local.aws import MotoServerProcess, provision_local_stack

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--obligations", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    with MotoServerProcess() as moto:
        stack = provision_local_stack(moto.endpoint_url, prefix="bench-watch")
        resource = boto3.resource(
            "dynamodb",
            endpoint_url=moto.endpoint_url,
            region_name=stack.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        table = resource.Table(stack.complaints_table)
        started = time.perf_counter()
        with table.batch_writer() as batch:
            for number in range(args.obligations):
                ticket_id = number + 1
                late = number < args.due
                check_at = NOW - timedelta(minutes=1) if late else NOW + timedelta(hours=1 + number % 72)
                batch.put_item(
                    Item={
                        "pk": f"TICKET#{ticket_id}",
                        "sk": "OBLIGATION#first_response",
                        "ticket_id": ticket_id,
                        "kind": "first_response",
                        "state": "open",
                        "watch_shard": watch_shard(ticket_id),
                        "watch_at": utc_text(check_at),
                    }
                )
        loading = time.perf_counter() - started
        store = ComplaintStore(table)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            found = store.tickets_to_check(NOW)
            timings.append(time.perf_counter() - started)
        scanned = _items_read(table)

    run_seconds, changed = _watcher_run(args.obligations, args.due)

    print(f"watcher index: {args.obligations} open obligations, {args.due} due, {WATCH_SHARDS} shards")
    print(f"  loaded in {loading:.1f} s (moto, batch writes)")
    print(f"  tickets found       {len(found)} (expected {args.due})")
    median_ms, best_ms = statistics.median(timings) * 1000, min(timings) * 1000
    print(f"  query time          median {median_ms:.0f} ms, best {best_ms:.0f} ms over {args.runs} runs")
    print(f"  items read per run  {scanned} (the due ones only, not the {args.obligations} in the index)")
    run_ms = run_seconds * 1000
    print(f"  watcher run         {run_ms:.0f} ms for {changed} state changes (storage, network in memory)")
    return 0 if len(found) == args.due else 1


def _watcher_run(obligations: int, due: int) -> tuple[float, int]:
    from functions.watcher.deadline_watch import DeadlineWatch
    from policies.complaint_state import ComplaintRecord, Obligation
    from policies.loader import load_policy

    records: dict[int, ComplaintRecord] = {}
    for number in range(obligations):
        opened = NOW - timedelta(hours=2) if number < due else NOW
        records[number + 1] = ComplaintRecord(
            ticket_id=number + 1,
            level=3,
            category="logistics",
            subtype="late_delivery",
            emotion="normal",
            language="zh" if number % 2 else "en",
            policy_version="bench",
            received_at=opened,
            obligations={
                "first_response": Obligation(
                    kind="first_response",
                    rule="R-SLA-1",
                    due_at=opened + timedelta(hours=1),
                    warn_at=opened + timedelta(minutes=45),
                    opened_at=opened,
                    opened_by="bench",
                )
            },
        )

    class Store:
        def tickets_to_check(self, now: datetime) -> list[int]:
            return list(range(1, due + 1))  # what the index query returns (timed above)

        def get(self, ticket_id: int) -> ComplaintRecord | None:
            return records.get(ticket_id)

        def save(self, record: ComplaintRecord) -> ComplaintRecord:
            records[record.ticket_id] = record
            return record

    class Sink:
        def update_ticket(self, ticket_id: int, changes: dict, *, updated_stamp: str | None = None) -> dict:
            return {}

        def publish(self, alert: object) -> str:
            return "id"

    watch = DeadlineWatch(
        load_policy(), Store(), Sink(), Sink(), ticket_url=lambda t: f"https://z/agent/tickets/{t}"
    )
    started = time.perf_counter()
    report = watch.run(NOW)
    return time.perf_counter() - started, report.warned + report.breached


def _items_read(table: object) -> int:
    total = 0
    for shard in range(WATCH_SHARDS):
        query = {
            "IndexName": WATCH_INDEX,
            "KeyConditionExpression": "watch_shard = :s AND watch_at <= :now",
            "ExpressionAttributeValues": {":s": f"WATCH#{shard}", ":now": utc_text(NOW)},
            "Select": "COUNT",
        }
        while True:
            page = table.query(**query)  # type: ignore[attr-defined]
            total += int(page["ScannedCount"])
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return total


if __name__ == "__main__":
    sys.exit(main())
