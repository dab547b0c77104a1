"""The social burst benchmark's counting, on a burst small enough for a test (bench/social_burst.py).

Counts only: the bench's timings depend on the machine and are printed by the bench, never asserted.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bench.social_burst import BurstPlan, BurstResult, plan_burst, report_lines, run_burst
from integrations.social.models import Delivery

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def small_burst() -> BurstResult:
    # 30 posts: 27 top-level (16 complaints), 3 replies under complaints, many authors with DMs closed
    plan = plan_burst(30, complaint_share=0.6, reply_share=0.1, closed_share=0.3, seed=7)
    # Two pollers, as Lambda runs concurrent invocations, so the duplicate counts mean something.
    return run_burst(plan, concurrency=2, timeout=120)


def keys(plan: BurstPlan, kind: str) -> set[str]:
    return {p.post.key for p in plan.posts if p.kind == kind}


def test_the_burst_is_planned_as_asked() -> None:
    # GIVEN a plan of 30 posts WHEN made THEN it has the asked mix, unique ids, replies in threads
    plan = plan_burst(30, complaint_share=0.6, reply_share=0.1, closed_share=0.3, seed=7, now=NOW)
    kinds = Counter(p.kind for p in plan.posts)
    assert kinds == Counter({"complaint": 16, "other": 11, "reply": 3})
    assert len({p.post.key for p in plan.posts}) == 30
    assert {p.post.platform for p in plan.posts} == {"weibo", "x", "mastodon"}
    assert {p.post.lang for p in plan.posts} == {"zh", "en"}
    assert len({p.post.text for p in plan.of_kind("complaint")}) > 8  # varied, not one text repeated
    for reply in plan.of_kind("reply"):
        assert reply.post.thread_key in keys(plan, "complaint")
    ages = [NOW - p.post.posted_at for p in plan.posts]
    assert all(timedelta(0) <= age <= timedelta(minutes=55) for age in ages)
    # AND a plan moved to a later moment keeps every post's age
    later = plan.retimed(NOW + timedelta(seconds=42))
    assert [later.now - p.post.posted_at for p in later.posts] == ages


def test_every_complaint_of_a_small_burst_is_contacted_once(small_burst: BurstResult) -> None:
    result, plan = small_burst, small_burst.plan
    complaints = keys(plan, "complaint")
    # THEN every complaint has exactly one message and one ticket, triaged with private_contact met
    assert set(result.contacted) == complaints
    assert result.not_contacted == []
    assert result.duplicate_messages == [] and result.duplicate_tickets == []
    assert result.tickets_by_external_id == Counter(dict.fromkeys(complaints, 1))
    assert result.contact_met == complaints
    # AND authors with DMs closed got the public invitation, the others a private message
    closed = {p.post.key for p in plan.of_kind("complaint") if p.dm_closed}
    public = {k for k, d in result.first_contact.items() if not d.private}
    assert closed and public == closed
    assert result.private_contacts == len(complaints) - len(closed)
    # AND non-complaints were archived, replies became comments on their thread's ticket, nothing else
    assert result.unhandled == []
    assert result.replies_on_ticket == keys(plan, "reply")
    assert result.unexpected_messages == [] and result.unexpected_tickets == []
    # AND every post has a "seen" time and every contact a latency
    assert set(result.seen_at) == {p.post.key for p in plan.posts}
    assert len(result.seen_to_contacted()) == len(result.posted_to_contacted()) == len(complaints)
    assert set(result.due_at) == complaints
    assert (result.queue_left, result.dead_letters) == (0, 0)
    assert result.ok


def test_the_report_prints_the_counts(small_burst: BurstResult) -> None:
    report = "\n".join(report_lines(small_burst))
    closed = sum(1 for p in small_burst.plan.of_kind("complaint") if p.dm_closed)
    assert "social burst: 30 posts" in report
    assert f"complaints          16 ({closed} by authors with DMs closed)" in report
    assert "non-complaints      11, archived 11" in report
    assert "replies in threads  3, commented on their ticket 3" in report
    assert f"contacted           16: private {16 - closed}, public {closed} " in report
    assert "not contacted       0" in report
    assert "duplicates          messages 0, tickets 0" in report
    assert "outreach concurrency 2" in report


def test_a_second_message_or_ticket_and_a_silent_complaint_are_counted() -> None:
    # GIVEN the results of a burst in which one post got two messages and two tickets, one none
    plan = plan_burst(10, complaint_share=0.5, reply_share=0.0, closed_share=0.0, seed=3, now=NOW)
    first, second, *rest = sorted(keys(plan, "complaint"))
    message = Delivery(route="direct_message", message_id="m1", sent_at=NOW, text="Hi")
    result = BurstResult(plan, concurrency=1)
    result.sent = {first: [message, message.model_copy(update={"message_id": "m2"})]}
    result.sent |= {key: [message] for key in rest}
    result.tickets_by_external_id = Counter({first: 2, **dict.fromkeys(rest, 1)})
    # WHEN counted THEN the duplicates and the complaint left without a message are found
    assert result.duplicate_messages == [first] and result.duplicate_tickets == [first]
    assert result.not_contacted == [second]
    assert not result.ok


# ---- the bench's fixes to its moto process -----------------------------------------------------------

# Transactions that succeed and fail (conditions, a put, an update and a delete before the failing
# one), on a table with a range key and one without, and a FIFO queue's deduplication and visibility;
# prints what moto answered and what it holds.
MOTO_SCENARIO = r"""
import json
import boto3
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import Item

