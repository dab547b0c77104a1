"""Connectors built from the social secret (Secrets Manager on moto), once per platform."""

from __future__ import annotations

import json

import boto3
import pytest

from functions.social_access import SocialConnectors
from infra.settings import SocialAccessSettings
from local.social.sandbox import CONNECTOR_SOURCE, SANDBOX_PLATFORMS, SandboxPlatform
from policies.loader import load_social_policy

SOCIAL = load_social_policy()


def test_live_connectors_come_from_the_secret_and_are_built_once(mocked_aws) -> None:
    # GIVEN the social secret holding Weibo's credentials only
    secrets = boto3.client("secretsmanager", region_name="eu-west-1")
    secrets.create_secret(
        Name="social",
        SecretString=json.dumps({"weibo": {"access_token": "t0ken", "brand_uid": "5000000001"}}),
    )
    connectors = SocialConnectors(SocialAccessSettings(SOCIAL_SECRET_NAME="social"), SOCIAL)
    # WHEN the flow asks for platforms
    weibo = connectors("weibo")
    # THEN Weibo is built once and reused; a listening-tool platform has no connector
    assert weibo is not None and weibo.platform == "weibo" and connectors("weibo") is weibo
    assert connectors("xiaohongshu") is None


def test_local_runs_use_the_sandbox_platforms() -> None:
    # GIVEN a sandbox Weibo registered by the local product
    sandbox = SandboxPlatform("weibo", SOCIAL.platform("weibo").routes)
    SANDBOX_PLATFORMS["weibo"] = sandbox
    try:
        connectors = SocialConnectors(SocialAccessSettings(SOCIAL_CONNECTOR_SOURCE=CONNECTOR_SOURCE), SOCIAL)
        # THEN that is what the flow gets, and nothing for a platform not registered
        assert connectors("weibo") is sandbox
        assert connectors("x") is None
    finally:
        SANDBOX_PLATFORMS.clear()


def test_a_connector_source_that_is_not_a_function_is_a_clear_error() -> None:
    # GIVEN a source naming something that is not callable
    settings = SocialAccessSettings(SOCIAL_CONNECTOR_SOURCE="local.social.sandbox:CONNECTOR_SOURCE")
    # WHEN the connectors are built THEN the error names the setting and what is wrong
    with pytest.raises(ValueError, match=r"SOCIAL_CONNECTOR_SOURCE.*not a function"):
        SocialConnectors(settings, SOCIAL)
