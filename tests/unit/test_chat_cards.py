"""Chat cards, signatures, ack links and credentials (issue 17), without a network."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from integrations.chat.ack_link import AckLinkInvalid, ack_url, verify
from integrations.chat.cards import SLACK_SECTION_CHARS, WECOM_MARKDOWN_BYTES, ChatCard, payload
from integrations.chat.credentials import ChatCredentials, ChatCredentialsError
from integrations.chat.signing import dingtalk_sign, feishu_sign

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_long_alerts_stay_within_each_platforms_limits() -> None:
    # GIVEN an alert far longer than WeCom's 4,096-byte markdown and Slack's 3,000-character section
    card = ChatCard(
        title="[L1] 群体投诉", text="充电宝鼓包冒烟。" * 800, language="zh", ack_url="https://a/ack"
    )
    # WHEN it is made into each platform's message THEN each fits, and the ack link survives the cut
    wecom = payload("wecom", card)["markdown"]["content"]
    assert len(wecom.encode()) <= WECOM_MARKDOWN_BYTES and wecom.endswith("(https://a/ack)")
    slack = payload("slack", card)
    assert len(slack["blocks"][1]["text"]["text"]) <= SLACK_SECTION_CHARS
    assert slack["blocks"][2]["elements"][0]["url"] == "https://a/ack"


def test_an_escalated_card_says_so_in_its_title() -> None:
    card = ChatCard(title="Safety incident", text="x", language="en", escalation=2)
    assert payload("dingtalk", card)["markdown"]["title"] == "[escalation 2] Safety incident"


def test_signatures_follow_each_platforms_documented_recipe() -> None:
    # DingTalk: the key is the secret, the message "timestamp\nsecret"; Feishu: the key is
    # "timestamp\nsecret", the message empty. Both HMAC-SHA256, base64.
    ding = hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()
    lark = hmac.new(b"1700000000\nSEC123", b"", hashlib.sha256).digest()
    assert dingtalk_sign("SEC123", 1700000000000) == base64.b64encode(ding).decode()
    assert feishu_sign("SEC123", 1700000000) == base64.b64encode(lark).decode()
    assert dingtalk_sign("SEC123", 1700000000000) != feishu_sign("SEC123", 1700000000)


def test_an_ack_link_with_a_non_ascii_signature_is_refused_not_a_crash() -> None:
    url = ack_url("https://p", "s", "a1", "c1", NOW, timedelta(hours=1))
    query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    with pytest.raises(AckLinkInvalid, match="signature"):
        verify({**query, "sig": "签名"}, "s", NOW)
    assert verify(query, "s", NOW).alert_id == "a1"


def test_credentials_name_the_missing_channel_and_never_echo_secrets() -> None:
    credentials = ChatCredentials.from_json(
        '{"ack_secret": "hush", "channels": {"a": {"webhook_url": "https://x/secret-token"}}}'
    )
    assert credentials.for_channel("a").webhook_url == "https://x/secret-token"
    with pytest.raises(ChatCredentialsError, match="'b'"):
        credentials.for_channel("b")
    with pytest.raises(ChatCredentialsError) as broken:
        ChatCredentials.from_json('{"channels": {"a": {"webhook_url": "https://x/secret-token"}}}')
    assert "ack_secret" in str(broken.value) and "secret-token" not in str(broken.value)
    assert "secret-token" not in repr(credentials)


def test_channels_yaml_must_give_every_used_platform_a_send_limit() -> None:
    import pytest
    from pydantic import ValidationError

    from policies.channels import ChannelsPolicy
    from policies.engine import TriageEngine

    # GIVEN the shipped channels policy without Slack's per-bot limit
    shipped = TriageEngine.from_directory().policy.channels.model_dump()
    shipped["send_limits_per_minute"].pop("slack")
    # WHEN it is read THEN the error names the platform left without a limit
    with pytest.raises(ValidationError, match="lacks the platforms \\['slack'\\]"):
        ChannelsPolicy.model_validate(shipped)
