"""Weibo's error body, `{"error": ..., "error_code": ..., "request": ...}`, mapped to our error types.

Weibo documents its codes on its Error_code page: 1xxxx are system errors, 2xxxx service
errors, where the two digits after the 2 name the module (so 213xx is the OAuth module).
Only codes found in that table are mapped by number; anything else falls back on the
HTTP status. Messages carry Weibo's code and English text (never the token or our text).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from integrations.social.errors import (
    PostGone,
    RouteClosed,
    SocialAuthError,
    SocialError,
    SocialRateLimited,
    SocialUnavailable,
)

PLATFORM = "weibo"

# 10022 IP requests out of rate limit, 10023 User requests out of rate limit,
# 10024 User requests for (%s) out of rate limit, 20016 out of limit ("posting too often").
RATE_LIMIT_CODES = frozenset({10022, 10023, 10024, 20016})
# 10001 system error, 10002 service unavailable, 10003 remote service error,
# 10009 too many pending tasks, 10010 job expired, 10011 RPC error: Weibo's side, try later.
UNAVAILABLE_CODES = frozenset({10001, 10002, 10003, 10009, 10010, 10011})
# 10005 needs a higher-level appkey, 10014 insufficient app permissions: an operator must act,
# like for the OAuth module's 213xx (21327 expired_token, 21332 invalid_access_token, ...).
AUTH_CODES = frozenset({10005, 10014})
AUTH_MODULE = range(21300, 21400)
# 20003 user does not exist, 20101 target weibo does not exist, 20201 target comment does not exist.
GONE_CODES = frozenset({20003, 20101, 20201})
# 20112 not allowed to view this weibo (author's privacy), 20206 the author only allows
# followers to comment, 20207 the author only allows trusted users to comment.
REFUSED_CODES = frozenset({20112, 20206, 20207})


def error_parts(body: Any) -> tuple[int | None, str | None]:
    """Weibo's `error_code` (sent as a number or a string) and `error` text, if the body has them."""
    if not isinstance(body, dict):
        return None, None
    raw_code, text = body.get("error_code"), body.get("error")
    try:
        code = int(raw_code) if raw_code is not None else None
    except (TypeError, ValueError):
        code = None
    return code, text if isinstance(text, str) else None


def seconds_to_next_hour(now: datetime) -> int:
    """Weibo counts its limits per clock hour and sends no reset header: wait for the next hour."""
    top = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return max(1, math.ceil((top - now).total_seconds()))


def error_for(status: int, body: Any, *, what: str, now: datetime, route: str | None = None) -> SocialError:
    """The typed error for a failed call; `route` is set for sends (refusals become `RouteClosed`)."""
    code, text = error_parts(body)
    message = (
        f"weibo {what}: HTTP {status}"
        + (f" error_code {code}" if code else "")
        + (f" ({text})" if text else "")
    )
    if code in RATE_LIMIT_CODES or status == 429:
        return SocialRateLimited(
            message, platform=PLATFORM, retry_after=seconds_to_next_hour(now), status=status
        )
    if code in AUTH_CODES or (code is not None and code in AUTH_MODULE) or status == 401:
        return SocialAuthError(message, platform=PLATFORM, status=status)
    if code in UNAVAILABLE_CODES or (status >= 500 and code is None):
        return SocialUnavailable(message, platform=PLATFORM, status=status)
    if route is not None and code in GONE_CODES:
        return PostGone(message, platform=PLATFORM, status=status)
    if route is not None and code in REFUSED_CODES:
        return RouteClosed(message, platform=PLATFORM, route=route, status=status)
    if route == "fan_service_reply" and 400 <= status < 500:
        # The fan-service docs name its refusals (no message quota left, the user unfollowed,
        # the 48 h after the @mention are over) but publish no codes for them: any other
        # refusal of this route means "use the next route".
        return RouteClosed(message, platform=PLATFORM, route=route, status=status)
    if status >= 500:
        return SocialUnavailable(message, platform=PLATFORM, status=status)
    return SocialError(message, platform=PLATFORM, status=status)
