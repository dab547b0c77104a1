"""The connector for the sandbox platforms served over HTTP (`platform_server.py`): what a handler
in a process of its own uses in local runs. It answers as the real connectors do: 429 is
`SocialRateLimited` with its wait, 5xx and network failures are `SocialUnavailable` with the status
(None when no answer came), 403 closes the route, 404 means the post is gone.

Named by `SOCIAL_CONNECTOR_SOURCE=local.social.http_platform:connector_for`, with the server's
address in `LOCAL_SOCIAL_PLATFORMS_URL`.
"""

from __future__ import annotations

import importlib
import os
from datetime import datetime
from functools import cache
from typing import Any

import requests

from integrations.social.errors import PostGone, RouteClosed, SocialRateLimited, SocialUnavailable
from integrations.social.models import Delivery, MentionsPage, RouteName, SocialPost

URL_VARIABLE = "LOCAL_SOCIAL_PLATFORMS_URL"
CONNECTOR_SOURCE = "local.social.http_platform:connector_for"
TIMEOUT = (2.0, 5.0)


class HttpPlatform:
    """One sandbox platform behind `platform_server.py`; implements SocialConnector."""

    def __init__(self, base_url: str, platform: str) -> None:
        self.platform = platform
        self._url = f"{base_url.rstrip('/')}/{platform}"
        self._session = requests.Session()
        self._session.trust_env = False

    def mentions(self, cursor: str | None, *, limit: int) -> MentionsPage:
        return MentionsPage.model_validate(self._call("mentions", {"cursor": cursor, "limit": limit}))

    def allowed_routes(self, post: SocialPost, now: datetime) -> frozenset[RouteName]:
        body = self._call("routes", {"post": post.model_dump(mode="json"), "now": now.isoformat()})
        return frozenset(body["routes"])

    def send(self, post: SocialPost, route: RouteName, text: str) -> Delivery:
        body = self._call(
            "send", {"post": post.model_dump(mode="json"), "route": route, "text": text}, route=route
        )
        return Delivery.model_validate(body)

    def _call(
        self, action: str, payload: dict[str, Any], *, route: RouteName | None = None
    ) -> dict[str, Any]:
        what = f"sandbox {self.platform} {action}"
        try:
            response = self._session.post(f"{self._url}/{action}", json=payload, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise SocialUnavailable(f"{what}: {type(exc).__name__}", platform=self.platform) from None
        status = response.status_code
        if status == 200:
            return response.json()
        if status == 429:
            wait = int(response.headers.get("Retry-After") or 60)
            raise SocialRateLimited(f"{what}: 429", platform=self.platform, retry_after=wait)
        if status == 403 and route is not None:
            raise RouteClosed(f"{what}: 403", platform=self.platform, route=route, status=status)
        if status == 404:
            raise PostGone(f"{what}: 404", platform=self.platform, status=status)
        raise SocialUnavailable(f"{what}: {status}", platform=self.platform, status=status)


class HttpPlatformWithLookup(HttpPlatform):
    """A served platform whose production connector can show what the brand sent (SentMessageLookup)."""

    def sent_since(self, post: SocialPost, route: RouteName, since: datetime) -> Delivery | None:
        body = self._call(
            "sent", {"post": post.model_dump(mode="json"), "route": route, "since": since.isoformat()}
        )
        found = body.get("delivery")
        return None if found is None else Delivery.model_validate(found)


# The production connectors, to answer as they can: a stand-in that could always look up what was
# sent would hide the hand-off to people that Weibo and Mastodon get in production.
_PRODUCTION_CONNECTORS = {
    "weibo": ("integrations.social.weibo", "WeiboConnector"),
    "x": ("integrations.social.x", "XConnector"),
    "mastodon": ("integrations.social.mastodon", "MastodonConnector"),
}


def connector_for(platform: str) -> HttpPlatform | None:
    """The served sandbox platform of that name (SOCIAL_CONNECTOR_SOURCE in local worker processes)."""
    base_url = os.environ.get(URL_VARIABLE)
    return _platform(base_url, platform) if base_url else None


@cache
def _platform(base_url: str, platform: str) -> HttpPlatform:
    """One connection pool per platform and process."""
    module, name = _PRODUCTION_CONNECTORS.get(platform, ("", ""))
    production = getattr(importlib.import_module(module), name) if module else None
    if production is not None and hasattr(production, "sent_since"):
        return HttpPlatformWithLookup(base_url, platform)
    return HttpPlatform(base_url, platform)
