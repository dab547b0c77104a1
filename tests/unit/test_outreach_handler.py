"""The outreach handler's batch order and its settings (R-SLA-9: the least time left goes first)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.outreach.app import oldest_post_first
from infra.settings import OutreachSettings, SettingsError, SocialMonitorSettings
from infra.social_queue import QueuedPost
from integrations.social.models import SocialAuthor, SocialPost

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def record(post_id: str, minutes_ago: int) -> dict:
    post = SocialPost(
        platform="weibo",
        post_id=post_id,
        author=SocialAuthor(id="u", handle="h"),
        text="婚纱晚了",
        posted_at=NOW - timedelta(minutes=minutes_ago),
    )
    return {"messageId": post_id, "body": QueuedPost(post=post, via="monitor:weibo").to_message_body()}


def test_a_batch_is_worked_oldest_post_first_with_unreadable_ones_parked_first() -> None:
    # GIVEN a batch: a fresh post, one first seen 50 minutes after it was written, a broken message
    batch = [record("fresh", 1), record("late", 50), {"messageId": "broken", "body": "{not json"}]
    # WHEN the handler orders it
    ordered = oldest_post_first(batch)
    # THEN the broken one comes first (it is parked at once), then the post with 10 minutes left
    assert [r["messageId"] for r in ordered] == ["broken", "late", "fresh"]


def test_posts_of_the_same_minute_keep_their_queue_order() -> None:
    # GIVEN a root post and its reply written in the same instant (one thread, one FIFO group)
    batch = [record("root", 5), record("reply", 5)]
    # THEN the order the queue gave is kept
    assert [r["messageId"] for r in oldest_post_first(batch)] == ["root", "reply"]


def test_live_connectors_need_the_social_secret() -> None:
    # GIVEN a monitor's environment without credentials
    environ = {"SOCIAL_QUEUE_URL": "q", "COMPLAINTS_TABLE": "t"}
    # THEN live mode says which variable to set, and a configured connector source needs none
    with pytest.raises(SettingsError, match="SOCIAL_SECRET_NAME"):
        SocialMonitorSettings.from_env(environ)
    with_source = {**environ, "SOCIAL_CONNECTOR_SOURCE": "stand_ins:connector_for"}
    assert SocialMonitorSettings.from_env(with_source).social_secret_name is None


def test_the_outreach_names_every_missing_variable() -> None:
    # GIVEN an empty environment WHEN the outreach reads it THEN each missing variable is named
    with pytest.raises(SettingsError) as error:
        OutreachSettings.from_env({})
    for name in (
        "SOCIAL_QUEUE_URL",
        "SOCIAL_DEAD_LETTER_QUEUE_URL",
        "CRITICAL_TOPIC_ARN",
        "COMPLAINTS_TABLE",
    ):
        assert name in str(error.value)
