"""`build_connector`: the connector for one platform, importing only that platform's code.

Each platform module is imported inside the function, so a Lambda that watches Weibo never
imports tweepy or Mastodon.py (cold-start time and memory are paid per imported module).
Platforms without an API of ours (Xiaohongshu, Douyin, anything a listening tool pushes
through the inbound webhook) get a `ListeningToolConnector`: it offers no route, so the flow
alerts the social team to answer by hand.
"""

from __future__ import annotations

import re
from typing import Any

from integrations.social.connector import SocialConnector
from integrations.social.credentials import SocialCredentials

API_PLATFORMS = ("weibo", "x", "mastodon")
_PLATFORM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def build_connector(platform: str, credentials: SocialCredentials, **settings: Any) -> SocialConnector:
    """The connector for `platform`, built from its credentials plus connector `settings`.

    `settings` are the connector's keyword arguments (e.g. `fan_service_window_hours` for
    Weibo, from policies/social.yaml). A missing platform section raises
    `SocialCredentialsError`; a name that is not a platform name raises ValueError.
    """
    if platform == "weibo":
        from integrations.social.weibo import WeiboConnector

        weibo = credentials.require("weibo")
        return WeiboConnector(
            access_token=weibo.access_token,
            brand_uid=weibo.brand_uid,
            operator_ip=weibo.operator_ip,
            **settings,
        )
    if platform == "x":
        from integrations.social.x import XConnector

        x = credentials.require("x")
        return XConnector(
            bearer_token=x.bearer_token,
            consumer_key=x.consumer_key,
            consumer_secret=x.consumer_secret,
            access_token=x.access_token,
            access_token_secret=x.access_token_secret,
            brand_user_id=x.brand_user_id,
            **settings,
        )
    if platform == "mastodon":
        from integrations.social.mastodon import MastodonConnector

        mastodon = credentials.require("mastodon")
        return MastodonConnector(
            api_base_url=mastodon.api_base_url,
            access_token=mastodon.access_token,
            brand_account_id=mastodon.brand_account_id,
            **settings,
        )
    if not _PLATFORM_NAME.match(platform):
        raise ValueError(f"{platform!r} is not a platform name (lower-case letters, digits, _)")
    from integrations.social.inbound_webhook import ListeningToolConnector

    return ListeningToolConnector(platform, **settings)
