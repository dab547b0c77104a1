"""X connector (tweepy): mentions of the brand in, DMs and public replies out.

- read: `GET /2/users/:id/mentions` with the app-only bearer token, `since_id`,
  `pagination_token`, `max_results`, `tweet.fields`, `expansions=author_id`, `user.fields`;
  X pages from the newest down to `since_id`, so every page is read (up to `max_pages`) and
  the oldest `limit` are returned. The cursor is the last consumed tweet id (the page's
  `newest_id` once everything is consumed);
- direct_message: `POST /2/dm_conversations/with/:participant_id/messages` (OAuth 1.0a user
  context). X delivers only if the author follows the brand or has open DMs: 403 → RouteClosed;
- public_reply: `POST /2/tweets` with `reply.in_reply_to_tweet_id`.

tweepy never sleeps here (`wait_on_rate_limit=False`): a 429 becomes `SocialRateLimited` with the
wait taken from `x-rate-limit-reset`. tweepy sends without a timeout, so it gets a session that
has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import requests
import tweepy
from pydantic import SecretStr, ValidationError

from integrations.social._http import DEFAULT_TIMEOUT, ReadRetry, TimeoutSession, seconds_until
from integrations.social._paging import Candidate, select_oldest
from integrations.social._text import clean_text
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

# tweepy logs every request's headers at DEBUG (the bearer token), and oauthlib/requests-oauthlib
# log the OAuth 1.0a parameters: keep those loggers above DEBUG whatever the root level is.
for _name in ("tweepy.client", "oauthlib", "requests_oauthlib"):
    logging.getLogger(_name).setLevel(logging.INFO)

PLATFORM = "x"
TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "lang", "referenced_tweets", "note_tweet"]
USER_FIELDS = ["username", "name"]
# Our clock and X's may differ a little: a message stamped this much before we recorded the send counts.
SENT_CLOCK_MARGIN = timedelta(minutes=2)
SENT_LOOKUP_PAGE = 100  # X's max_results for both lookups; one page covers any send window
DEFAULT_RETRY_AFTER_SECONDS = 15 * 60  # X counts its limits in 15-minute windows.
_AUTH_PROBLEMS = ("client-forbidden", "unsupported-authentication", "oauth1-permissions")
_GONE_PHRASE = "deleted or not visible"


def _now() -> datetime:
    return datetime.now(UTC)


class XConnector:
    """The brand's X account; implements `SocialConnector`."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        bearer_token: SecretStr | str,
        consumer_key: SecretStr | str,
        consumer_secret: SecretStr | str,
        access_token: SecretStr | str,
        access_token_secret: SecretStr | str,
        brand_user_id: str,
        page_size: int = 100,
        max_pages: int = 10,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retry: ReadRetry | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if not 5 <= page_size <= 100 or max_pages < 1:
            raise ValueError("page_size must be 5..100 (X's max_results) and max_pages >= 1")
        if not brand_user_id:
            raise ValueError("brand_user_id is required")
        self._brand_user_id = str(brand_user_id)
        self._page_size = page_size
        self._max_pages = max_pages
        self._retry = retry or ReadRetry()
        self._clock = clock
        self._client = tweepy.Client(
            bearer_token=_plain(bearer_token),
            consumer_key=_plain(consumer_key),
            consumer_secret=_plain(consumer_secret),
            access_token=_plain(access_token),
            access_token_secret=_plain(access_token_secret),
            return_type=dict,
            wait_on_rate_limit=False,
        )
        self._client.session = TimeoutSession(timeout)

    def __repr__(self) -> str:
        return f"XConnector(brand_user_id={self._brand_user_id!r})"

    # ---- reading --------------------------------------------------------
    def mentions(self, cursor: str | None, *, limit: int) -> MentionsPage:
        if cursor is not None and not cursor.isdigit():
            raise ValueError("x cursor must be a tweet id")
        candidates: list[Candidate] = []
        token: str | None = None
        for _ in range(self._max_pages):
            body = self._retry(lambda token=token: self._read_page(cursor, token))
            candidates.extend(self._candidates(body))
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                break
        else:
            logger.warning(
                "x mentions: more than %d pages of new mentions; older ones skipped", self._max_pages
            )
        selection = select_oldest([candidates], limit)
        if not selection.last_ids:
            return MentionsPage(posts=[], cursor=cursor, more=False)
        return MentionsPage(posts=selection.posts, cursor=selection.last_ids[PLATFORM], more=selection.more)

    def _read_page(self, since_id: str | None, pagination_token: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "max_results": self._page_size,
            "tweet_fields": TWEET_FIELDS,
            "expansions": ["author_id"],
            "user_fields": USER_FIELDS,
        }
        if since_id:
            params["since_id"] = since_id
        if pagination_token:
            params["pagination_token"] = pagination_token
        return self._read(
            "GET /2/users/:id/mentions",
            lambda: self._client.get_users_mentions(self._brand_user_id, user_auth=False, **params),
        )

    def _candidates(self, body: dict[str, Any]) -> list[Candidate]:
        users = {
            str(u.get("id")): u for u in (body.get("includes") or {}).get("users", []) if isinstance(u, dict)
        }
        found: list[Candidate] = []
        for tweet in body.get("data") or []:
            if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
                logger.warning("x mention without a usable id skipped")
                continue
            found.append(self._candidate(tweet, users))
        return found

    def _candidate(self, tweet: dict[str, Any], users: dict[str, dict[str, Any]]) -> Candidate:
        tweet_id = str(tweet["id"])
        at = _parse_time(tweet.get("created_at"))
        post: SocialPost | None = None
        author = users.get(str(tweet.get("author_id")))
        if tweet.get("withheld"):
            logger.info("x tweet %s skipped: withheld", tweet_id)
        elif str(tweet.get("author_id")) == self._brand_user_id:
            pass  # the brand's own post
        elif at is None or author is None:
            logger.info("x tweet %s skipped: no date or its author is not visible", tweet_id)
        else:
            try:
                post = _post(tweet, author, at)
            except ValidationError as exc:
                fields = ", ".join(
                    ".".join(str(p) for p in e["loc"]) for e in exc.errors(include_input=False)
                )
                logger.warning("x tweet %s skipped: invalid %s", tweet_id, fields)
        return Candidate(
            stream=PLATFORM, item_id=tweet_id, at=at or datetime(1970, 1, 1, tzinfo=UTC), post=post
        )

    # ---- routes ---------------------------------------------------------
    def allowed_routes(self, post: SocialPost, now: datetime) -> frozenset[RouteName]:
        # X says whether DMs are open only when one is sent (403), so both are offered.
        return frozenset({"direct_message", "public_reply"}) if post.platform == PLATFORM else frozenset()

    def send(self, post: SocialPost, route: RouteName, text: str) -> Delivery:
        if route == "direct_message":
            what = "POST /2/dm_conversations/with/:participant_id/messages"
            try:
                body = self._client.create_direct_message(
                    participant_id=post.author.id, text=text, user_auth=True
                )
            except Exception as exc:
                self._raise_mapped(exc, what, route=route)
            message_id = _data(body).get("dm_event_id")
        elif route == "public_reply":
            what = "POST /2/tweets"
            try:
                body = self._client.create_tweet(text=text, in_reply_to_tweet_id=post.post_id, user_auth=True)
            except Exception as exc:
                self._raise_mapped(exc, what, route=route)
            message_id = _data(body).get("id")
        else:
            raise RouteClosed(f"x has no {route} route", platform=PLATFORM, route=route)
        if not message_id:
            raise SocialPayloadError(f"x {what}: the answer names no created id", platform=PLATFORM)
        return Delivery(route=route, message_id=str(message_id), sent_at=self._clock(), text=text)

    # ---- what the brand already sent (SentMessageLookup) ----------------
    def sent_since(self, post: SocialPost, route: RouteName, since: datetime) -> Delivery | None:
        after = since - SENT_CLOCK_MARGIN
        if route == "direct_message":
            what = "GET /2/dm_conversations/with/:participant_id/dm_events"
            body = self._retry(
                lambda: self._read(
                    what,
                    lambda: self._client.get_direct_message_events(
                        participant_id=post.author.id,
                        dm_event_fields=["created_at", "sender_id", "text"],
                        event_types="MessageCreate",
                        max_results=SENT_LOOKUP_PAGE,
                        user_auth=True,
                    ),
                )
            )
            for event in _items(body):
                at = _parse_time(event.get("created_at"))
                if str(event.get("sender_id")) == self._brand_user_id and at is not None and at >= after:
                    return _delivery(route, event, at)
            return None
        if route == "public_reply":
            what = "GET /2/users/:id/tweets"
            body = self._retry(
                lambda: self._read(
                    what,
                    lambda: self._client.get_users_tweets(
                        self._brand_user_id,
                        start_time=after,
                        tweet_fields=["created_at", "referenced_tweets"],
                        max_results=SENT_LOOKUP_PAGE,
                        user_auth=True,
                    ),
                )
            )
            for tweet in _items(body):
                replied = {
                    str(ref.get("id"))
                    for ref in tweet.get("referenced_tweets") or []
                    if isinstance(ref, dict) and ref.get("type") == "replied_to"
                }
                if post.post_id in replied:
                    return _delivery(route, tweet, _parse_time(tweet.get("created_at")) or since)
            return None
        return None

    def _read(self, what: str, call: Callable[[], Any]) -> dict[str, Any]:
        try:
            body = call()
        except Exception as exc:  # tweepy's and requests' errors, mapped below
            self._raise_mapped(exc, what, route=None)
        if not isinstance(body, dict):
            raise SocialPayloadError(f"x {what}: body is not an object", platform=PLATFORM)
        return body

    # ---- errors ---------------------------------------------------------
    def _raise_mapped(self, exc: Exception, what: str, *, route: RouteName | None) -> NoReturn:
        """Raise our error for a tweepy/requests failure. Messages keep X's text, never tokens."""
        if isinstance(exc, tweepy.TooManyRequests):
            reset = exc.reset_time
            wait = seconds_until(reset, self._clock()) if reset is not None else DEFAULT_RETRY_AFTER_SECONDS
            raise SocialRateLimited(f"x {what}: HTTP 429", platform=PLATFORM, retry_after=wait) from None
        if isinstance(exc, tweepy.HTTPException):
            raise _http_error(exc, what, route) from None
        if isinstance(exc, ValueError):  # a 2xx body that is not JSON (requests' JSONDecodeError too)
            raise SocialPayloadError(f"x {what}: body is not JSON", platform=PLATFORM) from None
        if isinstance(exc, requests.RequestException):
            raise SocialUnavailable(f"x {what}: {type(exc).__name__}", platform=PLATFORM) from None
        raise exc


