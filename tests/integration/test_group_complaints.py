"""Group complaints (R-GRADE-1b, issue 18) through the triage Lambda, moto and the Zendesk sandbox:
the same product failing the same way joins, in any words; unrelated safety complaints never do."""

from __future__ import annotations

from policies.engine import TriageEngine
from tests.integration.triage_stack import Stack, event_body, invoke, new_ticket, sqs_record

GROUP = TriageEngine.from_directory().policy.alerting.group_complaint

UNRELATED_SAFETY = [
    ("充电器漏电", "刚买的充电器插上就漏电，手被电了一下，现在还麻"),
    ("面包吃坏了", "吃了你们家的全麦面包，一家三口晚上都拉肚子"),
    (
        "Kettle base smoking",
        "The kettle base started smoking while boiling water, the kitchen smelled of burnt plastic.",
    ),
    ("玩具零件", "积木的小零件脱落了，孩子差点吞下去，太危险了"),
    (
        "Knife packaging",
        "Opened the knife set and the blade had cut through the packaging: it cut my hand, four stitches.",
    ),
    ("取暖器起火", "小太阳取暖器用了半小时突然起火了，幸好人在旁边"),
]

ONE_POWER_BANK_FAILURE = [
    ("充电宝鼓包", "买的充电宝才用一周就鼓包了，外壳都撑开了"),
    ("移动电源太烫", "这个移动电源充电的时候烫得根本拿不住"),
    ("Power bank", "My power bank got too hot to hold while charging my phone, had to drop it."),
    ("行動電源冒煙", "行動電源充電時冒煙，還有一股燒焦味"),
    ("Smoke from power bank", "the powerbank started smoking in my bag on the train!!"),
    ("充电宝发烫冒烟", "充电宝一插上就发烫，接着冒烟，吓死了"),
]


# One warning copied by customers word for word, naming no product (a post passed around).
COPIED_WARNING = (
    "用了不到十分钟就开始冒烟，还有一股很浓的焦糊味，吓得我赶紧关掉了，大家千万别再买了，商家到现在都不回复"
)
UNRELATED_UNNAMED = [
    "用了两天外壳就开始冒烟，还有焦味，赶紧拔了，差点出事",
    "It started smoking after ten minutes and the whole room smelled of burning plastic, never again",
    "昨晚插着电突然冒出火花，墙上都熏黑了一块，太吓人了，必须给个说法",
    "第一次用就闻到烧焦的味道，打开一看里面的线都烧黑了，质量太差",
    "Sparks flew out of the back while my kid was using it, we unplugged it right away, dangerous",
    "才买一周，用的时候突然冒黑烟，家里老人吓坏了，要求退货并赔偿",
]


def _handle_all(stack: Stack, tickets: list[int]) -> None:
    """Each ticket's created event, then every event the triage queued (group raises) until none is left."""
    for n, ticket_id in enumerate(tickets):
        assert invoke(sqs_record(event_body(ticket_id, f"ev-{n}"), group=str(ticket_id))) == {
            "batchItemFailures": []
        }
    while True:
        got = stack.sqs.receive_message(QueueUrl=stack.queue_url, MaxNumberOfMessages=10)
        messages = got.get("Messages", [])
        if not messages:
            return
        for message in messages:
            group_id = message.get("Attributes", {}).get("MessageGroupId", "group")
            assert invoke(sqs_record(message["Body"], group=group_id)) == {"batchItemFailures": []}
            stack.sqs.delete_message(QueueUrl=stack.queue_url, ReceiptHandle=message["ReceiptHandle"])


def _group_tags(stack: Stack, ticket_id: int) -> list[str]:
    return [t for t in stack.zendesk.get_ticket(ticket_id)["tags"] if t.startswith("complaint_group_")]


def test_six_unrelated_safety_complaints_are_not_a_group(stack: Stack) -> None:
    # GIVEN six customers, each with a different product hurting them a different way, within the hour
    tickets = [
        new_ticket(stack, subject, body, requester=f"customer{n}@example.com")
        for n, (subject, body) in enumerate(UNRELATED_SAFETY)
    ]
    # WHEN the plugin triages them all
    _handle_all(stack, tickets)
    # THEN each is urgent on its own (R-GRADE-1a), and none is called a group complaint
    assert [stack.zendesk.get_ticket(t)["priority"] for t in tickets] == ["urgent"] * len(tickets)
    assert [_group_tags(stack, t) for t in tickets] == [[]] * len(tickets)
    assert [len(stack.plugin_writes(t)) for t in tickets] == [1] * len(tickets)


def test_one_power_bank_failing_one_way_in_six_wordings_is_one_group(stack: Stack) -> None:
    # GIVEN six customers describing one power bank overheating, swelling or smoking, in three scripts
    assert len(ONE_POWER_BANK_FAILURE) > GROUP.min_customers
    tickets = [
        new_ticket(stack, subject, body, requester=f"buyer{n}@example.com")
        for n, (subject, body) in enumerate(ONE_POWER_BANK_FAILURE)
    ]
    # WHEN the plugin triages them all (and the raises the group queues)
    _handle_all(stack, tickets)
    # THEN every one is in the same readable group, urgent, and noted with the others' words
    assert {tuple(_group_tags(stack, t)) for t in tickets} == {("complaint_group_power_bank__overheating",)}
    assert {stack.zendesk.get_ticket(t)["priority"] for t in tickets} == {"urgent"}
    first_notes = [c["body"] for c in stack.zendesk.list_comments(tickets[0]) if not c["public"]]
    assert any("power bank" in body and "拿不住" in body for body in first_notes)
    # AND a member written when the group already existed got one write; the earlier ones at most two
    assert [len(stack.plugin_writes(t)) for t in tickets[GROUP.min_customers :]] == [1]
    assert max(len(stack.plugin_writes(t)) for t in tickets) <= 2


def test_near_identical_reports_naming_no_product_join_and_different_words_do_not(stack: Stack) -> None:
    # GIVEN five customers posting one warning word for word (a little punctuation aside), naming no
    # product, and six more describing a fire sign each in their own words, also naming none
    copied = [
        new_ticket(stack, "千万别买", COPIED_WARNING + "！" * (n % 2), requester=f"copier{n}@example.com")
        for n in range(GROUP.min_customers)
    ]
    unrelated = [
        new_ticket(stack, "冒烟", body, requester=f"other{n}@example.com")
        for n, body in enumerate(UNRELATED_UNNAMED)
    ]
    # WHEN the plugin triages them all
    _handle_all(stack, copied + unrelated)
    # THEN the copies are one group under a near-identical bucket (alerting.yaml near_identical)
    tags = {tuple(_group_tags(stack, t)) for t in copied}
    assert len(tags) == 1 and next(iter(tags))[0].startswith("complaint_group_similar_")
    # AND reports in different words are no group: a bare safety flag never groups
    assert [_group_tags(stack, t) for t in unrelated] == [[]] * len(unrelated)