with mock_aws():
    db = boto3.client("dynamodb", region_name="eu-west-1")
    for name, keys in (("ranged", ["pk", "sk"]), ("hashed", ["pk"])):
        db.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ["HASH", "RANGE"])],
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
            BillingMode="PAY_PER_REQUEST",
        )
    for number in range(50):
        db.put_item(TableName="ranged", Item={"pk": {"S": f"T#{number}"}, "sk": {"S": "R"}, "v": {"N": "1"}})

    def ranged(pk):
        return {"TableName": "ranged", "Key": {"pk": {"S": pk}, "sk": {"S": "R"}}}

    def put(table, pk, **extra):
        item = {"pk": {"S": pk}, "v": {"N": "1"}} | ({"sk": {"S": "R"}} if table == "ranged" else {})
        return {"Put": {"TableName": table, "Item": item, **extra}}

    def update(pk, value):
        return {"Update": {**ranged(pk), "UpdateExpression": "SET v = :v",
                           "ExpressionAttributeValues": {":v": {"N": value}}}}

    never = {"ConditionExpression": "v = :x", "ExpressionAttributeValues": {":x": {"N": "99"}}}
    transactions = [
        [put("ranged", "N#1", ConditionExpression="attribute_not_exists(pk)"), update("T#1", "2"),
         put("hashed", "H#1")],
        [update("T#1", "3"), put("ranged", "N#2"), put("hashed", "H#2"), {"Delete": ranged("T#2")},
         {"ConditionCheck": {**ranged("T#3"), **never}}],
        [{"Delete": ranged("T#4")}, put("hashed", "H#1", ConditionExpression="attribute_not_exists(pk)")],
        [put("ranged", "T#5"), update("T#5", "7")],
    ]
    answers = []
    for items in transactions:
        try:
            db.transact_write_items(TransactItems=items)
            answers.append("ok")
        except ClientError as exc:
            answers.append([exc.response["Error"]["Code"], exc.response.get("CancellationReasons")])
    stored = {t: sorted(json.dumps(i, sort_keys=True) for i in db.scan(TableName=t)["Items"])
              for t in ("ranged", "hashed")}

    # SQS FIFO: a repeated deduplication id is dropped, received messages hide, hidden ones return.
    sqs = boto3.client("sqs", region_name="eu-west-1")
    url = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    entries = [{"Id": str(n), "MessageBody": f"m{n % 4}", "MessageGroupId": f"g{n % 3}",
                "MessageDeduplicationId": f"d{n % 4}"} for n in range(6)]
    sqs.send_message_batch(QueueUrl=url, Entries=entries)

    def counts():
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]

    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    after_first = counts()
    for message in first:
        handle = message["ReceiptHandle"]
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    queue = {"first": [m["Body"] for m in first], "after_first": after_first,
             "again": [m["Body"] for m in again], "after_again": counts()}
    print(json.dumps({"answers": answers, "stored": stored, "queue": queue}, sort_keys=True))
    print(len(Item.instances_tracked))
