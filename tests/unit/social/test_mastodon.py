"""The Mastodon connector (Mastodon.py) against recorded Mastodon API responses (no network, no sleeping)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses
from responses import matchers

from integrations.social._http import ReadRetry
from integrations.social.errors import (
    PostGone,
    RouteClosed,
    SocialAuthError,
    SocialRateLimited,
    SocialUnavailable,
)
from integrations.social.mastodon import MastodonConnector
from integrations.social.models import SocialAuthor, SocialPost
from tests.unit.social.recorded import FixedClock, Sleeps, load, raw

BASE = "https://social.example"
NOTIFICATIONS = f"{BASE}/api/v1/notifications"
STATUSES = f"{BASE}/api/v1/statuses"
TOKEN = "mastodon-SECRET-token"
BRAND_ID = "109000000000000001"
NOW = datetime(2026, 1, 5, 4, 0, tzinfo=UTC)


def make(**kwargs: Any) -> tuple[MastodonConnector, Sleeps]:
    sleeps = Sleeps()
    kwargs.setdefault("brand_account_id", BRAND_ID)
    kwargs.setdefault("page_size", 2)
    kwargs.setdefault("retry", ReadRetry(max_retries=2, sleep=sleeps))
    kwargs.setdefault("clock", FixedClock(NOW))
    return MastodonConnector(api_base_url=BASE, access_token=TOKEN, **kwargs), sleeps


def notifications(fixture: str, *, min_id: str | None = None, limit: str = "2") -> None:
    params = {"limit": limit, "types[]": "mention"}
    if min_id:
        params["min_id"] = min_id
    responses.get(NOTIFICATIONS, json=load("mastodon", fixture), match=[matchers.query_param_matcher(params)])


def post(**kwargs: Any) -> SocialPost:
    fields: dict[str, Any] = {
        "platform": "mastodon",
        "post_id": "113700000000000101",
        "author": SocialAuthor(id="109000000000000777", handle="mia@other.social"),
        "text": "@freshfruit the oranges were mouldy",
        "posted_at": datetime(2026, 1, 5, 2, 1, tzinfo=UTC),
    }
    fields.update(kwargs)
    return SocialPost(**fields)


# ---- construction ----------------------------------------------------------------


@responses.activate
def test_building_the_connector_makes_no_request() -> None:
    # Mastodon.py may read the server version on construction; with version checks off it must not.
    make()
    assert len(responses.calls) == 0


# ---- reading -------------------------------------------------------------------


@responses.activate
def test_two_pages_then_none_are_walked_forward_from_the_cursor_oldest_first() -> None:
    # GIVEN two full pages of mention notifications after the cursor, then an empty page
    notifications("notifications_page1.json", min_id="500000")
    notifications("notifications_page2.json", min_id="500002")
    notifications("notifications_empty.json", min_id="500004")
    connector, _ = make()
    # WHEN mentions are read from the cursor
    result = connector.mentions("500000", limit=10)
    # THEN each page was asked with min_id = the newest notification of the page before
    assert len(responses.calls) == 3
    # AND the brand's own post and the notification whose status is gone are left out
    assert [p.post_id for p in result.posts] == ["113700000000000101", "113700000000000104"]
    # AND the cursor is the last notification id consumed, nothing more waiting
    assert (result.cursor, result.more) == ("500004", False)


@responses.activate
def test_an_empty_page_keeps_the_old_cursor() -> None:
    notifications("notifications_empty.json", min_id="500004")
    connector, _ = make()
    result = connector.mentions("500004", limit=10)
    assert (result.posts, result.cursor, result.more) == ([], "500004", False)


@responses.activate
def test_a_limit_stops_early_and_says_more_is_waiting() -> None:
    notifications("notifications_page1.json", min_id="500000")
    notifications("notifications_page2.json", min_id="500002")
    connector, _ = make()
    result = connector.mentions("500000", limit=1)
    assert [p.post_id for p in result.posts] == ["113700000000000101"]
    assert result.more is True
    # The brand's own mention (500002) and the gone one (500003) are consumed; 500004 is not.
    assert result.cursor == "500003"


@responses.activate
def test_the_brand_account_id_is_read_once_from_the_token_when_not_configured() -> None:
    responses.get(
        f"{BASE}/api/v1/accounts/verify_credentials", json=load("mastodon", "verify_credentials.json")
    )
    notifications("notifications_page1.json")
    notifications("notifications_empty.json", min_id="500002")
    connector, _ = make(brand_account_id=None)
    result = connector.mentions(None, limit=10)
    connector.mentions("500002", limit=10)
    assert [p.post_id for p in result.posts] == ["113700000000000101"]  # the brand's own is out
    verify_calls = [c for c in responses.calls if c.request.url.endswith("verify_credentials")]
    assert len(verify_calls) == 1


@responses.activate
def test_html_becomes_plain_text_and_the_post_carries_author_reply_and_language() -> None:
    notifications("notifications_page1.json", min_id="500000")
    notifications("notifications_page2.json", min_id="500002")
    notifications("notifications_empty.json", min_id="500004")
    connector, _ = make()
    first, second = connector.mentions("500000", limit=10).posts
    assert (
        first.text == "@freshfruit the oranges were mouldy 😡 & the box was wet\n\nrefund please\norder #A-1"
    )
    assert first.author == SocialAuthor(id="109000000000000777", handle="mia@other.social", name="Mia 🍊")
    assert first.in_reply_to_id == "113700000000000050"
    assert first.thread_key == "mastodon:113700000000000050"
    assert (first.lang, first.url) == ("en", "https://other.social/@mia/113700000000000101")
    assert first.posted_at == datetime(2026, 1, 5, 2, 1, tzinfo=UTC)
    # The content warning is part of what the author said; no display name means none.
    assert second.text == "billing\n\n@freshfruit my card was charged twice"
    assert (second.author.name, second.lang) == (None, None)


@responses.activate
def test_a_ten_thousand_character_post_is_kept_whole() -> None:
    notifications("notifications_long_post.json", min_id="500004")
    connector, _ = make()
    (only,) = connector.mentions("500004", limit=10).posts
    assert len(only.text) == 10_000


@responses.activate
def test_invalid_bytes_do_not_crash_the_read() -> None:
    # GIVEN the recorded page with two bytes that are not UTF-8 injected
    body = raw("mastodon", "notifications_page1.json").replace(b"refund", b"\xff\xferefund")
    responses.get(NOTIFICATIONS, body=body, content_type="application/json; charset=utf-8")
    notifications("notifications_empty.json", min_id="500002")
    connector, _ = make()
    (only,) = connector.mentions(None, limit=10).posts
    assert "\ufffd\ufffdrefund" in only.text
    assert "😡" in only.text


@responses.activate
def test_429_uses_the_reset_header_against_the_server_date_and_never_sleeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a 429 whose reset is 5 minutes after the server's own Date
    responses.get(
        NOTIFICATIONS,
        status=429,
        json=load("mastodon", "error_429.json"),
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "2026-01-05T04:05:00.000Z",
            "Date": "Mon, 05 Jan 2026 04:00:00 GMT",
        },
    )
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)  # what Mastodon.py would sleep with in "wait" mode
    connector, sleeps = make()
    with pytest.raises(SocialRateLimited) as limited:
        connector.mentions("500000", limit=10)
    assert limited.value.retry_after == 300
    assert (len(responses.calls), sleeps, slept) == (1, [], [])


@responses.activate
def test_429_without_a_reset_header_waits_one_window() -> None:
    responses.get(NOTIFICATIONS, status=429, json=load("mastodon", "error_429.json"))
    connector, _ = make()
    with pytest.raises(SocialRateLimited) as limited:
        connector.mentions("500000", limit=10)
    assert limited.value.retry_after == 300


@responses.activate
def test_5xx_is_retried_then_unavailable() -> None:
    responses.get(NOTIFICATIONS, status=503, body="<html>503 Service Temporarily Unavailable</html>")
    connector, sleeps = make()
    with pytest.raises(SocialUnavailable, match="503"):
        connector.mentions("500000", limit=10)
    assert (len(responses.calls), sleeps) == (3, [0.5, 1.0])


@responses.activate
def test_a_network_failure_is_unavailable() -> None:
    responses.get(NOTIFICATIONS, body=requests.ConnectionError("refused"))
    connector, _ = make(retry=ReadRetry(max_retries=0))
    with pytest.raises(SocialUnavailable):
        connector.mentions("500000", limit=10)


@responses.activate
def test_401_is_an_auth_error_that_never_shows_the_token() -> None:
    responses.get(NOTIFICATIONS, status=401, json=load("mastodon", "error_401.json"))
    connector, _ = make()
    with pytest.raises(SocialAuthError) as failed:
        connector.mentions("500000", limit=10)
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(failed.value)
    assert TOKEN not in repr(connector)


# ---- sending -------------------------------------------------------------------


def test_both_routes_are_offered_since_mastodon_delivers_direct_posts_to_strangers() -> None:
    connector, _ = make()
    assert connector.allowed_routes(post(), NOW) == {"direct_message", "public_reply"}


@responses.activate
def test_a_direct_message_is_a_direct_status_mentioning_the_author_with_an_idempotency_key() -> None:
    responses.post(STATUSES, json=load("mastodon", "status_created.json"))
    connector, _ = make()
    delivery = connector.send(post(), "direct_message", "Sorry! Please send us your order number.")
    request = responses.calls[0].request
    form = parse_qs(request.body)
    assert form["status"] == ["@mia@other.social Sorry! Please send us your order number."]
    assert form["visibility"] == ["direct"]
    assert form["in_reply_to_id"] == ["113700000000000101"]
    assert request.headers["Idempotency-Key"] == "mastodon:113700000000000101:direct_message"
    assert (delivery.route, delivery.message_id, delivery.private) == (
        "direct_message",
        "113700000000000900",
        True,
    )
    assert delivery.sent_at == datetime(2026, 1, 5, 4, 0, 5, tzinfo=UTC)


@responses.activate
def test_a_public_reply_is_unlisted_by_default_or_public_when_configured() -> None:
    responses.post(STATUSES, json=load("mastodon", "status_created.json"))
    make()[0].send(post(), "public_reply", "hi")
    make(public_visibility="public")[0].send(post(), "public_reply", "hi")
    visibilities = [parse_qs(c.request.body)["visibility"] for c in responses.calls]
    assert visibilities == [["unlisted"], ["public"]]


@responses.activate
def test_replying_to_a_deleted_post_is_post_gone() -> None:
    responses.post(STATUSES, status=404, json=load("mastodon", "error_404_in_reply_to.json"))
    connector, _ = make()
    with pytest.raises(PostGone):
        connector.send(post(), "direct_message", "hi")


@responses.activate
def test_a_refused_send_closes_the_route() -> None:
    responses.post(STATUSES, status=403, json=load("mastodon", "error_403.json"))
    connector, _ = make()
    with pytest.raises(RouteClosed) as closed:
        connector.send(post(), "public_reply", "hi")
    assert closed.value.route == "public_reply"


@responses.activate
def test_sending_when_rate_limited_is_not_retried() -> None:
    responses.post(STATUSES, status=429, json=load("mastodon", "error_429.json"))
    connector, sleeps = make()
    with pytest.raises(SocialRateLimited):
        connector.send(post(), "public_reply", "hi")
    assert (len(responses.calls), sleeps) == (1, [])


def test_a_route_mastodon_does_not_have_is_closed() -> None:
    connector, _ = make()
    with pytest.raises(RouteClosed):
        connector.send(post(), "fan_service_reply", "hi")
