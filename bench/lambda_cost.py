"""What a million complaints cost in AWS, from the ticket flow measured locally.

Runs the product locally (`LocalProduct`: moto server in a child process, the Zendesk sandbox,
the webhook and triage handlers in-process), creates N tickets at a steady rate, waits until each
is enriched, and measures per complaint:
- handler invocations and their wall time (the handlers' own work plus loopback calls to moto and
  the sandbox; Zendesk round trips are then counted at ZENDESK_ROUND_TRIP_SECONDS each, since the
  sandbox answers in a millisecond where Zendesk takes a couple of hundred);
- every AWS API call the handlers make (counted on boto3's default session), from which SQS,
  DynamoDB (items <= 1 KB: a write or transact item = 1 or 2 write units, a read 0.5-1 read
  unit), S3, KMS, SNS and Secrets Manager requests follow.
Then it prints the estimate with the list prices of bench/lambda_prices.py (stated there).

    .venv/bin/python bench/lambda_cost.py [--tickets 200] [--rate 5]
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3

from bench import lambda_prices as prices
from bench.complaint_corpus import complaint_text
from integrations.zendesk.client import ZendeskClient
from local.product import LocalProduct
from local.zendesk.sandbox_settings import SandboxSettings

UNLIMITED = 1_000_000
MEMORY_GB = 0.5  # template.yaml Globals MemorySize 512
# Write and read request units per call (items <= 1 KB; strongly consistent reads counted as 1).
WRITE_UNITS = {"PutItem": 1, "UpdateItem": 1, "DeleteItem": 1}
READ_UNITS = {"GetItem": 1, "Query": 1, "BatchGetItem": 1}


class Calls:
    """AWS API calls made through boto3's default session, by (service, operation), thread-safe."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.transact_items = 0
        self._lock = threading.Lock()
        session = boto3._get_default_session()  # the session every boto3.client() uses
        session.events.register("provide-client-params.*.*", self._seen)

    def _seen(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        with self._lock:
            self.counts[(model.service_model.service_name, model.name)] += 1
            if model.name == "TransactWriteItems":
                self.transact_items += len(params.get("TransactItems", []))

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self.transact_items = 0

    def of(self, service: str, *operations: str) -> int:
        return sum(
            n for (s, op), n in self.counts.items() if s == service and (not operations or op in operations)
        )


class Timed:
    """Wraps a handler and keeps (wall seconds, records) per invocation."""

    def __init__(self, handler: Callable[..., Any]) -> None:
        self.samples: list[tuple[float, int]] = []
        self._handler = handler
        functools.update_wrapper(self, handler)

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._handler(event, context)
        finally:
            self.samples.append((time.perf_counter() - started, len(event.get("Records", [])) or 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="tickets created per second")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)

    from functions.triage import app as triage_app
    from functions.webhook import app as webhook_app

    # LocalProduct looks the handlers up when it starts: the timed wrappers are what it runs.
    webhook = webhook_app.lambda_handler = Timed(webhook_app.lambda_handler)  # type: ignore[method-assign]
    triage = triage_app.lambda_handler = Timed(triage_app.lambda_handler)  # type: ignore[method-assign]
    rng = random.Random(7)
    texts = [complaint_text(rng) for _ in range(args.tickets)]
    sandbox_settings = SandboxSettings(requests_per_minute=UNLIMITED, update_ticket_per_minute=UNLIMITED)
    with LocalProduct(
        sandbox_settings=sandbox_settings, writes_per_minute=UNLIMITED, aws_in_child_process=True
    ) as product:
        ready = product.ready
        assert ready is not None and product.sandbox is not None
        calls = Calls()
        calls.reset()
        webhook.samples.clear()
        triage.samples.clear()
        seen = len(product.sandbox.requests())
        client = ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token)
        started = time.monotonic()
        ids = []
        for index, text in enumerate(texts):
            time.sleep(max(0.0, started + index / args.rate - time.monotonic()))
            ticket = client.create_ticket({"subject": text[:30], "comment": {"body": text}})
            ids.append(int(ticket["id"]))
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and sum(r for _, r in triage.samples) < len(ids):
            time.sleep(0.5)
        product.sandbox.wait_for_deliveries(timeout=30)
        time.sleep(3)  # events caused by the plugin's own writes drain too
        plugin_calls = [r for r in product.sandbox.requests()[seen:] if r.path.startswith("/api/v2/tickets/")]
    return report(args.tickets, webhook, triage, calls, len(plugin_calls))


def report(tickets: int, webhook: Timed, triage: Timed, calls: Calls, zendesk_calls: int) -> int:
    if not triage.samples:
        print("no triage invocation measured", file=sys.stderr)
        return 1
    webhook_s = statistics.median(s for s, _ in webhook.samples)
    triage_local = statistics.median(s for s, _ in triage.samples)
    per_ticket = 1 / tickets
    triage_invocations = len(triage.samples) * per_ticket
    zendesk_per_invocation = zendesk_calls / len(triage.samples)
    triage_s = triage_local + zendesk_per_invocation * prices.ZENDESK_ROUND_TRIP_SECONDS
    usage = prices.Usage(
        webhook_invocations=len(webhook.samples) * per_ticket,
        webhook_seconds=webhook_s,
        triage_invocations=triage_invocations,
        triage_seconds=triage_s,
        memory_gb=MEMORY_GB,
        # The handlers' own sends (and visibility changes); per batch Lambda's poller adds one
        # ReceiveMessage and one DeleteMessageBatch (the local runner's client is not counted).
        sqs_requests=calls.of("sqs", "SendMessage", "ChangeMessageVisibility") * per_ticket
        + 2 * triage_invocations,
        dynamodb_write_units=(
            sum(n * calls.of("dynamodb", op) for op, n in WRITE_UNITS.items()) + 2 * calls.transact_items
        )
        * per_ticket,
        dynamodb_read_units=sum(n * calls.of("dynamodb", op) for op, n in READ_UNITS.items()) * per_ticket,
        s3_puts=calls.of("s3", "PutObject") * per_ticket,
        kms_requests=calls.of("kms") * per_ticket,
        sns_publishes=calls.of("sns", "Publish") * per_ticket,
        secrets_calls=calls.of("secretsmanager") * per_ticket,
    )
    print(f"lambda cost: {tickets} tickets through the local ticket flow")
    print(
        f"  per complaint: {usage.webhook_invocations:.2f} webhook invocations "
        f"(median {webhook_s * 1000:.0f} ms), {triage_invocations:.2f} triage invocations "
        f"(median {triage_local * 1000:.0f} ms locally + {zendesk_per_invocation:.1f} Zendesk calls x "
        f"{prices.ZENDESK_ROUND_TRIP_SECONDS * 1000:.0f} ms = {triage_s * 1000:.0f} ms)"
    )
    per_complaint = sorted((f"{s}:{o}", round(n / tickets, 2)) for (s, o), n in calls.counts.items())
    print(f"  AWS calls per complaint: {dict(per_complaint)}")
    lines = prices.cost_lines(usage)
    for item, dollars in lines:
        print(f"  {item:<30} ${dollars:8.2f}")
    print(f"  {'total per million complaints':<30} ${sum(d for _, d in lines):8.2f}")
    watcher = prices.WATCHER_RUNS_PER_MONTH * (
        prices.LAMBDA_REQUEST + 0.1 * MEMORY_GB * prices.LAMBDA_ARM_GB_SECOND
    )
    fixed = 4 * prices.SECRET_MONTH + 2 * prices.KMS_KEY_MONTH + watcher
    print(f"  fixed per month (4 secrets, 2 KMS keys, watcher every minute at 100 ms): ${fixed:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