"""


def run_scenario(fixed: bool) -> tuple[str, int]:
    import os
    import subprocess
    import sys

    from local.moto_fixes import in_children

    env_names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    with in_children(fixed):
        env = {**os.environ, **dict.fromkeys(env_names, "testing")}
        env.pop("AWS_ENDPOINT_URL", None)
        done = subprocess.run(
            [sys.executable, "-c", MOTO_SCENARIO], capture_output=True, text=True, env=env, timeout=120
        )
    assert done.returncode == 0, done.stderr
    state, tracked = done.stdout.splitlines()
    return state, int(tracked)


def test_the_fixed_moto_answers_and_stores_what_stock_moto_does() -> None:
    # GIVEN transactions that succeed and fail and a FIFO queue, on moto as it is and with the fixes
    stock, stock_tracked = run_scenario(fixed=False)
    fixed, fixed_tracked = run_scenario(fixed=True)
    # THEN the answers and the stored items are the same: failed transactions left nothing behind,
    # the queue dropped the same repeats and hid and showed the same messages
    assert fixed == stock
    assert '"ok"' in stock and "ConditionalCheckFailed" in stock and "ValidationException" in stock
    # AND the fixed moto keeps no item instance, where stock moto keeps its backups' copies of the
    # 50-item table (each of the 4 transactions copies it at least once)
    assert fixed_tracked == 0
    assert stock_tracked > 4 * 50


def test_the_fixed_moto_never_hands_out_a_group_twice_to_concurrent_long_polls() -> None:
    import threading
    import time

    import boto3

    from local.aws import MotoServerProcess
    from local.moto_fixes import in_children

    # GIVEN the bench's moto process and two pollers long-polling its empty FIFO queue
    with in_children(True):
        moto = MotoServerProcess()
    # Fake credentials of its own: the test must not depend on what an earlier test left in boto3.
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1"
    )
    with moto:
        sqs = session.client("sqs", endpoint_url=moto.endpoint_url)
        url = sqs.create_queue(
            QueueName="q.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "60"}
        )["QueueUrl"]
        groups, lock = 40, threading.Lock()
        in_flight: Counter[str] = Counter()
        twice: list[str] = []
        handled: list[str] = []

        def poll() -> None:
            client = session.client("sqs", endpoint_url=moto.endpoint_url)
            while len(handled) < 2 * groups:
                answer = client.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1)
                for message in answer.get("Messages", []):
                    group = message["Body"].split(":")[0]
                    with lock:
                        twice.extend([group] if in_flight[group] else [])
                        in_flight[group] += 1
                    time.sleep(0.005)  # handling it
                    with lock:
                        in_flight[group] -= 1
                        handled.append(message["Body"])
                    client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

        pollers = [threading.Thread(target=poll, daemon=True) for _ in range(2)]
        for poller in pollers:
            poller.start()
        # WHEN a post and its reply arrive per group, while both poll
        for group in range(groups):
            time.sleep(0.02)
            entries = [
                {
                    "Id": str(n),
                    "MessageBody": f"g{group}:{n}",
                    "MessageGroupId": f"g{group}",
                    "MessageDeduplicationId": f"g{group}-{n}",
                }
                for n in range(2)
            ]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        for poller in pollers:
            poller.join(timeout=120)
    # THEN every message was handled, and never while another of its group was (stock moto: every group)
    assert len(handled) == 2 * groups
    assert twice == []
