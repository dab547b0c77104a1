"""Social credentials from one JSON document, and building connectors with lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from integrations.social.credentials import (
    SocialCredentials,
    SocialCredentialsError,
    credentials_from_json,
    credentials_from_mapping,
)
from integrations.social.inbound_webhook import ListeningToolConnector
from integrations.social.models import SocialAuthor, SocialPost
from integrations.social.registry import build_connector

REPO = Path(__file__).resolve().parents[3]
DOCUMENT: dict[str, Any] = {
    "weibo": {"access_token": "weibo-SECRET", "brand_uid": "5000000001"},
    "x": {
        "bearer_token": "bearer-SECRET",
        "consumer_key": "ck-SECRET",
        "consumer_secret": "cs-SECRET",
        "access_token": "at-SECRET",
        "access_token_secret": "ats-SECRET",
        "brand_user_id": "1500000000000000001",
    },
    "mastodon": {"api_base_url": "https://social.example", "access_token": "mastodon-SECRET"},
}


def test_the_document_is_read_and_secrets_stay_hidden() -> None:
    credentials = credentials_from_json(json.dumps(DOCUMENT))
    assert credentials.require("weibo").brand_uid == "5000000001"
    assert credentials.require("x").bearer_token.get_secret_value() == "bearer-SECRET"
    shown = repr(credentials) + str(credentials) + credentials.model_dump_json()
    assert "SECRET" not in shown


def test_a_missing_platform_is_named() -> None:
    credentials = credentials_from_mapping({"weibo": DOCUMENT["weibo"]})
    with pytest.raises(SocialCredentialsError, match="'mastodon'"):
        credentials.require("mastodon")


def test_an_invalid_field_is_named_without_its_value() -> None:
    document = {"x": {**DOCUMENT["x"], "consumer_secret": "", "brand_user_id": "not-a-number"}}
    with pytest.raises(SocialCredentialsError) as failed:
        credentials_from_mapping(document)
    assert "x.consumer_secret" in str(failed.value)
    assert "x.brand_user_id" in str(failed.value)
    assert "SECRET" not in str(failed.value)


def test_a_document_that_is_not_json_is_refused_without_quoting_it() -> None:
    with pytest.raises(SocialCredentialsError, match="not valid JSON") as failed:
        credentials_from_json('{"weibo": {"access_token": "weibo-SECRET",')
    assert "SECRET" not in str(failed.value)


def test_each_api_platform_gets_its_connector_with_its_settings() -> None:
    credentials = SocialCredentials.model_validate(DOCUMENT)
    weibo = build_connector("weibo", credentials, fan_service_window_hours=48)
    x = build_connector("x", credentials)
    mastodon = build_connector("mastodon", credentials, public_visibility="public")
    assert [c.platform for c in (weibo, x, mastodon)] == ["weibo", "x", "mastodon"]
    assert type(weibo).__name__ == "WeiboConnector"


def test_the_weibo_operator_ip_in_the_credentials_enables_public_replies() -> None:
    # GIVEN Weibo credentials without, then with, the operator's public IP (Weibo's `rip`)
    post = SocialPost(
        platform="weibo",
        post_id="1",
        author=SocialAuthor(id="2", handle="h"),
        text="婚纱晚了",
        posted_at=datetime(2026, 11, 25, 2, 0, tzinfo=UTC),
    )
    now = post.posted_at + timedelta(minutes=5)
    plain = SocialCredentials.model_validate(DOCUMENT)
    without = build_connector("weibo", plain, fan_service_window_hours=48)
    with_ip = {**DOCUMENT, "weibo": {**DOCUMENT["weibo"], "operator_ip": "203.0.113.7"}}
    enabled = build_connector("weibo", SocialCredentials.model_validate(with_ip), fan_service_window_hours=48)
    # THEN only the connector that knows it may comment in public
    assert without.allowed_routes(post, now) == frozenset({"fan_service_reply"})
    assert enabled.allowed_routes(post, now) == frozenset({"fan_service_reply", "public_reply"})


def test_a_platform_without_credentials_cannot_be_built() -> None:
    credentials = credentials_from_mapping({"weibo": DOCUMENT["weibo"]})
    with pytest.raises(SocialCredentialsError, match="'x'"):
        build_connector("x", credentials)


def test_a_listening_only_platform_gets_a_connector_without_routes() -> None:
    connector = build_connector("xiaohongshu", SocialCredentials())
    assert isinstance(connector, ListeningToolConnector)
    assert connector.platform == "xiaohongshu"


def test_a_name_that_is_no_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="platform name"):
        build_connector("Weibo!", SocialCredentials())


def _modules_after(code: str) -> set[str]:
    """The top-level modules a fresh interpreter has imported after running `code`."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_building_the_weibo_connector_imports_neither_tweepy_nor_mastodon() -> None:
    document = json.dumps({"weibo": DOCUMENT["weibo"]})
    loaded = _modules_after(
        "from integrations.social.credentials import credentials_from_json\n"
        "from integrations.social.registry import build_connector\n"
        f"build_connector('weibo', credentials_from_json({document!r}), fan_service_window_hours=48)"
    )
    assert "integrations" in loaded
    assert "tweepy" not in loaded
    assert "mastodon" not in loaded


def test_importing_the_package_imports_nothing() -> None:
    loaded = _modules_after("import integrations.social")
    assert not {"pydantic", "requests", "tweepy", "mastodon"} & loaded
