"""The shared helpers: repairing text, reading HTML, and choosing which items a page returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from integrations.social._paging import Candidate, select_oldest
from integrations.social._text import clean_text, html_to_text
from integrations.social.models import SocialAuthor, SocialPost

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def test_clean_text_keeps_emoji_and_replaces_only_lone_surrogates() -> None:
    assert clean_text("好😀") == "好😀"
    assert clean_text("a\ud83db\x00c") == "a\ufffdbc"
    clean_text("\udc00").encode("utf-8")


def test_html_to_text_keeps_paragraphs_breaks_and_decodes_entities_once() -> None:
    html = "<p>a &amp;lt; b<br>c</p><p></p><p><a href='x'>@<span>brand</span></a> 🍊</p>"
    assert html_to_text(html) == "a &lt; b\nc\n\n@brand 🍊"


def _candidate(stream: str, item_id: str, minutes: int, *, skipped: bool = False) -> Candidate:
    post = None
    if not skipped:
        post = SocialPost(
            platform="weibo",
            post_id=item_id,
            author=SocialAuthor(id="1", handle="a"),
            text="t",
            posted_at=T0 + timedelta(minutes=minutes),
        )
    return Candidate(stream=stream, item_id=item_id, at=T0 + timedelta(minutes=minutes), post=post)


def test_streams_merge_by_time_and_each_cursor_stops_at_what_was_consumed() -> None:
    statuses = [_candidate("s", "30", 3), _candidate("s", "10", 1), _candidate("s", "20", 2, skipped=True)]
    comments = [_candidate("c", "15", 1), _candidate("c", "15", 1)]  # a repeat from a shifted page
    chosen = select_oldest([statuses, comments], 2)
    assert [p.post_id for p in chosen.posts] == ["10", "15"]
    assert chosen.last_ids == {"s": "20", "c": "15"}  # the skipped 20 is consumed, 30 is not
    assert chosen.more is True


def test_numeric_ids_sort_as_numbers_not_text() -> None:
    chosen = select_oldest([[_candidate("s", "100", 1), _candidate("s", "99", 1)]], 10)
    assert [p.post_id for p in chosen.posts] == ["99", "100"]


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        select_oldest([[]], 0)
