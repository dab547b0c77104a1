"""The one protocol every social platform is used through (architecture.md, "social facts").

`allowed_routes` says what the platform permits for this post *now* (e.g. Weibo's fan-service
reply only within 48 h of the @mention); the order of preference comes from policies/social.yaml,
and `send` may still raise `RouteClosed` when the platform refuses at send time (X: DMs closed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from integrations.social.models import Delivery, MentionsPage, RouteName, SocialPost


class SocialConnector(Protocol):
    platform: str

    def mentions(self, cursor: str | None, *, limit: int) -> MentionsPage:
        """Posts that mention or concern the brand, newer than `cursor`, oldest first, at most `limit`.

        The brand's own posts are left out. Raises `SocialRateLimited`, `SocialUnavailable`,
        `SocialAuthError` or `SocialPayloadError`.
        """
        ...

    def allowed_routes(self, post: SocialPost, now: datetime) -> frozenset[RouteName]:
        """The routes this platform permits for a first message to this post's author at `now`."""
        ...

    def send(self, post: SocialPost, route: RouteName, text: str) -> Delivery:
        """Send `text` to the post's author by `route`. Raises `RouteClosed`, `PostGone`,
        `SocialRateLimited`, `SocialUnavailable` or `SocialAuthError`."""
        ...


@runtime_checkable
class SentMessageLookup(Protocol):
    """A platform that can show the brand's own messages: how a run that stopped between the
    platform's acceptance and our record finds what it sent, instead of messaging the poster twice."""

    def sent_since(self, post: SocialPost, route: RouteName, since: datetime) -> Delivery | None:
        """The brand's message to this post's author by `route`, sent at or after `since`, if there
        is one. Raises `SocialRateLimited`, `SocialUnavailable` or `SocialAuthError`."""
        ...
