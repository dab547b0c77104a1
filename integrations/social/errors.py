"""Typed failures of the social connectors: the caller decides from the type alone.

- `SocialRateLimited`: wait `retry_after` seconds (the platform said so, or its reset header did);
- `SocialUnavailable`: a 5xx or a network failure; retry later;
- `RouteClosed`: this route cannot reach this author (DMs closed, not a follower, window over):
  try the next route;
- `PostGone`: the post was deleted or hidden; there is nobody to answer there;
- `SocialAuthError`: the token is missing, wrong or expired: an operator must act;
- `SocialPayloadError`: the platform (or a listening tool) sent something we cannot read.
Messages name the platform and the API path, never tokens or message text.
"""

from __future__ import annotations


class SocialError(Exception):
    def __init__(self, message: str, *, platform: str, status: int | None = None) -> None:
        super().__init__(message)
        self.platform = platform
        self.status = status


class SocialRateLimited(SocialError):
    def __init__(self, message: str, *, platform: str, retry_after: int, status: int | None = 429) -> None:
        super().__init__(message, platform=platform, status=status)
        self.retry_after = max(1, int(retry_after))


class SocialUnavailable(SocialError):
    pass


class RouteClosed(SocialError):
    def __init__(self, message: str, *, platform: str, route: str, status: int | None = None) -> None:
        super().__init__(message, platform=platform, status=status)
        self.route = route


class PostGone(SocialError):
    pass


class SocialAuthError(SocialError):
    pass


class SocialPayloadError(SocialError):
    pass
