"""The alert when a public poster could not be contacted (R-SLA-9): the social team and PR must
write by hand, so it says where, what to send, and how many minutes of the hour are left."""

from __future__ import annotations

from datetime import datetime

from infra.alerts import Alert
from integrations.social.models import SocialPost
from integrations.zendesk.internal_note import format_due
from policies.loader import Policy
from policies.taxonomy import Language

CAUSE = "private_contact_failed"


def contact_failed_alert(
    policy: Policy,
    post: SocialPost,
    *,
    ticket_id: int,
    level: int,
    category: str,
    language: Language,
    due_at: datetime,
    now: datetime,
    reason: str,
    ticket_url: str,
) -> Alert:
    social = policy.social
    minutes_left = int((due_at - now).total_seconds() // 60)
    urgent = minutes_left <= social.contact_alert.urgent_minutes_left
    left = f"{minutes_left} min left" if minutes_left >= 0 else f"{-minutes_left} min overdue"
    message = social.message_for("direct_message", language)
    lines = [
        f"无法自动私信发帖客户 ({social.rule}),请人工联系 · 截止 {format_due(due_at)}",
        f"Could not contact the poster automatically ({social.rule}); contact them by hand "
        f"by {format_due(due_at)} ({left})",
        f"{post.platform} @{post.author.handle}: {post.url or post.key}",
        f"原因 / Reason: {reason}",
        f"建议私信 / Suggested private message: {message}",
        ticket_url,
    ]
    prefix = "URGENT " if urgent else ""
    return Alert(
        topic="critical",
        cause=CAUSE,
        ticket_id=ticket_id,
        level=level,
        subject=f"{prefix}[L{level}] Contact poster by hand ({left}) - {post.platform} - ticket #{ticket_id}",
        body="\n".join(lines),
        attributes={"rule": social.rule, "category": category, "platform": post.platform},
    )
