"""The generic inbound webhook: signature, replay window, payload checks, and its no-route connector."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from integrations.social.errors import RouteClosed
from integrations.social.inbound_webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InboundWebhook,
    InvalidPayload,
    InvalidSignature,
    ListeningToolConnector,
    PayloadTooLarge,
    StaleTimestamp,
    sign,
    signature_headers,
)
from tests.unit.social.recorded import load, raw

SECRET = "listening-SECRET-key"
NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
SIGNED_AT = int(NOW.timestamp()) - 30


def hook(**kwargs: Any) -> InboundWebhook:
    kwargs.setdefault("replay_window", timedelta(minutes=5))
    kwargs.setdefault("max_posts", 100)
    kwargs.setdefault("max_text_chars", 10_000)
    return InboundWebhook(SECRET, **kwargs)


def body_of(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def delivery(**post_changes: Any) -> dict[str, Any]:
    data = load("inbound", "delivery_sprinklr.json")
    data["posts"][0].update(post_changes)
    return data


# ---- signature ---------------------------------------------------------------------


def test_sign_is_hex_hmac_sha256_of_timestamp_dot_body() -> None:
    # A value computed independently: printf '1767582000.{}' | openssl dgst -sha256 -hmac key
    assert sign("key", 1767582000, b"{}") == (
        "sha256=4a32b08a2763a341cdb8eb73a569b6147266ca8db41cdd12c2bd5a328ec69167"
    )
    assert sign("key", "1767582000", b"{}") == sign("key", 1767582000, b"{}")
    assert sign("key", 1767582000, b"{}") != sign("key", 1767582001, b"{}")
    assert sign("key", 1767582000, b"{}") != sign("other", 1767582000, b"{}")


def test_a_genuine_fresh_delivery_gives_its_posts() -> None:
    body = raw("inbound", "delivery_sprinklr.json")
    batch = hook().receive(signature_headers(SECRET, body, SIGNED_AT), body, now=NOW)
    assert batch.source == "sprinklr"
    first, second = batch.posts
    assert (first.platform, first.post_id, first.source) == (
        "xiaohongshu",
        "6779a1f2000000001303a5c1",
        "sprinklr",
    )
    assert first.author.name == "默默吃什么🍑"
    assert "😭" in first.text
    assert first.posted_at == datetime(2026, 1, 5, 2, 30, tzinfo=UTC)
    assert first.key == "xiaohongshu:6779a1f2000000001303a5c1"
    assert (second.in_reply_to_id, second.thread_key) == ("7456000000000000001", "douyin:7456000000000000001")


def test_headers_are_matched_whatever_their_case() -> None:
    body = raw("inbound", "delivery_sprinklr.json")
    headers = {k.lower(): v for k, v in signature_headers(SECRET, body, SIGNED_AT).items()}
    assert len(hook().receive(headers, body, now=NOW).posts) == 2


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, TIMESTAMP_HEADER),
        ({TIMESTAMP_HEADER: "1767582000"}, SIGNATURE_HEADER),
        ({TIMESTAMP_HEADER: "1767582000", SIGNATURE_HEADER: "abc"}, "sha256="),
    ],
)
def test_missing_or_malformed_signature_headers_are_invalid(headers: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidSignature, match=message) as refused:
        hook().verify(headers, b"{}", now=NOW)
    assert refused.value.http_status == 401


def test_a_body_changed_after_signing_is_invalid() -> None:
    body = raw("inbound", "delivery_sprinklr.json")
    headers = signature_headers(SECRET, body, SIGNED_AT)
    with pytest.raises(InvalidSignature, match="does not match"):
        hook().verify(headers, body.replace(b"sprinklr", b"brandwatch"), now=NOW)


def test_a_signature_made_with_another_secret_is_invalid_and_the_secret_never_shows() -> None:
    body = b'{"source": "x", "posts": []}'
    with pytest.raises(InvalidSignature) as refused:
        hook().verify(signature_headers("guess", body, SIGNED_AT), body, now=NOW)
    assert SECRET not in str(refused.value)
    assert SECRET not in repr(hook())


@pytest.mark.parametrize(("offset", "word"), [(-301, "old"), (301, "in the future")])
def test_a_genuine_signature_outside_the_window_is_stale(offset: int, word: str) -> None:
    body = b'{"source": "x", "posts": []}'
    signed_at = int(NOW.timestamp()) + offset
    with pytest.raises(StaleTimestamp, match=word) as refused:
        hook().verify(signature_headers(SECRET, body, signed_at), body, now=NOW)
    assert refused.value.http_status == 401


def test_the_window_edge_is_still_fresh() -> None:
    body = b'{"source": "x", "posts": []}'
    hook().verify(signature_headers(SECRET, body, int(NOW.timestamp()) - 300), body, now=NOW)


def test_a_genuine_signature_over_a_timestamp_that_is_not_unix_seconds_is_stale() -> None:
    body = b"{}"
    headers = {
        TIMESTAMP_HEADER: "2026-01-05T03:00:00Z",
        SIGNATURE_HEADER: sign(SECRET, "2026-01-05T03:00:00Z", body),
    }
    with pytest.raises(StaleTimestamp, match="unix seconds"):
        hook().verify(headers, body, now=NOW)


def test_a_body_over_the_byte_limit_is_too_large_before_anything_else() -> None:
    with pytest.raises(PayloadTooLarge, match="100 bytes") as refused:
        hook(max_body_bytes=100).verify({}, b"x" * 101, now=NOW)
    assert refused.value.http_status == 413


# ---- payload -----------------------------------------------------------------------


def test_a_body_that_is_not_json_is_invalid_with_its_position() -> None:
    with pytest.raises(InvalidPayload, match="line 1, column 2") as refused:
        hook().parse(b"{,}")
    assert refused.value.http_status == 400


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"posted_at": "2026-01-05T10:30:00"}, "posts[0].posted_at"),  # no offset
        ({"platform": "XiaoHongShu"}, "posts[0].platform"),
        ({"author": {"id": "u1"}}, "posts[0].author.handle"),
        ({"text": None}, "posts[0].text"),
    ],
)
def test_a_bad_field_is_named_in_the_error(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidPayload) as refused:
        hook().parse(body_of(delivery(**change)))
    assert field in str(refused.value)


def test_a_missing_source_is_named() -> None:
    data = load("inbound", "delivery_sprinklr.json")
    del data["source"]
    with pytest.raises(InvalidPayload, match="source"):
        hook().parse(body_of(data))


def test_more_posts_than_allowed_is_too_large() -> None:
    with pytest.raises(PayloadTooLarge, match="2 items; the limit is 1") as refused:
        hook(max_posts=1).parse(raw("inbound", "delivery_sprinklr.json"))
    assert refused.value.http_status == 413


def test_a_text_over_the_limit_is_too_large_and_one_at_the_limit_is_kept() -> None:
    with pytest.raises(PayloadTooLarge, match=r"posts\[0\].text has 10001 characters"):
        hook().parse(body_of(delivery(text="长" * 10_001)))
    (kept, _) = hook().parse(body_of(delivery(text="长" * 10_000))).posts
    assert len(kept.text) == 10_000


def test_invalid_utf8_in_a_text_is_kept_as_replacement_characters() -> None:
    body = raw("inbound", "delivery_sprinklr.json").replace("车厘子".encode(), b"\xff" + "车厘子".encode())
    first, _ = hook().parse(body).posts
    assert "\ufffd车厘子" in first.text
    first.text.encode("utf-8")


# ---- the connector of listening-only platforms --------------------------------------


def test_a_listening_tool_platform_offers_no_route_and_cannot_send() -> None:
    connector = ListeningToolConnector("xiaohongshu")
    (post, _) = hook().parse(raw("inbound", "delivery_sprinklr.json")).posts
    assert connector.allowed_routes(post, NOW) == frozenset()
    with pytest.raises(RouteClosed, match="listening tool"):
        connector.send(post, "public_reply", "hi")
    page = connector.mentions("kept", limit=10)
    assert (page.posts, page.cursor) == ([], "kept")
