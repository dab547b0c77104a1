"""The demo's safety incident in PR's chats (issue 17): the DingTalk card and the Slack message as the
local stand-ins accepted them, unacknowledged → escalated after the policy's minutes → acknowledged.

Runs the notifier's use case (`AlertDelivery`) on the local run's complaints table with the chat
stand-ins, on a clock the demo moves forward instead of waiting ten minutes.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.parse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cli.demo_section import Section

if TYPE_CHECKING:
    from local.product import LocalProduct

_URL = re.compile(r"https?://[A-Za-z0-9./?=&%_:{}-]+")


def chat_sections(product: LocalProduct, alerts: list[dict[str, Any]]) -> list[Section]:
    import boto3

    from functions.notifier.alert_delivery import AlertDelivery
    from infra.alert_log import AlertLog
    from integrations.chat.ack_link import verify
    from integrations.chat.credentials import ChatCredentials
    from integrations.chat.sender import ChatSender
    from local.chat.sandbox import ChatSandbox
    from policies.loader import load_policy

    incident = next((a for a in alerts if _cause(a) == "safety_incident"), None)
    if incident is None:
        return [Section("Alerts in chat", ("no safety incident alert to show",))]
    alert = json.loads(str(incident.get("Message", "{}")))
    channels = load_policy().channels
    now = [datetime.now(UTC)]
    ack_secret = secrets.token_hex(16)
    with ChatSandbox(clock=lambda: now[0].timestamp()) as chat:
        hooks = chat.bots_for(channels.channels, "SEC" + secrets.token_hex(8))
        credentials = ChatCredentials.from_json({"ack_secret": ack_secret, "channels": hooks})
        delivery = AlertDelivery(
            channels,
            AlertLog(boto3.resource("dynamodb").Table(product.stack.complaints_table)),
            ChatSender(clock=lambda: now[0].timestamp()),
            lambda: credentials,
            "https://your-api.example/prod",
            clock=lambda: now[0],
        )
        alert_id = str(incident.get("MessageId") or "demo")
        posted = delivery.deliver(alert_id, alert)
        minutes = channels.escalation.ack_minutes
        now[0] += timedelta(minutes=minutes)
        climbed = delivery.escalate()
        top = climbed[-1][1] if climbed else None
        link = _ack_link(chat.messages[top][0]) if top else None
        ack = delivery.acknowledge(verify(link, ack_secret, now[0]), by="PR duty officer") if link else None
        sections = [
            Section(
                "Alerts in chat: the safety incident in PR's groups (channels.yaml)",
                (
                    f"posted to {', '.join(posted)}; nobody acknowledged within {minutes:g} min → "
                    f"escalated to {', '.join(c for _, c in climbed) or 'nobody'}",
                    f"acknowledged from the {top} card by {ack.by} at {ack.at:%H:%M} UTC: escalation stopped"
                    if ack
                    else "not acknowledged",
                ),
            ),
            Section("DingTalk card (pr_compliance)", _card_lines(chat.messages["pr_compliance"][0])),
            Section("Slack message (global_pr)", _card_lines(chat.messages["global_pr"][0])),
        ]
    return sections


def _cause(alert: dict[str, Any]) -> str:
    return str((alert.get("MessageAttributes") or {}).get("cause", {}).get("Value", ""))


def _ack_link(message: dict[str, Any]) -> dict[str, str] | None:
    link = next(
        (m for m in _URL.findall(json.dumps(message, ensure_ascii=False)) if "/alerts/ack?" in m), None
    )
    if link is None:
        return None
    return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(link).query).items()}


def _card_lines(message: dict[str, Any]) -> tuple[str, ...]:
    """A platform message as a person sees it: title, text, buttons (links shortened)."""
    if "actionCard" in message:
        card = message["actionCard"]
        body = [card["title"], *card["text"].replace("\n\n", "\n").splitlines()[1:]]
        buttons = [b["title"] for b in card.get("btns", [])]
    else:
        blocks = message.get("blocks", [])
        body = [blocks[0]["text"]["text"], *blocks[1]["text"]["text"].splitlines()]
        buttons = [e["text"]["text"] for b in blocks[2:] for e in b.get("elements", [])]
    lines = [f"  │ {line}" for line in body if line.strip()]
    return (*lines, "  │ " + "  ".join(f"[ {b} ]" for b in buttons))
