"""Load benchmark of the Zendesk ticket flow: N tickets created in the sandbox → all enriched?

Runs the product locally (`local.product.LocalProduct`: moto server, Zendesk sandbox, the
webhook and triage handlers in-process, one queue runner like one Lambda instance), creates
N tickets through the sandbox's API, waits until every ticket has its plugin write, and prints:
- enriched / lost (no plugin write) / duplicate writes (more than one plugin PUT for a ticket);
- latency from "ticket created" (the create call answered; the sandbox then fires the webhook)
  to "plugin PUT answered", p50 / p90 / p99 / max, measured on the sandbox's own clock;
- throughput, Zendesk requests per ticket, and what is left on the queue and the DLQ.

The sandbox's rate limits and the plugin's write budget are raised for the run (both are
settings): at the default 50 writes/min a 1,000-ticket burst takes 20 minutes by design.

What bounds the figures here is the local stack, not the plugin: moto's FIFO `ReceiveMessage`
scans every message in the queue (about 0.5 ms per queued message per call), and one runner
thread stands in for Lambda's scale-out. A burst of 1,000 tickets therefore queues for minutes
locally; `--rate` creates tickets at a steady rate to measure per-ticket latency instead.

    .venv/bin/python bench/ticket_flow_load.py [--tickets 1000] [--rate 5] [--timeout 900]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import random

from bench.complaint_corpus import complaint_text
from integrations.zendesk.client import ZendeskClient
from local.product import LocalProduct
from local.zendesk.sandbox_settings import SandboxSettings

_TICKET_PUT = re.compile(r"^/api/v2/tickets/(\d+)(?:\.json)?$")
UNLIMITED = 1_000_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for enrichment")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="tickets created per second (default 0: all at once, a burst)"
    )
    args = parser.parse_args(argv)

    sandbox_settings = SandboxSettings(requests_per_minute=UNLIMITED, update_ticket_per_minute=UNLIMITED)
    rng = random.Random(7)
    texts = [complaint_text(rng) for _ in range(args.tickets)]
    with LocalProduct(
        sandbox_settings=sandbox_settings, writes_per_minute=UNLIMITED, aws_in_child_process=True
    ) as product:
        ready = product.ready
        assert ready is not None and product.sandbox is not None and product.stack is not None
        client = ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token)
        plugin_email = ready.zendesk_email
        started = time.monotonic()
        created_at: dict[int, float] = {}
        for index, text in enumerate(texts):
            if args.rate > 0:  # a steady arrival rate: ticket i is created at started + i / rate
                time.sleep(max(0.0, started + index / args.rate - time.monotonic()))
            ticket = client.create_ticket(
                {
                    "subject": text[:30],
                    "comment": {"body": text},
                    "requester": {"name": f"Customer {index}", "email": f"c{index}@customers.example"},
                }
            )
            created_at[int(ticket["id"])] = time.monotonic()
        creating = time.monotonic() - started

        def plugin_puts() -> dict[int, list[float]]:
            puts: dict[int, list[float]] = {}
            for record in product.sandbox.requests():
                match = _TICKET_PUT.match(record.path)
                if record.method == "PUT" and record.status == 200 and match:
                    puts.setdefault(int(match.group(1)), []).append(record.at)
            return puts

        deadline = time.monotonic() + args.timeout
        puts = plugin_puts()
        while time.monotonic() < deadline and not set(created_at) <= set(puts):
            time.sleep(0.5)
            puts = plugin_puts()
        done = time.monotonic() - started
        # Let the events our own writes cause drain too, so "left on the queue" means something.
        product.sandbox.wait_for_deliveries(timeout=30)
        time.sleep(3)
        puts = plugin_puts()
        sqs = product.stack
        depth = _queue_depths(ready.aws_endpoint_url, sqs)

    enriched = [t for t in created_at if t in puts]
    lost = len(created_at) - len(enriched)
    duplicates = sum(1 for t in enriched if len(puts[t]) > 1)
    latencies = sorted(puts[t][0] - created_at[t] for t in enriched)
    requests_total = Counter(r.method for r in product.sandbox.requests())
    arrival = f"{args.rate:g} tickets/s" if args.rate > 0 else "all at once"
    print(f"ticket flow load: {len(created_at)} tickets created {arrival}, plugin user {plugin_email}")
    print(f"  enriched            {len(enriched)}")
    print(f"  lost (no write)     {lost}")
    print(f"  duplicate writes    {duplicates}")
    print(f"  writes per ticket   {dict(sorted(Counter(len(p) for p in puts.values()).items()))}")
    if latencies:
        print(
            "  created → enriched  "
            f"p50 {_ms(statistics.median(latencies))}  p90 {_ms(_pct(latencies, 90))}  "
            f"p99 {_ms(_pct(latencies, 99))}  max {_ms(latencies[-1])}"
        )
    print(
        f"  creating took       {creating:.1f} s; all enriched after {done:.1f} s "
        f"({len(enriched) / done:.0f} tickets/s end to end)"
    )
    per_ticket = sum(requests_total.values()) / len(created_at)
    print(f"  zendesk requests    {dict(requests_total)} ({per_ticket:.1f}/ticket)")
    print(f"  left on queue / DLQ {depth[0]} / {depth[1]}")
    return 0 if lost == 0 and duplicates == 0 else 1


def _queue_depths(endpoint_url: str, stack: object) -> tuple[int, int]:
    import boto3

    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=stack.region)  # type: ignore[attr-defined]

    def depth(url: str) -> int:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    return depth(stack.queue_url), depth(stack.dead_letter_queue_url)  # type: ignore[attr-defined]


def _pct(values: list[float], percent: float) -> float:
    index = min(len(values) - 1, max(0, round(percent / 100 * len(values)) - 1))
    return values[index]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    sys.exit(main())
