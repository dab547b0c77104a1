"""Choosing which fetched items a `MentionsPage` returns, and how far the cursor moves.

The platforms hand out mentions newest first; the flow wants them oldest first, at most
`limit`, with a cursor it can store. The rule that keeps nothing lost and nothing repeated:
consume items in time order (each stream in its own id order), stop at `limit` posts, and
move each stream's cursor to the last item *consumed*, including items that were skipped
(the brand's own posts, deleted ones), so they are not fetched again forever.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from integrations.social.models import SocialPost


def id_order(item_id: str) -> tuple[int, str]:
    """Sort key for platform ids: numeric snowflakes and fixed-length ULIDs both sort by (length, text)."""
    return (len(item_id), item_id)


@dataclass(frozen=True)
class Candidate:
    """One fetched item: the post it became, or None when it is skipped but still consumed."""

    stream: str
    item_id: str
    at: datetime
    post: SocialPost | None


@dataclass(frozen=True)
class Selection:
    posts: list[SocialPost]
    last_ids: dict[str, str] = field(default_factory=dict)
    more: bool = False


def select_oldest(streams: Sequence[Iterable[Candidate]], limit: int) -> Selection:
    """The oldest `limit` posts across `streams`, and the last consumed id per stream."""
    if limit < 1:
        raise ValueError("limit must be >= 1")
    ordered = [_dedupe(sorted(stream, key=lambda c: id_order(c.item_id))) for stream in streams]
    merged = heapq.merge(*ordered, key=lambda c: c.at)
    posts: list[SocialPost] = []
    last_ids: dict[str, str] = {}
    for candidate in merged:
        if candidate.post is not None and len(posts) == limit:
            return Selection(posts, last_ids, more=True)
        last_ids[candidate.stream] = candidate.item_id
        if candidate.post is not None:
            posts.append(candidate.post)
    return Selection(posts, last_ids, more=False)


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    """Drop repeats: a page fetched after new mentions arrived shifts and repeats an item."""
    seen: set[str] = set()
    unique: list[Candidate] = []
    for candidate in candidates:
        if candidate.item_id not in seen:
            seen.add(candidate.item_id)
            unique.append(candidate)
    return unique