def _http_error(exc: tweepy.HTTPException, what: str, route: RouteName | None) -> SocialError:
    status = exc.response.status_code
    detail = "; ".join(str(m) for m in exc.api_messages)[:300]
    message = f"x {what}: HTTP {status}" + (f" ({detail})" if detail else "")
    if isinstance(exc, tweepy.TwitterServerError):
        return SocialUnavailable(message, platform=PLATFORM, status=status)
    if isinstance(exc, tweepy.Unauthorized):
        return SocialAuthError(message, platform=PLATFORM, status=status)
    if isinstance(exc, tweepy.Forbidden):
        problem = _problem_type(exc)
        if any(p in problem for p in _AUTH_PROBLEMS) or route is None:
            # The app lacks access or permission (or reading mentions is refused): an operator acts.
            return SocialAuthError(message, platform=PLATFORM, status=status)
        if _GONE_PHRASE in detail:
            return PostGone(message, platform=PLATFORM, status=status)
        return RouteClosed(message, platform=PLATFORM, route=route, status=status)
    if isinstance(exc, tweepy.NotFound) and route is not None:
        return PostGone(message, platform=PLATFORM, status=status)
    return SocialError(message, platform=PLATFORM, status=status)


def _problem_type(exc: tweepy.HTTPException) -> str:
    try:
        body = exc.response.json()
    except ValueError:
        return ""
    return str(body.get("type", "")) if isinstance(body, dict) else ""


