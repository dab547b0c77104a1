"""Alert → chat latency, locally (issue 17): how long the notifier takes from an alert to its cards
being accepted by every group chat, on moto's DynamoDB (in-process) and the chat stand-ins.

    .venv/bin/python bench/chat_alerts.py [--alerts 300]

Each alert goes through `AlertDelivery.deliver` as the Lambda runs it (the alert log's conditional
writes, the signed posts), to the channels channels.yaml gives it; the stand-ins' rate limits are
lifted so the figure is the plugin's, not the platforms'. Prints p50 / p90 / p99 / max per alert and
per card, and cards per second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alerts", type=int, default=300)
    args = parser.parse_args()

    import boto3
    from moto import mock_aws

    from functions.notifier.alert_delivery import AlertDelivery
    from infra.alert_log import AlertLog
    from infra.complaints import TABLE_SCHEMA
    from integrations.chat.credentials import ChatCredentials
    from integrations.chat.sender import ChatSender
    from local.chat.sandbox import ChatSandbox
    from policies.loader import load_policy

    channels = load_policy().channels
    with mock_aws(), ChatSandbox() as chat:
        table = boto3.resource("dynamodb", region_name="eu-west-1").create_table(
            TableName="complaints", **TABLE_SCHEMA
        )
        hooks = chat.bots_for(channels.channels, "SECbench")
        chat.lift_rate_limits()
        credentials = ChatCredentials.from_json({"ack_secret": "bench", "channels": hooks})
        delivery = AlertDelivery(
            channels,
            AlertLog(table),
            ChatSender(),
            lambda: credentials,
            "https://plugin.example",
            clock=lambda: datetime.now(UTC),
        )
        per_alert, cards = [], 0
        began = time.perf_counter()
        for n in range(args.alerts):
            topic = "critical" if n % 3 else "sla"
            alert = {
                "text": f"[L1] Safety incident: ticket {n}\n“热水器漏电”\nhttps://acme.zendesk.com/agent/tickets/{n}",
                "cause": "safety_incident" if topic == "critical" else "sla_breach",
                "level": 1,
                "ticket_id": n,
                "topic": topic,
            }
            start = time.perf_counter()
            cards += len(delivery.deliver(f"bench-{n}", alert))
            per_alert.append((time.perf_counter() - start) * 1000)
        total = time.perf_counter() - began
    ordered = sorted(per_alert)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    rate = cards / total
    print(
        f"{args.alerts} alerts, {cards} cards accepted by the stand-ins in {total:.1f} s ({rate:.0f} cards/s)"
    )
    print(
        f"alert → every card accepted: p50 {pct(0.5):.1f} ms  p90 {pct(0.9):.1f} ms  "
        f"p99 {pct(0.99):.1f} ms  max {ordered[-1]:.1f} ms  (mean {statistics.mean(per_alert):.1f} ms)"
    )


if __name__ == "__main__":
    main()
