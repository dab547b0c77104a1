"""The Weibo connector against recorded Weibo API responses (no network, no sleeping)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta, timezone
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
from integrations.social.models import SocialAuthor, SocialPost
from integrations.social.weibo import WeiboConnector
from tests.unit.social.recorded import FixedClock, Sleeps, load, raw

API = "https://api.weibo.com/2"
STATUSES = f"{API}/statuses/mentions.json"
COMMENTS = f"{API}/comments/mentions.json"
FAN_SERVICE = "https://m.api.weibo.com/2/messages/reply.json"
TOKEN = "2.00WEIBO-SECRET-token"
BRAND_UID = "5000000001"
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 1, 5, 12, 20, 30, tzinfo=CST)


def make(**kwargs: Any) -> tuple[WeiboConnector, Sleeps]:
    sleeps = Sleeps()
    kwargs.setdefault("fan_service_window_hours", 48)
    kwargs.setdefault("operator_ip", "203.0.113.7")
    kwargs.setdefault("page_size", 2)
    kwargs.setdefault("retry", ReadRetry(max_retries=2, sleep=sleeps))
    kwargs.setdefault("clock", FixedClock(NOW))
    return WeiboConnector(access_token=TOKEN, brand_uid=BRAND_UID, **kwargs), sleeps


def page(url: str, fixture: str, *, page_no: int, since: str | None = None, count: str = "2") -> None:
    params = {"count": count, "page": str(page_no)}
    if since:
        params["since_id"] = since
    responses.get(url, json=load("weibo", fixture), match=[matchers.query_param_matcher(params)])


def post(post_id: str = "4990000000000004", **kwargs: Any) -> SocialPost:
    fields: dict[str, Any] = {
        "platform": "weibo",
        "post_id": post_id,
        "author": SocialAuthor(id="1404376560", handle="zaku"),
        "text": "@鲜果旗舰店 快递三天没动了",
        "posted_at": datetime(2026, 1, 5, 10, 4, tzinfo=CST),
    }
    fields.update(kwargs)
    return SocialPost(**fields)


# ---- reading: paging, order, cursor --------------------------------------------


@responses.activate
def test_two_pages_then_none_are_read_and_returned_oldest_first_without_brand_or_deleted_posts() -> None:
    # GIVEN two full pages of @mention statuses then an empty one, and one page of comments
    page(STATUSES, "statuses_mentions_page1.json", page_no=1)
    page(STATUSES, "statuses_mentions_page2.json", page_no=2)
    page(STATUSES, "statuses_mentions_empty.json", page_no=3)
    page(COMMENTS, "comments_mentions_page1.json", page_no=1)
    page(COMMENTS, "comments_mentions_empty.json", page_no=2)
    connector, _ = make()
    # WHEN the first mentions are read (no cursor yet)
    result = connector.mentions(None, limit=10)
    # THEN both streams are merged oldest first; the brand's own status and the deleted one are left out
    assert [p.post_id for p in result.posts] == [
        "4990000000000101",  # comment 10:00
        "4990000000000001",  # status 10:01
        "4990000000000004",  # status 10:04
        "4990000000000102",  # comment 10:05
    ]
    assert all(p.author.id != BRAND_UID for p in result.posts)
    assert "4990000000000002" not in {p.post_id for p in result.posts}  # deleted
    # AND the cursor holds each stream's newest id, with nothing more waiting
    assert json.loads(result.cursor or "") == {"comments": "4990000000000102", "statuses": "4990000000000004"}
    assert result.more is False
    assert len(responses.calls) == 5


@responses.activate
def test_the_returned_cursor_makes_the_next_call_ask_only_for_newer_items() -> None:
    # GIVEN a cursor from an earlier read, and Weibo having nothing newer
    cursor = json.dumps({"comments": "4990000000000102", "statuses": "4990000000000004"})
    page(STATUSES, "statuses_mentions_empty.json", page_no=1, since="4990000000000004")
    page(COMMENTS, "comments_mentions_empty.json", page_no=1, since="4990000000000102")
    connector, _ = make()
    # WHEN mentions are read from that cursor
    result = connector.mentions(cursor, limit=10)
    # THEN each stream was asked with its own since_id (the matchers would refuse anything else)
    assert len(responses.calls) == 2
    # AND an empty page keeps the old cursor exactly
    assert result.posts == []
    assert result.cursor == cursor
    assert result.more is False


@responses.activate
def test_a_limit_returns_the_oldest_and_the_cursor_stops_after_what_was_consumed() -> None:
    # GIVEN four readable mentions waiting
    page(STATUSES, "statuses_mentions_page1.json", page_no=1)
    page(STATUSES, "statuses_mentions_page2.json", page_no=2)
    page(STATUSES, "statuses_mentions_empty.json", page_no=3)
    page(COMMENTS, "comments_mentions_page1.json", page_no=1)
    page(COMMENTS, "comments_mentions_empty.json", page_no=2)
    connector, _ = make()
    # WHEN only two are asked for
    result = connector.mentions(None, limit=2)
    # THEN the two oldest come back and more is waiting
    assert [p.post_id for p in result.posts] == ["4990000000000101", "4990000000000001"]
    assert result.more is True
    # AND the cursor moved past the skipped deleted and brand statuses, but not past the next post
    assert json.loads(result.cursor or "") == {"comments": "4990000000000101", "statuses": "4990000000000003"}


@responses.activate
def test_comments_carry_their_status_as_thread_root_and_times_are_aware() -> None:
    page(STATUSES, "statuses_mentions_empty.json", page_no=1)
    page(COMMENTS, "comments_mentions_page1.json", page_no=1)
    page(COMMENTS, "comments_mentions_empty.json", page_no=2)
    connector, _ = make()
    # WHEN the comment mentions are read
    first, second = connector.mentions(None, limit=10).posts
    # THEN a comment on a status has the status as root and parent
    assert (first.thread_root_id, first.in_reply_to_id) == ("4990000000000008", "4990000000000008")
    # AND a reply to another comment answers that comment, in the status's thread
    assert (second.thread_root_id, second.in_reply_to_id) == ("4990000000000009", "4990000000000100")
    assert second.thread_key == "weibo:4990000000000009"
    # AND "Mon Jan 05 10:05:00 +0800 2026" is an aware instant
    assert second.posted_at == datetime(2026, 1, 5, 2, 5, tzinfo=UTC)
    assert second.url == "https://weibo.com/1750000003/4990000000000009"
    assert second.author.handle == "老王"


@responses.activate
def test_a_comment_whose_status_was_deleted_is_skipped_but_the_cursor_moves_past_it() -> None:
    page(STATUSES, "statuses_mentions_empty.json", page_no=1)
    page(COMMENTS, "comments_mentions_status_deleted.json", page_no=1)
    connector, _ = make()
    result = connector.mentions(None, limit=10)
    assert result.posts == []
    assert json.loads(result.cursor or "") == {"comments": "4990000000000103"}


# ---- text: emoji, broken bytes, long posts -----------------------------------------


@responses.activate
def test_emoji_survive_invalid_bytes_become_replacement_characters_and_nothing_crashes() -> None:
    # GIVEN a recorded page whose bytes carry an emoji, a byte that is not UTF-8 and a lone surrogate
    body = raw("weibo", "statuses_mentions_page2.json")
    body = body.replace("退款".encode(), b"\xff\xfe" + "退款".encode()).replace(b"@", b"\\ud83d@", 1)
    responses.get(STATUSES, body=body, content_type="application/json")
    page(COMMENTS, "comments_mentions_empty.json", page_no=1, count="50")
    connector, _ = make(page_size=50)
    # WHEN it is read
    (only,) = connector.mentions(None, limit=10).posts
    # THEN the emoji are intact, the invalid bytes are U+FFFD and the text is encodable
    assert "😡😡" in only.text
    assert "\ufffd\ufffd退款" in only.text
    assert only.text.startswith("\ufffd@")
    only.text.encode("utf-8")
    assert only.author.handle == "小雨点🌧"


@responses.activate
def test_a_ten_thousand_character_post_is_kept_whole() -> None:
    responses.get(STATUSES, json=load("weibo", "statuses_mentions_long.json"))
    page(COMMENTS, "comments_mentions_empty.json", page_no=1, count="50")
    connector, _ = make(page_size=50)
    (only,) = connector.mentions(None, limit=10).posts
    assert len(only.text) == 10_000


# ---- failures while reading -------------------------------------------------------


@responses.activate
def test_rate_limit_code_means_wait_for_the_next_clock_hour_and_nothing_sleeps() -> None:
    # GIVEN Weibo refusing with 10023 "User requests out of rate limit" (HTTP 403, no reset header)
    responses.get(STATUSES, status=403, json=load("weibo", "error_rate_limit.json"))
    connector, sleeps = make()
    # WHEN mentions are read at 12:20:30
    with pytest.raises(SocialRateLimited) as limited:
        connector.mentions(None, limit=10)
    # THEN the wait runs to 13:00:00, nothing was retried or slept
    assert limited.value.retry_after == 39 * 60 + 30
    assert limited.value.platform == "weibo"
    assert "10023" in str(limited.value)
    assert len(responses.calls) == 1
    assert sleeps == []


@responses.activate
def test_server_errors_are_retried_then_reported_unavailable_with_recorded_backoff() -> None:
    # GIVEN Weibo answering 10001 "System error" with HTTP 500 every time
    responses.get(STATUSES, status=500, json=load("weibo", "error_system.json"))
    connector, sleeps = make()
    # WHEN mentions are read
    with pytest.raises(SocialUnavailable):
        connector.mentions(None, limit=10)
    # THEN the read was tried three times, the waits were asked of the injected sleep
    assert len(responses.calls) == 3
    assert sleeps == [0.5, 1.0]


@responses.activate
def test_a_gateway_page_that_is_not_json_is_unavailable() -> None:
    responses.get(STATUSES, status=502, body="<html>Bad Gateway</html>")
    connector, _ = make(retry=ReadRetry(max_retries=0))
    with pytest.raises(SocialUnavailable, match="HTTP 502"):
        connector.mentions(None, limit=10)


@responses.activate
def test_a_network_failure_is_unavailable() -> None:
    responses.get(STATUSES, body=requests.ConnectionError("connection refused"))
    connector, _ = make(retry=ReadRetry(max_retries=0))
    with pytest.raises(SocialUnavailable, match="ConnectionError"):
        connector.mentions(None, limit=10)


@pytest.mark.parametrize("status", [401, 403])
@responses.activate
def test_an_expired_token_is_an_auth_error_that_never_shows_the_token(status: int) -> None:
    # GIVEN Weibo's 21327 expired_token (the code decides, whatever the HTTP status)
    responses.get(STATUSES, status=status, json=load("weibo", "error_expired_token.json"))
    connector, _ = make()
    with pytest.raises(SocialAuthError) as failed:
        connector.mentions(None, limit=10)
    assert "21327" in str(failed.value)
    assert TOKEN not in str(failed.value)
    assert TOKEN not in repr(connector)


@responses.activate
def test_the_token_travels_in_the_authorization_header_not_the_url(caplog: pytest.LogCaptureFixture) -> None:
    page(STATUSES, "statuses_mentions_empty.json", page_no=1)
    page(COMMENTS, "comments_mentions_empty.json", page_no=1)
    connector, _ = make()
    with caplog.at_level(logging.DEBUG):
        connector.mentions(None, limit=10)
    request = responses.calls[0].request
    assert request.headers["Authorization"] == f"OAuth2 {TOKEN}"
    assert TOKEN not in (request.url or "")
    assert TOKEN not in caplog.text


def test_a_cursor_this_connector_did_not_write_is_refused() -> None:
    connector, _ = make()
    with pytest.raises(ValueError, match="cursor"):
        connector.mentions('{"timeline": "1"}', limit=10)


# ---- routes -----------------------------------------------------------------------


def test_fan_service_reply_is_allowed_only_within_the_configured_window() -> None:
    # GIVEN a connector whose policy window is 2 hours, and a mention posted at 10:04
    connector, _ = make(fan_service_window_hours=2)
    mention = post()
    # THEN within 2 h both routes are offered, after that only the public comment
    assert connector.allowed_routes(mention, mention.posted_at + timedelta(hours=2)) == {
        "fan_service_reply",
        "public_reply",
    }
    assert connector.allowed_routes(mention, mention.posted_at + timedelta(hours=2, seconds=1)) == {
        "public_reply"
    }


def test_without_an_operator_ip_no_public_comment_is_offered() -> None:
    connector, _ = make(operator_ip=None)
    mention = post()
    assert connector.allowed_routes(mention, mention.posted_at + timedelta(hours=1)) == {"fan_service_reply"}


@responses.activate
def test_fan_service_reply_posts_the_documented_form_to_the_fan_service_host() -> None:
    # GIVEN the fan-service API accepting the reply
    responses.post(FAN_SERVICE, json=load("weibo", "fan_service_reply.json"))
    connector, _ = make(clock=FixedClock(datetime(2026, 1, 5, 11, 0, tzinfo=CST)))
    # WHEN a private reply is sent to a mention an hour old
    delivery = connector.send(post(), "fan_service_reply", "您好🙏 请把订单号私信给我们")
    # THEN it is a text message with the JSON data and the author as receiver
    form = parse_qs(responses.calls[0].request.body)
    assert form["type"] == ["text"]
    assert json.loads(form["data"][0]) == {"text": "您好🙏 请把订单号私信给我们"}
    assert form["receiver_id"] == ["1404376560"]
    assert form["access_token"] == [TOKEN]
    assert TOKEN not in (responses.calls[0].request.url or "")
    # AND the delivery is private, named after the mention it answered
    assert delivery.route == "fan_service_reply"
    assert delivery.private is True
    assert delivery.message_id == "fan_service:4990000000000004"


@responses.activate
def test_fan_service_reply_after_the_window_is_refused_without_calling_weibo() -> None:
    connector, _ = make(clock=FixedClock(datetime(2026, 1, 7, 10, 5, tzinfo=CST)))
    with pytest.raises(RouteClosed) as closed:
        connector.send(post(), "fan_service_reply", "您好")
    assert closed.value.route == "fan_service_reply"
    assert len(responses.calls) == 0


@responses.activate
def test_a_fan_service_refusal_with_an_unlisted_code_closes_that_route() -> None:
    # Weibo names the refusals (no quota, unfollowed, window over) but publishes no codes for them.
    responses.post(FAN_SERVICE, status=400, json=load("weibo", "error_fan_service_unlisted_code.json"))
    connector, _ = make(clock=FixedClock(datetime(2026, 1, 5, 11, 0, tzinfo=CST)))
    with pytest.raises(RouteClosed) as closed:
        connector.send(post(), "fan_service_reply", "您好")
    assert closed.value.route == "fan_service_reply"


@responses.activate
def test_public_reply_to_a_status_creates_a_comment_with_the_operator_ip() -> None:
    responses.post(f"{API}/comments/create.json", json=load("weibo", "comment_created.json"))
    connector, _ = make()
    delivery = connector.send(post(), "public_reply", "您好,请私信我们订单号。")
    form = parse_qs(responses.calls[0].request.body)
    assert form == {
        "id": ["4990000000000004"],
        "comment": ["您好,请私信我们订单号。"],
        "rip": ["203.0.113.7"],
    }
    assert responses.calls[0].request.headers["Authorization"] == f"OAuth2 {TOKEN}"
    assert (delivery.route, delivery.message_id, delivery.private) == (
        "public_reply",
        "4990000000000200",
        False,
    )
    assert delivery.sent_at == datetime(2026, 1, 5, 12, 0, 5, tzinfo=CST)


@responses.activate
def test_public_reply_to_a_comment_replies_to_it_under_its_status() -> None:
    responses.post(f"{API}/comments/reply.json", json=load("weibo", "comment_replied.json"))
    connector, _ = make()
    comment = post("4990000000000102", thread_root_id="4990000000000009", in_reply_to_id="4990000000000100")
    delivery = connector.send(comment, "public_reply", "您好")
    form = parse_qs(responses.calls[0].request.body)
    assert (form["cid"], form["id"]) == (["4990000000000102"], ["4990000000000009"])
    assert delivery.message_id == "4990000000000201"


@responses.activate
def test_commenting_on_a_deleted_status_is_post_gone() -> None:
    responses.post(
        f"{API}/comments/create.json", status=400, json=load("weibo", "error_target_weibo_gone.json")
    )
    connector, _ = make()
    with pytest.raises(PostGone, match="20101"):
        connector.send(post(), "public_reply", "您好")


@responses.activate
def test_an_author_who_allows_only_followers_to_comment_closes_the_public_route() -> None:
    responses.post(
        f"{API}/comments/create.json", status=403, json=load("weibo", "error_comment_followers_only.json")
    )
    connector, _ = make()
    with pytest.raises(RouteClosed) as closed:
        connector.send(post(), "public_reply", "您好")
    assert closed.value.route == "public_reply"


@responses.activate
def test_sending_while_rate_limited_is_not_retried() -> None:
    responses.post(f"{API}/comments/create.json", status=403, json=load("weibo", "error_rate_limit.json"))
    connector, sleeps = make()
    with pytest.raises(SocialRateLimited):
        connector.send(post(), "public_reply", "您好")
    assert len(responses.calls) == 1
    assert sleeps == []


def test_a_route_weibo_does_not_have_is_closed() -> None:
    connector, _ = make()
    with pytest.raises(RouteClosed):
        connector.send(post(), "direct_message", "hi")
