"""Alerts in chat (issue 17): each platform's card, signature and answers, against local stand-ins
that check them as documented; delivery, escalation and acknowledgement on moto's DynamoDB."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.notifier.alert_delivery import AlertDelivery
from infra.alert_log import AlertLog
from infra.complaints import TABLE_SCHEMA
from integrations.chat.ack_link import AckLinkInvalid, verify
from integrations.chat.cards import ChatCard
from integrations.chat.credentials import ChatCredentials
from integrations.chat.sender import ChannelCredentials, ChatRateLimited, ChatRejected, ChatSender
from local.chat.sandbox import ChatSandbox
from policies.engine import TriageEngine

CHANNELS = TriageEngine.from_directory().policy.channels
START = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ALERT = {
    "text": "[L1] Safety incident: ticket 42\n人身安全事件 / Safety incident (R-GRADE-1a)\n"
    "“热水器漏电，手都麻了”\nhttps://acme.zendesk.com/agent/tickets/42",
    "cause": "safety_incident",
    "level": 1,
    "ticket_id": 42,
    "topic": "critical",
}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def chat(clock: Clock) -> Iterator[ChatSandbox]:
    with ChatSandbox(clock=clock.seconds) as sandbox:
        yield sandbox


CARD = ChatCard(
    title="[L1] Safety incident",
    text="“热水器漏电”",
    language="zh",
    ticket_url="https://t/42",
    ack_url="https://a/ack",
)


# ---- each platform as documented -----------------------------------------------------------


@pytest.mark.parametrize("platform", ["dingtalk", "feishu", "wecom", "slack"])
def test_each_platform_accepts_the_card_the_sender_builds(
    chat: ChatSandbox, clock: Clock, platform: str
) -> None:
    # GIVEN a bot of the platform (DingTalk and Feishu with signing on)
    add = getattr(chat, f"add_{platform}")
    url = add("room", "SECsecret") if platform in ("dingtalk", "feishu") else add("room")
    credentials = ChannelCredentials(url, "SECsecret" if platform in ("dingtalk", "feishu") else None)
    # WHEN the sender posts a card to it
    ChatSender(clock=clock.seconds).send("room", platform, credentials, CARD)  # type: ignore[arg-type]
    # THEN the stand-in accepted it, with the acknowledgement link in it
    [message] = chat.messages["room"]
    assert "https://a/ack" in str(message)


@pytest.mark.parametrize(("platform", "code"), [("dingtalk", "310000"), ("feishu", "19021")])
def test_a_tampered_signature_is_refused_for_good(
    chat: ChatSandbox, clock: Clock, platform: str, code: str
) -> None:
    # GIVEN a signing bot, and a sender holding another secret
    url = getattr(chat, f"add_{platform}")("room", "SECright")
    # WHEN the sender posts THEN the platform refuses it, and nothing arrived
    with pytest.raises(ChatRejected, match=code):
        ChatSender(clock=clock.seconds).send("room", platform, ChannelCredentials(url, "SECwrong"), CARD)  # type: ignore[arg-type]
    assert chat.messages["room"] == []


def test_a_stale_timestamp_is_refused(chat: ChatSandbox, clock: Clock) -> None:
    url = chat.add_dingtalk("room", "SECs")
    # GIVEN a sender whose clock is two hours behind the platform's
    late = ChatSender(clock=lambda: clock.seconds() - 7200)
    with pytest.raises(ChatRejected, match="310000"):
        late.send("room", "dingtalk", ChannelCredentials(url, "SECs"), CARD)


def test_rate_limits_are_reported_with_the_wait(chat: ChatSandbox, clock: Clock) -> None:
    sender = ChatSender(clock=clock.seconds)
    ding = ChannelCredentials(chat.add_dingtalk("d", "SECd"), "SECd")
    wecom = ChannelCredentials(chat.add_wecom("w"), None)
    slack = ChannelCredentials(chat.add_slack("s"), None)
    # GIVEN 20 messages in a minute to a DingTalk robot and to a WeCom robot, one to Slack
    for _ in range(20):
        sender.send("d", "dingtalk", ding, CARD)
        sender.send("w", "wecom", wecom, CARD)
    sender.send("s", "slack", slack, CARD)
    # WHEN one more is sent at once THEN each says rate limited and for how long (DingTalk: 10 min)
    with pytest.raises(ChatRateLimited) as ding_wait:
        sender.send("d", "dingtalk", ding, CARD)
    with pytest.raises(ChatRateLimited) as wecom_wait:
        sender.send("w", "wecom", wecom, CARD)
    with pytest.raises(ChatRateLimited) as slack_wait:
        sender.send("s", "slack", slack, CARD)
    assert (ding_wait.value.retry_after, wecom_wait.value.retry_after, slack_wait.value.retry_after) == (
        600,
        60,
        1,
    )


def test_an_unknown_webhook_is_refused_and_the_error_hides_the_url(chat: ChatSandbox, clock: Clock) -> None:
    url = chat.add_wecom("w").replace("key=", "key=forged")
    with pytest.raises(ChatRejected) as refused:
        ChatSender(clock=clock.seconds).send("w", "wecom", ChannelCredentials(url), CARD)
    assert "93000" in str(refused.value) and "forged" not in str(refused.value)


# ---- delivery, escalation, acknowledgement -------------------------------------------------


@pytest.fixture
def delivery(chat: ChatSandbox, clock: Clock, mocked_aws: None) -> tuple[AlertDelivery, ChatSandbox]:
    table = boto3.resource("dynamodb", region_name="eu-west-1").create_table(
        TableName="complaints", **TABLE_SCHEMA
    )
    hooks = chat.bots_for(CHANNELS.channels, "SECsigned")
    credentials = ChatCredentials.from_json({"ack_secret": "ack-secret", "channels": hooks})
    return (
        AlertDelivery(
            CHANNELS,
            AlertLog(table),
            ChatSender(clock=clock.seconds),
            lambda: credentials,
            "https://plugin.example",
            clock,
        ),
        chat,
    )


def _ack_query(message: Any) -> dict[str, str]:
    link = next(m for m in re.findall(r"https?://[A-Za-z0-9./?=&%_:-]+", str(message)) if "/alerts/ack?" in m)
    return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(link).query).items()}


def test_a_critical_alert_reaches_its_channels_once_and_climbs_the_ladder_until_acknowledged(
    delivery: tuple[AlertDelivery, ChatSandbox], clock: Clock
) -> None:
    notifier, chat = delivery
    # WHEN a safety incident is delivered, and the same message comes again (SQS redelivery)
    assert notifier.deliver("sns-1", ALERT) == ["pr_compliance", "global_pr"]
    assert notifier.deliver("sns-1", ALERT) == []
    # THEN PR's DingTalk group and Slack each got one card with the customer's words and an ack link
    assert [len(chat.messages[c]) for c in ("pr_compliance", "global_pr")] == [1, 1]
    assert "热水器漏电" in str(chat.messages["pr_compliance"][0])
    # WHEN nobody acknowledges before the policy's minutes THEN nothing climbs yet
    clock.now += timedelta(minutes=CHANNELS.escalation.ack_minutes - 1)
    assert notifier.escalate() == []
    # WHEN the minutes pass THEN the supervisors' Feishu group gets it as escalation 1, then compliance
    clock.now += timedelta(minutes=1)
    assert notifier.escalate() == [("sns-1", "supervisors")]
    clock.now += timedelta(minutes=CHANNELS.escalation.ack_minutes)
    assert notifier.escalate() == [("sns-1", "compliance_head")]
    assert "升级" in str(chat.messages["supervisors"][0])
    # WHEN the head of compliance acknowledges from the card's link
    claim = verify(_ack_query(chat.messages["compliance_head"][0]), "ack-secret", clock.now)
    ack = notifier.acknowledge(claim, by="Wang Li")
    # THEN who and when are recorded, and nothing escalates any more
    assert (ack.by, ack.channel, ack.at, ack.first, ack.ticket_id) == (
        "Wang Li",
        "compliance_head",
        clock.now,
        True,
        42,
    )
    clock.now += timedelta(hours=1)
    assert notifier.escalate() == []
    # AND the same link used again changes nothing: the first acknowledgement stands
    again = notifier.acknowledge(claim, by="Someone Else")
    assert (again.by, again.first) == ("Wang Li", False)


def test_the_ladder_ends_after_max_steps(delivery: tuple[AlertDelivery, ChatSandbox], clock: Clock) -> None:
    notifier, _ = delivery
    notifier.deliver("sns-2", ALERT)
    climbed = []
    for _ in range(CHANNELS.escalation.max_steps + 3):
        clock.now += timedelta(minutes=CHANNELS.escalation.ack_minutes)
        climbed += notifier.escalate()
    assert [c for _, c in climbed] == CHANNELS.escalation.ladder[: CHANNELS.escalation.max_steps]


def test_a_team_leads_alert_needs_no_acknowledgement(
    delivery: tuple[AlertDelivery, ChatSandbox], clock: Clock
) -> None:
    notifier, chat = delivery
    notifier.deliver("sns-3", {**ALERT, "topic": "sla", "cause": "sla_breach"})
    assert len(chat.messages["team_leads"]) == 1 and "/alerts/ack" not in str(chat.messages["team_leads"][0])
    clock.now += timedelta(hours=2)
    assert notifier.escalate() == []


def test_ack_links_cannot_be_forged_moved_or_kept_alive(
    delivery: tuple[AlertDelivery, ChatSandbox], clock: Clock
) -> None:
    notifier, chat = delivery
    notifier.deliver("sns-4", ALERT)
    query = _ack_query(chat.messages["pr_compliance"][0])
    # a link for another alert, another channel, a forged signature, or past its expiry is refused
    for changed, reason in (
        ({"alert": "sns-9"}, "signature"),
        ({"channel": "global_pr"}, "signature"),
        ({"sig": "0" * 64}, "signature"),
        ({"expires": str(int(query["expires"]) + 3600)}, "signature"),
    ):
        with pytest.raises(AckLinkInvalid, match=reason):
            verify({**query, **changed}, "ack-secret", clock.now)
    with pytest.raises(AckLinkInvalid, match="expired"):
        verify(
            query, "ack-secret", clock.now + timedelta(hours=CHANNELS.escalation.link_valid_hours, seconds=1)
        )
    with pytest.raises(AckLinkInvalid, match="lacks sig"):
        verify({k: v for k, v in query.items() if k != "sig"}, "ack-secret", clock.now)
