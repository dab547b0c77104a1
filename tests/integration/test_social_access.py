"""Connectors built from the social secret (Secrets Manager on moto), once per platform."""

from __future__ import annotations

import json

import boto3

from functions.social_access import SocialConnectors
from infra.settings import SocialAccessSettings
from integrations.social.sandbox import SANDBOX_PLATFORMS, SandboxPlatform
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
        connectors = SocialConnectors(SocialAccessSettings(SOCIAL_CONNECTORS="sandbox"), SOCIAL)
        # THEN that is what the flow gets, and nothing for a platform not registered
        assert connectors("weibo") is sandbox
        assert connectors("x") is None
    finally:
        SANDBOX_PLATFORMS.clear()
