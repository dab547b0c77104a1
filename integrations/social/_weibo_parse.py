"""Weibo status and comment JSON (as `statuses/mentions` and `comments/mentions` return them) → posts.

A status is a post on its own; a comment belongs to the status in its `status` field (the
thread root) and answers `reply_comment` when it replies to another comment. Items the flow
must not see (deleted, the brand's own, unreadable) become candidates without a post, so the
cursor still moves past them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import ValidationError

from integrations.social._paging import Candidate
from integrations.social._text import clean_text
from integrations.social.models import SocialAuthor, SocialPost

logger = logging.getLogger(__name__)

PLATFORM = "weibo"
STATUSES = "statuses"
COMMENTS = "comments"
# Sorts first in the time merge when an item's date is unreadable; such an item is skipped anyway.
_UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}


def parse_created_at(value: Any) -> datetime | None:
    """Weibo's `created_at`, e.g. "Tue May 31 17:46:55 +0800 2011", as an aware datetime.

    Parsed by hand rather than with strptime's %a/%b, which follow the process locale.
    """
    if not isinstance(value, str):
        return None
    parts = value.split()
    if len(parts) != 6 or parts[1] not in _MONTHS:
        return None
    _, month, day, clock, offset, year = parts
    if len(offset) != 5 or offset[0] not in "+-":
        return None
    try:
        hours, minutes, seconds = (int(p) for p in clock.split(":"))
        shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
        shift = -shift if offset[0] == "-" else shift
        return datetime(int(year), _MONTHS[month], int(day), hours, minutes, seconds, tzinfo=timezone(shift))
    except (ValueError, IndexError):
        return None


def item_id(raw: dict[str, Any]) -> str | None:
    """`idstr` when present (JavaScript-safe), else `id` as text."""
    value = raw.get("idstr") or raw.get("id")
    return str(value) if value not in (None, "") else None


def _deleted(raw: Any) -> bool:
    return not isinstance(raw, dict) or str(raw.get("deleted", "0")) == "1"


def _author(user: Any) -> SocialAuthor | None:
    if not isinstance(user, dict):
        return None
    uid = item_id(user)
    handle = user.get("screen_name") or user.get("name")
    if not uid or not isinstance(handle, str) or not handle:
        return None
    name = user.get("name")
    return SocialAuthor(
        id=uid, handle=clean_text(handle), name=clean_text(name) if isinstance(name, str) else None
    )


def _status_url(status: dict[str, Any]) -> str | None:
    author = _author(status.get("user"))
    sid = item_id(status)
    return f"https://weibo.com/{author.id}/{sid}" if author and sid else None


def status_candidate(raw: Any, brand_uid: str) -> Candidate | None:
    """A `statuses/mentions` item; None when it has no id at all (nothing to move the cursor to)."""
    return _candidate(STATUSES, raw, brand_uid, _status_post)


def comment_candidate(raw: Any, brand_uid: str) -> Candidate | None:
    """A `comments/mentions` item; None when it has no id at all."""
    return _candidate(COMMENTS, raw, brand_uid, _comment_post)


_Build = Callable[[dict[str, Any], str, datetime, str], SocialPost | None]


def _candidate(stream: str, raw: Any, brand_uid: str, build: _Build) -> Candidate | None:
    iid = item_id(raw) if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or iid is None:
        logger.warning("weibo %s item without an id skipped", stream)
        return None
    at = parse_created_at(raw.get("created_at"))
    post: SocialPost | None = None
    if _deleted(raw):
        logger.info("weibo %s %s skipped: deleted", stream, iid)
    elif at is None:
        logger.warning("weibo %s %s skipped: unreadable created_at", stream, iid)
    else:
        try:
            post = build(raw, iid, at, brand_uid)
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors(include_input=False))
            logger.warning("weibo %s %s skipped: invalid %s", stream, iid, fields)
    return Candidate(stream=stream, item_id=iid, at=at or _UNKNOWN_TIME, post=post)


def _status_post(raw: dict[str, Any], iid: str, at: datetime, brand_uid: str) -> SocialPost | None:
    author = _author(raw.get("user"))
    if author is None:
        logger.info("weibo status %s skipped: no visible author", iid)
        return None
    if author.id == brand_uid:
        return None
    return SocialPost(
        platform=PLATFORM,
        post_id=iid,
        author=author,
        text=clean_text(str(raw.get("text") or "")),
        url=_status_url(raw),
        posted_at=at,
    )


def _comment_post(raw: dict[str, Any], iid: str, at: datetime, brand_uid: str) -> SocialPost | None:
    author = _author(raw.get("user"))
    status = raw.get("status")
    if author is None or _deleted(status) or item_id(status) is None:
        # Without its status a comment cannot be answered (comments/reply needs the status id).
        logger.info("weibo comment %s skipped: no author or its status is gone", iid)
        return None
    if author.id == brand_uid:
        return None
    root = item_id(status)
    replied = raw.get("reply_comment")
    in_reply_to = item_id(replied) if isinstance(replied, dict) and item_id(replied) else root
    return SocialPost(
        platform=PLATFORM,
        post_id=iid,
        author=author,
        text=clean_text(str(raw.get("text") or "")),
        url=_status_url(status),
        posted_at=at,
        in_reply_to_id=in_reply_to,
        thread_root_id=root,
    )
