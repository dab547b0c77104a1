"""One monitor run for one platform: read new mentions since the cursor and queue them for outreach.

- The cursor advances only after SQS took the page's posts, so a crash or an SQS failure re-reads
  them next run (the queue's dedup id and the social ledger drop the repeats): nothing is lost,
  nothing is handled twice.
- A page is queued oldest post first: the oldest has the least of its hour left (R-SLA-9).
- A rate-limit answer stops the run and records when to resume; runs before then read nothing.
  Pages per run and page size come from social.yaml, within each platform's documented limits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from infra.social_ledger import MonitorCursor
from integrations.social.connector import SocialConnector
from integrations.social.errors import SocialRateLimited
from integrations.social.models import SocialPost
from policies.social import PlatformPolicy

logger = logging.getLogger(__name__)


class CursorStore(Protocol):
    def cursor(self, platform: str) -> MonitorCursor: ...

    def save_cursor(self, platform: str, cursor: MonitorCursor, now: datetime) -> None: ...


class PostQueue(Protocol):
    def enqueue(self, posts: Sequence[SocialPost], *, via: str) -> int: ...


@dataclass(frozen=True)
class ReadReport:
    platform: str
    pages: int = 0
    queued: int = 0
    waiting_until: datetime | None = None

    def as_log(self) -> dict[str, object]:
        waiting = self.waiting_until.isoformat() if self.waiting_until else None
        return {
            "platform": self.platform,
            "pages": self.pages,
            "queued": self.queued,
            "waiting_until": waiting,
        }


class MentionReader:
    def __init__(
        self,
        connector: SocialConnector,
        cursors: CursorStore,
        queue: PostQueue,
        policy: PlatformPolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self._connector = connector
        self._cursors = cursors
        self._queue = queue
        self._policy = policy
        self._clock = clock

    def run(self) -> ReadReport:
        platform = self._connector.platform
        now = self._clock()
        state = self._cursors.cursor(platform)
        if state.resume_at is not None and now < state.resume_at:
            return ReadReport(platform, waiting_until=state.resume_at)
        cursor, pages, queued = state.cursor, 0, 0
        for _ in range(self._policy.max_pages_per_run):
            try:
                page = self._connector.mentions(cursor, limit=self._policy.page_size)
            except SocialRateLimited as exc:
                resume_at = now + timedelta(seconds=exc.retry_after)
                self._cursors.save_cursor(platform, MonitorCursor(cursor=cursor, resume_at=resume_at), now)
                logger.warning("platform rate limit: reading resumes later", extra={"platform": platform})
                return ReadReport(platform, pages, queued, waiting_until=resume_at)
            pages += 1
            posts = sorted(page.posts, key=lambda post: post.posted_at)
            queued += self._queue.enqueue(posts, via=f"monitor:{platform}")
            if page.cursor != cursor or state.resume_at is not None:
                cursor = page.cursor or cursor
                state = MonitorCursor(cursor=cursor)
                self._cursors.save_cursor(platform, state, now)
            if not page.more:
                break
        return ReadReport(platform, pages, queued)
