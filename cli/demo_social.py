"""The demo's social flow: public posts found by the monitors, the posters contacted within the hour.

Two posts go up on the sandbox platforms: the SOP's wedding-dress case on Weibo (§9: delayed by
rain, the customer tags the shop; private message within 1 h, R-SLA-9), found 12 minutes after it
was written, and an English complaint on X. The monitors run once; the outreach contacts each poster
by the best private route, creates the ticket and meets private_contact on it. Then the bride
answers in the thread with her order number, which lands on the same ticket as a comment.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cli.demo_section import Section

if TYPE_CHECKING:
    from integrations.social.models import SocialPost
    from integrations.zendesk.client import ZendeskClient
    from local.product import LocalProduct

TITLE = "Social posts: private contact within the hour (R-SLA-9)"
WEDDING_DRESS = "@优选商城 我的婚纱说好上周到,因为下雨又晚了三天,婚礼就在后天!订单都付了全款,你们到底管不管?"
BRIDE_REPLY = "订单号 202611180066,婚礼在后天上午,今天能到吗?"
BROKEN_EN = "@ShopCo my blender arrived with a cracked jug and nobody answers my emails. Really disappointed."
_WAIT_SECONDS = 30.0


def social_sections(product: LocalProduct, client: ZendeskClient) -> list[Section]:
    from integrations.social.models import SocialAuthor, SocialPost

    now = datetime.now(UTC)
    wedding = SocialPost(
        platform="weibo",
        post_id="4999000000000001",
        author=SocialAuthor(id="60010001", handle="待嫁的小雨", name="小雨"),
        text=WEDDING_DRESS,
        url="https://weibo.com/60010001/4999000000000001",
        posted_at=now - timedelta(minutes=12),
        lang="zh",
    )
    blender = SocialPost(
        platform="x",
        post_id="1861000000000000001",
        author=SocialAuthor(id="2244668800", handle="kate_cooks", name="Kate"),
        text=BROKEN_EN,
        url="https://x.com/kate_cooks/status/1861000000000000001",
        posted_at=now - timedelta(minutes=3),
        lang="en",
    )
    product.social_platforms["weibo"].publish(wedding)
    product.social_platforms["x"].publish(blender)
    seen_at = datetime.now(UTC)
    for name in ("weibo", "x"):
        product.social_monitors[name].run_once()
    lines = [f"{len((wedding, blender))} posts found by the monitors at {_clock(seen_at)}"]
    tickets = {}
    for post in (wedding, blender):
        ticket_id = _wait_for_contact(client, post)
        tickets[post.key] = ticket_id
        lines += _post_lines(product, client, post, ticket_id, seen_at)
    reply = SocialPost(
        platform="weibo",
        post_id="4999000000000002",
        author=wedding.author,
        text=BRIDE_REPLY,
        posted_at=datetime.now(UTC),
        in_reply_to_id=wedding.post_id,
        thread_root_id=wedding.post_id,
    )
    product.social_platforms["weibo"].publish(reply)
    product.social_monitors["weibo"].run_once()
    ticket_id = tickets[wedding.key]
    comment = _wait(lambda: _comment_with(client, ticket_id, "202611180066"))
    landed = f"comment on ticket #{ticket_id}" if comment else "NOT on the ticket"
    lines.append(f"reply in the Weibo thread → {landed} (no new ticket, nothing sent): “{BRIDE_REPLY}”")
    return [Section(TITLE, tuple(lines))]


def _post_lines(
    product: LocalProduct, client: ZendeskClient, post: SocialPost, ticket_id: int | None, seen_at: datetime
) -> list[str]:
    sent = [d for p, d in product.social_platforms[post.platform].sent if p.key == post.key]
    head = f"{post.platform} @{post.author.handle}, posted {_clock(post.posted_at)}: “{post.text}”"
    if ticket_id is None or not sent:
        return [head, "  NOT contacted within the demo's wait"]
    delivery = sent[0]
    record = _store().get(ticket_id)
    contact = record.obligations.get("private_contact") if record else None
    grade = f"level {record.level} · {record.category} / {record.subtype}" if record else "no record"
    lines = [
        head,
        f"  contacted {_clock(delivery.sent_at)} by {delivery.route}: “{delivery.text}”",
        f"  {_minutes(delivery.sent_at - post.posted_at)} after the post, "
        f"{_seconds(delivery.sent_at - seen_at)} after it was seen",
        f"  ticket #{ticket_id} ({client.agent_url(ticket_id)}), {grade}",
    ]
    if contact is not None:
        lines.append(
            f"  private_contact ({contact.rule}) due {_clock(contact.due_at)}: {contact.state}"
            f", {_minutes(contact.due_at - delivery.sent_at)} to spare"
        )
    return lines


def _wait_for_contact(client: ZendeskClient, post: SocialPost) -> int | None:
    def contacted() -> int | None:
        found = client.find_tickets_by_external_id(post.key)
        if not found:
            return None
        record = _store().get(int(found[0]["id"]))
        obligation = record.obligations.get("private_contact") if record else None
        return int(found[0]["id"]) if obligation is not None and obligation.state == "met" else None

    return _wait(contacted)


def _comment_with(client: ZendeskClient, ticket_id: int, words: str) -> bool:
    return any(words in str(c.get("body", "")) for c in client.list_comments(ticket_id))


def _wait(condition: Any) -> Any:
    deadline = time.monotonic() + _WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


def _store() -> Any:
    import os

    import boto3

    from infra.complaints import ComplaintStore

    return ComplaintStore(boto3.resource("dynamodb").Table(os.environ["COMPLAINTS_TABLE"]))


def _clock(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M:%S UTC")


def _minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:.1f} min"


def _seconds(delta: timedelta) -> str:
    return f"{delta.total_seconds():.1f} s"
