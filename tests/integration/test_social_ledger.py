"""The social ledger and the posts queue on moto: each post begun once, cursors kept, FIFO dedup by post."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest

from infra.complaints import TABLE_SCHEMA
from infra.social_ledger import MonitorCursor, SocialLedger
from infra.social_queue import QueuedPost, SocialPostQueue
from integrations.social.models import SocialAuthor, SocialPost
from policies.complaint_state import ContactMade

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def post(post_id: str, **extra) -> SocialPost:
    return SocialPost(
        platform="weibo",
        post_id=post_id,
        author=SocialAuthor(id="u1", handle="bride"),
        text="婚纱晚了三天 👰 " * 3,
        posted_at=NOW,
        **extra,
    )


@pytest.fixture
def ledger(mocked_aws) -> SocialLedger:
    dynamodb = boto3.resource("dynamodb", region_name="eu-west-1")
    table = dynamodb.create_table(TableName="complaints", **TABLE_SCHEMA)
    return SocialLedger(table)


def test_a_post_is_begun_once_and_resumes_where_it_stopped(ledger) -> None:
    # GIVEN a post begun and contacted
    first = ledger.begin(post("5001"), NOW)
    contact = ContactMade(
        platform="weibo", route="fan_service_reply", message_id="m1", sent_at=NOW, text="您好"
    )
    ledger.record(first.model_copy(update={"contact": contact, "ticket_id": 42}))
    # WHEN it is begun again (a re-read, a redelivery)
    again = ledger.begin(post("5001"), NOW)
    # THEN the progress so far comes back, and a reply in its thread finds its ticket
    assert again.contact == contact and again.ticket_id == 42 and not again.finished
    assert ledger.ticket_for_thread("weibo:5001") == 42
    assert ledger.ticket_for_thread("weibo:404") is None


def test_cursors_are_kept_per_platform(ledger) -> None:
    # GIVEN a cursor saved for weibo with a resume time
    ledger.save_cursor("weibo", MonitorCursor(cursor='{"statuses": 9}', resume_at=NOW), NOW)
    # THEN weibo reads it back and x starts from nothing
    assert ledger.cursor("weibo") == MonitorCursor(cursor='{"statuses": 9}', resume_at=NOW)
    assert ledger.cursor("x") == MonitorCursor()


def test_the_queue_groups_a_thread_and_drops_a_repeated_post(mocked_aws) -> None:
    # GIVEN the posts FIFO queue
    sqs = boto3.client("sqs", region_name="eu-west-1")
    url = sqs.create_queue(QueueName="posts.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    queue = SocialPostQueue(sqs, url)
    root, reply = post("5001"), post("5002", in_reply_to_id="5001", thread_root_id="5001")
    # WHEN a monitor queues a root and its reply, and an overlapping run queues the root again
    assert queue.enqueue([root, reply], via="monitor:weibo") == 2
    queue.enqueue([root], via="monitor:weibo")
    # THEN two messages arrive, in one group (the thread), emoji intact
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["MessageGroupId"])
    messages = got["Messages"]
    assert [QueuedPost.from_message_body(m["Body"]).post.post_id for m in messages] == ["5001", "5002"]
    assert len({m["Attributes"]["MessageGroupId"] for m in messages}) == 1
    assert "👰" in QueuedPost.from_message_body(messages[0]["Body"]).post.text
