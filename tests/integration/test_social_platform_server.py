"""The sandbox platforms over HTTP (local/social/platform_server.py) and their connector
(local/social/http_platform.py): the answers a real connector gives, across a process boundary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from integrations.social.connector import SentMessageLookup
from integrations.social.errors import RouteClosed, SocialRateLimited, SocialUnavailable
from integrations.social.models import SocialAuthor, SocialPost
from local.social.http_platform import HttpPlatform, HttpPlatformWithLookup, connector_for
from local.social.platform_server import SocialFaultPlan, SocialPlatformServer
from local.social.sandbox import SandboxPlatform

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _post(platform: str, author: str = "u1") -> SocialPost:
    return SocialPost(
        platform=platform,
        post_id=f"{platform}-1",
        author=SocialAuthor(id=author, handle=author),
        text="@shop my parcel is lost",
        posted_at=NOW - timedelta(minutes=5),
    )


@pytest.fixture
def server() -> Iterator[SocialPlatformServer]:
    platforms = {
        "x": SandboxPlatform("x", ["direct_message", "public_reply"], clock=lambda: NOW),
        "weibo": SandboxPlatform("weibo", ["fan_service_reply", "public_reply"], clock=lambda: NOW),
    }
    running = SocialPlatformServer(platforms).start()
    yield running
    running.stop()


def test_a_send_over_http_reaches_the_platform_and_x_can_say_what_was_sent(server) -> None:
    # GIVEN the connector for X over HTTP
    x = HttpPlatform(server.url, "x")
    looking = HttpPlatformWithLookup(server.url, "x")
    # WHEN a DM is sent
    delivery = x.send(_post("x"), "direct_message", "sorry")
    # THEN the platform in this process holds it, and a lookup since before the send finds it
    [(_, kept)] = server.platforms["x"].sent
    assert kept.message_id == delivery.message_id
    assert looking.sent_since(_post("x"), "direct_message", NOW - timedelta(seconds=1)) == delivery
    assert looking.sent_since(_post("x", author="someone-else"), "direct_message", NOW) is None


def test_the_connector_can_look_up_only_where_the_production_connector_can(server, monkeypatch) -> None:
    # GIVEN the worker's connector source pointed at the server
    monkeypatch.setenv("LOCAL_SOCIAL_PLATFORMS_URL", server.url)
    # THEN X (whose API lists the brand's messages) can look up; Weibo cannot, as in production
    assert isinstance(connector_for("x"), SentMessageLookup)
    assert not isinstance(connector_for("weibo"), SentMessageLookup)


def test_refusals_and_faults_come_back_as_the_connectors_errors(server) -> None:
    weibo = HttpPlatform(server.url, "weibo")
    # GIVEN an author who refuses the fan-service reply THEN that route is closed
    server.platforms["weibo"].close_route("u1", "fan_service_reply")
    with pytest.raises(RouteClosed):
        weibo.send(_post("weibo"), "fan_service_reply", "hi")
    # GIVEN the platform throttling THEN the wait comes with the error
    server.inject_faults(
        SocialFaultPlan(throttle_every_seconds=3600, throttle_seconds=3600, retry_after_seconds=7)
    )
    with pytest.raises(SocialRateLimited) as throttled:
        weibo.send(_post("weibo"), "public_reply", "hi")
    assert throttled.value.retry_after == 7
    # GIVEN every answer lost after sending THEN it is a 502 that may have gone out, and it did
    server.inject_faults(SocialFaultPlan(lost_answer_rate=1.0))
    with pytest.raises(SocialUnavailable) as lost:
        weibo.send(_post("weibo"), "public_reply", "hi")
    assert lost.value.status == 502
    assert len(server.platforms["weibo"].sent) == 1
    assert server.fault_counts == {"throttled": 1, "lost_answer": 1}