def _plain(secret: SecretStr | str) -> str:
    value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    if not value:
        raise ValueError("every X credential is required")
    return value


def _delivery(route: RouteName, item: dict[str, Any], at: datetime) -> Delivery:
    """A DM event or a tweet of the brand's, as the delivery it was."""
    return Delivery(route=route, message_id=str(item.get("id")), sent_at=at, text=str(item.get("text") or ""))


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _data(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}


def _parse_time(value: Any) -> datetime | None:
    """X's `created_at`, ISO 8601 in UTC ("2026-01-05T08:30:00.000Z")."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _post(tweet: dict[str, Any], author: dict[str, Any], at: datetime) -> SocialPost:
    tweet_id = str(tweet["id"])
    username = str(author.get("username") or "")
    # A long post's `text` is cut at 280 characters; `note_tweet.text` holds all of it.
    note = tweet.get("note_tweet")
    text = (
        note.get("text")
        if isinstance(note, dict) and isinstance(note.get("text"), str)
        else tweet.get("text")
    )
    replied = next(
        (
            str(ref.get("id"))
            for ref in tweet.get("referenced_tweets") or []
            if isinstance(ref, dict) and ref.get("type") == "replied_to"
        ),
        None,
    )
    conversation = str(tweet.get("conversation_id") or "") or None
    lang = tweet.get("lang")
    return SocialPost(
        platform=PLATFORM,
        post_id=tweet_id,
        author=SocialAuthor(
            id=str(author.get("id")),
            handle=clean_text(username),
            name=clean_text(author["name"]) if isinstance(author.get("name"), str) else None,
        ),
        text=clean_text(str(text or "")),
        url=f"https://x.com/{username}/status/{tweet_id}" if username else None,
        posted_at=at,
        lang=lang if isinstance(lang, str) and lang != "und" else None,
        in_reply_to_id=replied,
        thread_root_id=conversation if conversation != tweet_id else None,
    )
