"""One alert as each platform's rich message: DingTalk ActionCard, Feishu interactive card, WeCom
markdown, Slack Block Kit. Each shows the level, the cause, the customer's words (already masked by
the alert), the steps, the ticket link and, for alerts that must be acknowledged, the button that
acknowledges them. Lengths stay within each platform's documented limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policies.channels import ChatPlatform

WECOM_MARKDOWN_BYTES = 4096
SLACK_SECTION_CHARS = 3000
SLACK_HEADER_CHARS = 150
_ACK_LABEL = {"zh": "确认收到", "en": "Acknowledge"}
_TICKET_LABEL = {"zh": "打开工单", "en": "Open the ticket"}


@dataclass(frozen=True)
class ChatCard:
    title: str
    text: str  # plain lines; markdown-safe enough for every platform's renderer
    language: str
    ticket_url: str | None = None
    ack_url: str | None = None
    escalation: int = 0  # how many times this alert has climbed the ladder


def payload(platform: ChatPlatform, card: ChatCard) -> dict[str, Any]:
    builders = {"dingtalk": _dingtalk, "feishu": _feishu, "wecom": _wecom, "slack": _slack}
    return builders[platform](card)


def _title(card: ChatCard) -> str:
    prefix = {"zh": f"[第{card.escalation}次升级] ", "en": f"[escalation {card.escalation}] "}
    return (prefix.get(card.language, prefix["en"]) if card.escalation else "") + card.title


def _links(card: ChatCard) -> list[tuple[str, str]]:
    lang = card.language if card.language in _ACK_LABEL else "en"
    links = []
    if card.ack_url:
        links.append((_ACK_LABEL[lang], card.ack_url))
    if card.ticket_url:
        links.append((_TICKET_LABEL[lang], card.ticket_url))
    return links


def _dingtalk(card: ChatCard) -> dict[str, Any]:
    text = f"### {_title(card)}\n\n" + card.text.replace("\n", "\n\n")
    links = _links(card)
    if not links:
        return {"msgtype": "markdown", "markdown": {"title": _title(card), "text": text}}
    return {
        "msgtype": "actionCard",
        "actionCard": {
            "title": _title(card),
            "text": text,
            "btnOrientation": "1",
            "btns": [{"title": label, "actionURL": url} for label, url in links],
        },
    }


def _feishu(card: ChatCard) -> dict[str, Any]:
    elements: list[dict[str, Any]] = [{"tag": "div", "text": {"tag": "lark_md", "content": card.text}}]
    links = _links(card)
    if links:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": label},
                        "type": "primary" if n == 0 else "default",
                        "url": url,
                    }
                    for n, (label, url) in enumerate(links)
                ],
            }
        )
    return {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": _title(card)}, "template": "red"},
            "elements": elements,
        },
    }


def _wecom(card: ChatCard) -> dict[str, Any]:
    links = "\n".join(f"[{label}]({url})" for label, url in _links(card))
    head = f"# {_title(card)}\n"
    tail = f"\n{links}" if links else ""
    budget = WECOM_MARKDOWN_BYTES - len((head + tail).encode()) - 3
    body = card.text.encode()[:budget].decode(errors="ignore")
    if len(body.encode()) < len(card.text.encode()):
        body += "…"
    return {"msgtype": "markdown", "markdown": {"content": head + body + tail}}


def _slack(card: ChatCard) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _title(card)[:SLACK_HEADER_CHARS]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": card.text[:SLACK_SECTION_CHARS]}},
    ]
    links = _links(card)
    if links:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": label},
                        "url": url,
                        **({"style": "danger"} if n == 0 and card.ack_url else {}),
                    }
                    for n, (label, url) in enumerate(links)
                ],
            }
        )
    return {"text": _title(card), "blocks": blocks}
