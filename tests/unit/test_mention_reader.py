"""A monitor run: mentions since the cursor, oldest first; the cursor moves only after SQS took them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from functions.social_monitor.mention_reader import MentionReader
from infra.queue import EnqueueFailed
from infra.social_ledger import MonitorCursor
from integrations.social.models import SocialAuthor, SocialPost
from local.social.sandbox import SandboxPlatform
from policies.loader import load_social_policy

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
WEIBO = load_social_policy().platform("weibo")


class Cursors:
    def __init__(self) -> None:
        self.saved: dict[str, MonitorCursor] = {}

    def cursor(self, platform: str) -> MonitorCursor:
        return self.saved.get(platform, MonitorCursor())

    def save_cursor(self, platform: str, cursor: MonitorCursor, now: datetime) -> None:
        self.saved[platform] = cursor


class Queue:
    def __init__(self) -> None:
        self.posts: list[SocialPost] = []
        self.fail = False

    def enqueue(self, posts: Sequence[SocialPost], *, via: str) -> int:
        if self.fail:
            raise EnqueueFailed("SQS is down")
        self.posts.extend(posts)
        return len(posts)


def post(post_id: str, minutes_ago: int) -> SocialPost:
    return SocialPost(
        platform="weibo",
        post_id=post_id,
        author=SocialAuthor(id="u" + post_id, handle="h" + post_id),
        text="婚纱晚了三天",
        posted_at=NOW - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def parts() -> tuple[SandboxPlatform, Cursors, Queue, MentionReader]:
    platform = SandboxPlatform("weibo", WEIBO.routes, clock=lambda: NOW)
    cursors, queue = Cursors(), Queue()
    return platform, cursors, queue, MentionReader(platform, cursors, queue, WEIBO, clock=lambda: NOW)


def test_new_mentions_are_queued_oldest_first_and_read_once(parts) -> None:
    platform, cursors, queue, reader = parts
    # GIVEN three posts, the platform returning them out of time order
    platform.publish(post("2", minutes_ago=5), post("1", minutes_ago=50), post("3", minutes_ago=1))
    # WHEN the monitor runs twice
    first = reader.run()
    second = reader.run()
    # THEN the first run queued them with the oldest (least time left) first; the second found nothing
    assert [p.post_id for p in queue.posts] == ["1", "2", "3"]
    assert first.queued == 3 and second.queued == 0
    assert cursors.saved["weibo"].cursor == "3"


def test_a_queue_failure_keeps_the_cursor_so_nothing_is_lost(parts) -> None:
    platform, cursors, queue, reader = parts
    # GIVEN a post, and SQS refusing it
    platform.publish(post("1", minutes_ago=2))
    queue.fail = True
    # WHEN the monitor runs THEN the run fails and the cursor has not moved
    with pytest.raises(EnqueueFailed):
        reader.run()
    assert "weibo" not in cursors.saved
    # AND the next run, with SQS back, queues the post
    queue.fail = False
    assert reader.run().queued == 1


def test_a_rate_limit_stops_reading_until_the_platform_says(parts) -> None:
    platform, _, queue, reader = parts
    # GIVEN the platform answering "rate limited, retry in 120 s"
    platform.publish(post("1", minutes_ago=2))
    platform.rate_limit_reads(1, retry_after=120)
    # WHEN the monitor runs
    report = reader.run()
    # THEN it records when to resume, and a run before then reads nothing
    assert report.waiting_until == NOW + timedelta(seconds=120)
    assert reader.run().queued == 0 and queue.posts == []


def test_pages_are_followed_up_to_the_policy_limit(parts) -> None:
    platform, cursors, queue, _ = parts
    # GIVEN more posts than fit in the pages one run may read
    small = WEIBO.model_copy(update={"page_size": 2, "max_pages_per_run": 2})
    reader = MentionReader(platform, cursors, queue, small, clock=lambda: NOW)
    platform.publish(*(post(str(i), minutes_ago=10 - i) for i in range(5)))
    # WHEN the monitor runs twice
    first, second = reader.run(), reader.run()
    # THEN each run reads at most two pages of two, and together they read every post once
    assert (first.pages, first.queued) == (2, 4)
    assert second.queued == 1
    assert [p.post_id for p in queue.posts] == ["0", "1", "2", "3", "4"]
