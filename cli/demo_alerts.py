"""The demo's alerts: what PR, compliance and team leads receive, as it arrives.

After the worked cases, the same local run gets a group complaint (the same earbuds broken for
five different customers) and the deadline watcher is run as if 50 minutes had passed, so the
first-response warnings (R-SLA-6) go out. Every alert is read back from an SQS queue subscribed
to both topics, as an e-mail or chat subscription would receive it.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cli.demo_section import Section

if TYPE_CHECKING:
    from integrations.zendesk.client import ZendeskClient
    from local.product import LocalProduct

GROUP_TEXT = ("耳机坏了", "刚买的蓝牙耳机左耳完全没有声音,质量太差了")
GROUP_PRODUCT_TAG = "sku_demo_earbuds"
WATCH_AHEAD = timedelta(minutes=50)
_WAIT_SECONDS = 30.0


def alert_sections(
    product: LocalProduct, client: ZendeskClient
) -> tuple[list[Section], list[dict[str, Any]]]:
    """The alerts' sections, and the alerts themselves (read once from the subscribed queue)."""
    from functions.watcher.app import watcher
    from policies.loader import load_policy

    customers = load_policy().alerting.group_complaint.min_customers
    group = [
        int(
            client.create_ticket(
                {
                    "subject": GROUP_TEXT[0],
                    "comment": {"body": GROUP_TEXT[1]},
                    "requester": {"name": f"earbuds {n}", "email": f"earbuds{n}@customers.example"},
                    "tags": [GROUP_PRODUCT_TAG],
                }
            )["id"]
        )
        for n in range(customers)
    ]
    deadline = time.monotonic() + _WAIT_SECONDS
    while time.monotonic() < deadline and any(client.get_ticket(t)["priority"] != "urgent" for t in group):
        time.sleep(0.5)  # a gentle poll: the sandbox's API limit is the plugin's too
    raised = sum(client.get_ticket(t)["priority"] == "urgent" for t in group)
    report = watcher().run(datetime.now(UTC) + WATCH_AHEAD)
    time.sleep(0.5)  # SNS → SQS delivery in moto is immediate; a moment for the last publish
    alerts = product.received_alerts()
    causes = Counter(_attribute(a, "cause") for a in alerts)
    lines = [
        f"group complaint: {customers} customers, earbuds tickets {', '.join(f'#{t}' for t in group)}; "
        f"{raised} of {customers} now urgent",
        f"deadline watcher run as if {int(WATCH_AHEAD.total_seconds() // 60)} min had passed: "
        f"{report.warned} warnings, {report.breached} breaches",
        "alerts received: " + ", ".join(f"{cause} × {count}" for cause, count in sorted(causes.items())),
    ]
    sections = [
        Section("Alerts as PR, compliance and team leads receive them (SNS → subscribed queue)", tuple(lines))
    ]
    shown: set[str] = set()
    for alert in alerts:
        cause = _attribute(alert, "cause")
        if cause in shown:
            continue
        shown.add(cause)
        body = [f"  │ {line}" for line in _text(alert).splitlines()[1:]]
        sections.append(Section(f"Alert · {cause} · {alert.get('Subject', '')}", tuple(body)))
    return sections, alerts


def _text(alert: dict[str, Any]) -> str:
    """The chat variant's text (subject line first), as an SQS subscriber receives it."""
    message = str(alert.get("Message", ""))
    try:
        return str(json.loads(message)["text"])
    except (ValueError, KeyError, TypeError):
        return message


def _attribute(alert: dict[str, Any], name: str) -> str:
    return str((alert.get("MessageAttributes") or {}).get(name, {}).get("Value", "?"))
