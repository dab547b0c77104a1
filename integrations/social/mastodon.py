"""Mastodon connector (Mastodon.py): mention notifications in, direct and public replies out.

- read: `GET /api/v1/notifications?types[]=mention` with `min_id` = the cursor and `limit`.
  `min_id` ("results immediately newer than this id") rather than `since_id` ("the newest
  results, back to this id"): when more than a page waits, `since_id` would hand out the
  newest page and the cursor would jump over the older ones; `min_id` walks forward from
  the cursor, so nothing is skipped. The cursor is the last consumed notification id;
- direct_message: a status with `visibility="direct"` that mentions `@acct`, in reply to the
  post: Mastodon delivers it to strangers too;
- public_reply: the same with `visibility` "unlisted" (default) or "public".
Sends carry an `Idempotency-Key` (post + route), so a retried send cannot post twice.

Mastodon.py is built with `ratelimit_method="throw"` (it never sleeps) and
`version_check_mode="none"` (it makes no call of its own to read the server's version).
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal, NoReturn

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)
from pydantic import SecretStr, ValidationError

from integrations.social._http import DEFAULT_TIMEOUT, ReadRetry, TimeoutSession, seconds_until
from integrations.social._paging import Candidate, id_order, select_oldest
from integrations.social._text import clean_text, html_to_text
from integrations.social.errors import (
    PostGone,
    RouteClosed,
    SocialAuthError,
    SocialError,
    SocialPayloadError,
    SocialRateLimited,
    SocialUnavailable,
)
from integrations.social.models import Delivery, MentionsPage, RouteName, SocialAuthor, SocialPost

logger = logging.getLogger(__name__)

PLATFORM = "mastodon"
MAX_PAGE_SIZE = 80  # notifications documents limit up to 80.
DEFAULT_RETRY_AFTER_SECONDS = 5 * 60  # Mastodon's API limits are counted in 5-minute windows.


def _now() -> datetime:
    return datetime.now(UTC)


class MastodonConnector:
    """The brand's account on one Mastodon instance; implements `SocialConnector`."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        api_base_url: str,
        access_token: SecretStr | str,
        brand_account_id: str | None = None,
        page_size: int = 40,
        max_pages: int = 10,
        public_visibility: Literal["unlisted", "public"] = "unlisted",
        timeout: float = DEFAULT_TIMEOUT[1],
        retry: ReadRetry | None = None,
        clock: Callable[[], datetime] = _now,
        session: requests.Session | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE or max_pages < 1:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE} and max_pages >= 1")
        if public_visibility not in ("unlisted", "public"):
            raise ValueError("public_visibility must be 'unlisted' or 'public'")
        token = access_token.get_secret_value() if isinstance(access_token, SecretStr) else access_token
        if not token:
            raise ValueError("access_token is required")
        self._base_url = api_base_url.rstrip("/")
        self._brand_account_id = brand_account_id
        self._page_size = page_size
        self._max_pages = max_pages
        self._public_visibility = public_visibility
        self._retry = retry or ReadRetry()
        self._clock = clock
        self._session = session or TimeoutSession(timeout)
        # Mastodon.py's rate-limit error carries no response: keep the last headers to read the reset.
        self._last_headers: Mapping[str, str] = {}
        self._session.hooks["response"].append(self._remember_headers)
        self._api = Mastodon(
            access_token=token,
            api_base_url=self._base_url,
            ratelimit_method="throw",
            version_check_mode="none",
            request_timeout=timeout,
            session=self._session,
        )

    def __repr__(self) -> str:
        return f"MastodonConnector(api_base_url={self._base_url!r})"

    def _remember_headers(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_headers = response.headers

    # ---- reading --------------------------------------------------------
    def mentions(self, cursor: str | None, *, limit: int) -> MentionsPage:
        brand_id = self._brand_id()
        candidates: list[Candidate] = []
        min_id = cursor
        for _ in range(self._max_pages):
            batch = self._retry(lambda min_id=min_id: self._read_page(min_id))
            page = [c for c in (self._candidate(n, brand_id) for n in batch) if c is not None]
            candidates.extend(page)
            posts = sum(1 for c in candidates if c.post is not None)
            if len(batch) < self._page_size or posts > limit or not page:
                break
            min_id = max((c.item_id for c in page), key=id_order)
        selection = select_oldest([candidates], limit)
        if not selection.last_ids:
            return MentionsPage(posts=[], cursor=cursor, more=False)
        # A full last page means more may wait even when every fetched post was returned.
        more = selection.more or len(batch) == self._page_size
        return MentionsPage(posts=selection.posts, cursor=selection.last_ids[PLATFORM], more=more)

    def _read_page(self, min_id: str | None) -> list[Any]:
        what = "GET /api/v1/notifications"
        try:
            batch = self._api.notifications(types=["mention"], min_id=min_id, limit=self._page_size)
        except MastodonError as exc:
            self._raise_mapped(exc, what, route=None)
        if not isinstance(batch, list):
            raise SocialPayloadError(f"mastodon {what}: body is not a list", platform=PLATFORM)
        return batch

    def _brand_id(self) -> str:
        """The brand's account id: from the credentials, else once from `verify_credentials`."""
        if self._brand_account_id is None:
            account = self._retry(self._verify_credentials)
            self._brand_account_id = str(account["id"])
        return self._brand_account_id

    def _verify_credentials(self) -> Any:
        try:
            return self._api.account_verify_credentials()
        except MastodonError as exc:
            self._raise_mapped(exc, "GET /api/v1/accounts/verify_credentials", route=None)

    def _candidate(self, notification: Any, brand_id: str) -> Candidate | None:
        if not isinstance(notification, dict) or not notification.get("id"):
            logger.warning("mastodon notification without an id skipped")
            return None
        nid = str(notification["id"])
        status = notification.get("status")
        at = _aware(notification.get("created_at"))
        post: SocialPost | None = None
        if not isinstance(status, dict) or not status.get("id"):
            logger.info("mastodon notification %s skipped: its status is gone", nid)
        elif str((status.get("account") or {}).get("id")) == brand_id:
            pass  # the brand's own post
        else:
            try:
                post = _post(status)
            except (ValidationError, KeyError, TypeError) as exc:
                logger.warning(
                    "mastodon notification %s skipped: unreadable status (%s)", nid, type(exc).__name__
                )
        return Candidate(stream=PLATFORM, item_id=nid, at=at or datetime(1970, 1, 1, tzinfo=UTC), post=post)

    # ---- routes ---------------------------------------------------------
    def allowed_routes(self, post: SocialPost, now: datetime) -> frozenset[RouteName]:
        return frozenset({"direct_message", "public_reply"}) if post.platform == PLATFORM else frozenset()

    def send(self, post: SocialPost, route: RouteName, text: str) -> Delivery:
        if route == "direct_message":
            visibility = "direct"
        elif route == "public_reply":
            visibility = self._public_visibility
        else:
            raise RouteClosed(f"mastodon has no {route} route", platform=PLATFORM, route=route)
        what = "POST /api/v1/statuses"
        try:
            # The mention is what delivers a direct status, and notifies on a public one.
            status = self._api.status_post(
                f"@{post.author.handle} {text}",
                in_reply_to_id=post.post_id,
                visibility=visibility,
                idempotency_key=f"{post.key}:{route}",
            )
        except MastodonError as exc:
            self._raise_mapped(exc, what, route=route)
        if not isinstance(status, dict) or not status.get("id"):
            raise SocialPayloadError(f"mastodon {what}: the created status has no id", platform=PLATFORM)
        sent_at = _aware(status.get("created_at")) or self._clock()
        return Delivery(route=route, message_id=str(status["id"]), sent_at=sent_at, text=text)

    # ---- errors ---------------------------------------------------------
    def _raise_mapped(self, exc: MastodonError, what: str, *, route: RouteName | None) -> NoReturn:
        """Raise our error for a Mastodon.py failure; messages never quote bodies or tokens."""
        status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        detail = exc.args[3] if len(exc.args) > 3 and isinstance(exc.args[3], str) else None
        message = f"mastodon {what}: " + (f"HTTP {status}" if status else type(exc).__name__)
        message += f" ({detail[:200]})" if detail else ""
        mapped: SocialError
        if isinstance(exc, MastodonRatelimitError):
            mapped = SocialRateLimited(message, platform=PLATFORM, retry_after=self._retry_after())
        elif isinstance(exc, MastodonUnauthorizedError):
            mapped = SocialAuthError(message, platform=PLATFORM, status=status)
        elif isinstance(exc, MastodonServerError | MastodonNetworkError):
            mapped = SocialUnavailable(message, platform=PLATFORM, status=status)
        elif isinstance(exc, MastodonNotFoundError) and route is not None:
            # "The post you are trying to reply to does not appear to exist" (deleted or hidden).
            mapped = PostGone(message, platform=PLATFORM, status=status)
        elif status == 403:
            mapped = (
                RouteClosed(message, platform=PLATFORM, route=route, status=status)
                if route
                else SocialAuthError(message, platform=PLATFORM, status=status)
            )
        elif isinstance(exc, MastodonAPIError) and status is None:
            mapped = SocialPayloadError(f"mastodon {what}: body is not JSON", platform=PLATFORM)
        else:
            mapped = SocialError(message, platform=PLATFORM, status=status)
        raise mapped from None

    def _retry_after(self) -> int:
        """Seconds to `X-RateLimit-Reset` (ISO 8601), measured on the server's own `Date` when sent."""
        reset = _iso(self._last_headers.get("X-RateLimit-Reset"))
        if reset is None:
            return DEFAULT_RETRY_AFTER_SECONDS
        server_now = _http_date(self._last_headers.get("Date")) or self._clock()
        return seconds_until(reset.timestamp(), server_now)


def _post(status: dict[str, Any]) -> SocialPost:
    account = status["account"]
    text = html_to_text(str(status.get("content") or ""))
    warning = status.get("spoiler_text")
    if isinstance(warning, str) and warning.strip():
        text = f"{clean_text(warning.strip())}\n\n{text}"  # the content warning is part of what was said
    name = account.get("display_name")
    posted_at = _aware(status.get("created_at"))
    if posted_at is None:
        raise KeyError("created_at")
    language = status.get("language")
    reply_to = status.get("in_reply_to_id")
    return SocialPost(
        platform=PLATFORM,
        post_id=str(status["id"]),
        author=SocialAuthor(
            id=str(account["id"]),
            handle=clean_text(str(account.get("acct") or "")),
            name=clean_text(name) if isinstance(name, str) and name else None,
        ),
        text=text,
        url=status.get("url") or status.get("uri"),
        posted_at=posted_at,
        lang=language if isinstance(language, str) else None,
        in_reply_to_id=str(reply_to) if reply_to else None,
    )


def _aware(value: Any) -> datetime | None:
    """Mastodon.py's parsed datetimes (local zone) or an ISO string, as UTC."""
    if isinstance(value, str):
        return _iso(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
