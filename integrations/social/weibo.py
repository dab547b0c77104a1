"""Weibo connector: @mentions of the brand in, fan-service replies and public comments out.

Plain `requests`: Weibo has no maintained Python client. Calls as Weibo documents them:
- read: `GET https://api.weibo.com/2/statuses/mentions.json` and `.../comments/mentions.json`
  with `since_id`, `count`, `page` (newest first; paged until a short page);
- fan_service_reply: `POST https://m.api.weibo.com/2/messages/reply.json` ("Send Customer Service
  Message": `type=text`, `data={"text": ...}`, `receiver_id`): one private reply to a user who
  @mentioned a verified (blue-V) brand, within the window the policy sets (48 h today); needs
  the fan-service developer mode and the @mention push enabled for the account;
- public_reply: `POST .../comments/create.json` on a status, `.../comments/reply.json` on a
  comment, both with `rip`, the operator's real IP, which Weibo requires.

The OAuth2 token travels in the `Authorization: OAuth2 <token>` header on api.weibo.com (never
in a URL, so no access log keeps it) and as the documented `access_token` form field on the
fan-service host. The cursor is JSON of the two streams' last ids:
`{"comments": "...", "statuses": "..."}`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from pydantic import SecretStr

from integrations.social._http import DEFAULT_TIMEOUT, ReadRetry, TimeoutSession, json_body
from integrations.social._paging import Candidate, select_oldest
from integrations.social._weibo_errors import error_for, error_parts
from integrations.social._weibo_parse import (
    COMMENTS,
    STATUSES,
    comment_candidate,
    item_id,
    parse_created_at,
    status_candidate,
)
from integrations.social.errors import RouteClosed, SocialPayloadError, SocialUnavailable
from integrations.social.models import Delivery, MentionsPage, RouteName, SocialPost

logger = logging.getLogger(__name__)

PLATFORM = "weibo"
API_BASE = "https://api.weibo.com/2"
FAN_SERVICE_REPLY_URL = "https://m.api.weibo.com/2/messages/reply.json"
_STREAM_PATHS = {STATUSES: "/statuses/mentions.json", COMMENTS: "/comments/mentions.json"}
MAX_PAGE_SIZE = 200  # statuses/mentions documents count up to 200.


def _now() -> datetime:
    return datetime.now(UTC)


class WeiboConnector:
    """One brand account on Weibo; implements `SocialConnector`."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        access_token: SecretStr | str,
        brand_uid: str,
        fan_service_window_hours: float,
        operator_ip: str | None = None,
        page_size: int = 50,
        max_pages: int = 10,
        api_base: str = API_BASE,
        fan_service_url: str = FAN_SERVICE_REPLY_URL,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retry: ReadRetry | None = None,
        clock: Callable[[], datetime] = _now,
        session: requests.Session | None = None,
    ) -> None:
        if fan_service_window_hours < 0:
            raise ValueError("fan_service_window_hours must be >= 0 (0 turns the fan-service route off)")
        if not 1 <= page_size <= MAX_PAGE_SIZE or max_pages < 1:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE} and max_pages >= 1")
        token = access_token if isinstance(access_token, SecretStr) else SecretStr(access_token)
        if not token.get_secret_value() or not brand_uid:
            raise ValueError("access_token and brand_uid are required")
        self._token = token
        self._brand_uid = str(brand_uid)
        self._fan_service_window = timedelta(hours=fan_service_window_hours)
        self._operator_ip = operator_ip
        self._page_size = page_size
        self._max_pages = max_pages
        self._api_base = api_base.rstrip("/")
        self._fan_service_url = fan_service_url
        self._retry = retry or ReadRetry()
        self._clock = clock
        self._session = session or TimeoutSession(timeout)
        if operator_ip is None:
            logger.warning("weibo: no operator_ip configured; public replies (comments) are not offered")

    def __repr__(self) -> str:
        return f"WeiboConnector(brand_uid={self._brand_uid!r})"

    # ---- reading --------------------------------------------------------
    def mentions(self, cursor: str | None, *, limit: int) -> MentionsPage:
        since = _parse_cursor(cursor)
        streams: list[list[Candidate]] = []
        for stream, parse in ((STATUSES, status_candidate), (COMMENTS, comment_candidate)):
            raw_items = self._read_stream(stream, since.get(stream))
            found = [parse(raw, self._brand_uid) for raw in raw_items]
            streams.append([c for c in found if c is not None])
        selection = select_oldest(streams, limit)
        if not selection.last_ids:
            return MentionsPage(posts=[], cursor=cursor, more=False)
        moved = {**since, **selection.last_ids}
        return MentionsPage(
            posts=selection.posts, cursor=json.dumps(moved, sort_keys=True), more=selection.more
        )

    def _read_stream(self, stream: str, since_id: str | None) -> list[Any]:
        path = _STREAM_PATHS[stream]
        items: list[Any] = []
        for page in range(1, self._max_pages + 1):
            params = {"count": str(self._page_size), "page": str(page)}
            if since_id:
                params["since_id"] = since_id
            body = self._retry(lambda params=params: self._get(path, params))
            batch = body.get(stream) if isinstance(body, dict) else None
            if not isinstance(batch, list):
                raise SocialPayloadError(
                    f"weibo GET {path}: no {stream!r} list in the body", platform=PLATFORM
                )
            items.extend(batch)
            if len(batch) < self._page_size:
                return items
        # Weibo pages from the newest down: whatever lies below the last page read is lost once
        # the cursor moves past it. Poll often enough (or raise max_pages) that this never shows.
        logger.warning(
            "weibo GET %s: more than %d pages of new mentions; older ones skipped", path, self._max_pages
        )
        return items

    def _get(self, path: str, params: Mapping[str, str]) -> Any:
        return self._call("GET", self._api_base + path, what=f"GET {path}", params=params)

    # ---- routes ---------------------------------------------------------
    def allowed_routes(self, post: SocialPost, now: datetime) -> frozenset[RouteName]:
        if post.platform != PLATFORM:
            return frozenset()
        routes: set[RouteName] = set()
        if self._within_fan_service_window(post, now):
            routes.add("fan_service_reply")
        if self._operator_ip:
            routes.add("public_reply")
        return frozenset(routes)

    def _within_fan_service_window(self, post: SocialPost, now: datetime) -> bool:
        age = now - post.posted_at
        return self._fan_service_window > timedelta(0) and timedelta(0) <= age <= self._fan_service_window

    def send(self, post: SocialPost, route: RouteName, text: str) -> Delivery:
        if route == "fan_service_reply":
            return self._fan_service_reply(post, text)
        if route == "public_reply":
            return self._public_reply(post, text)
        raise RouteClosed(f"weibo has no {route} route", platform=PLATFORM, route=route)

    def _fan_service_reply(self, post: SocialPost, text: str) -> Delivery:
        now = self._clock()
        if not self._within_fan_service_window(post, now):
            raise RouteClosed(
                "weibo fan-service reply: outside the window after the @mention",
                platform=PLATFORM,
                route="fan_service_reply",
            )
        form = {
            "access_token": self._token.get_secret_value(),
            "type": "text",
            "data": json.dumps({"text": text}, ensure_ascii=False),
            "receiver_id": post.author.id,
        }
        body = self._call(
            "POST",
            self._fan_service_url,
            what="POST /2/messages/reply.json",
            data=form,
            route="fan_service_reply",
            bearer=False,
        )
        if isinstance(body, dict) and body.get("result") is False:
            raise RouteClosed(
                "weibo POST /2/messages/reply.json: result false",
                platform=PLATFORM,
                route="fan_service_reply",
            )
        # The reply answers with {"result": true, "sender_id", "receiver_id", ...} and no message
        # id, so the delivery is named after what it answered: one fan-service reply per @mention.
        message_id = (item_id(body) if isinstance(body, dict) else None) or f"fan_service:{post.post_id}"
        return Delivery(route="fan_service_reply", message_id=message_id, sent_at=now, text=text)

    def _public_reply(self, post: SocialPost, text: str) -> Delivery:
        if not self._operator_ip:
            raise RouteClosed(
                "weibo comments need operator_ip (Weibo's rip parameter); none configured",
                platform=PLATFORM,
                route="public_reply",
            )
        is_comment = bool(post.thread_root_id) and post.thread_root_id != post.post_id
        if is_comment:
            path = "/comments/reply.json"
            form = {
                "cid": post.post_id,
                "id": str(post.thread_root_id),
                "comment": text,
                "rip": self._operator_ip,
            }
        else:
            path = "/comments/create.json"
            form = {"id": post.post_id, "comment": text, "rip": self._operator_ip}
        body = self._call("POST", self._api_base + path, what=f"POST {path}", data=form, route="public_reply")
        message_id = item_id(body) if isinstance(body, dict) else None
        if not message_id:
            raise SocialPayloadError(f"weibo POST {path}: the created comment has no id", platform=PLATFORM)
        sent_at = parse_created_at(body.get("created_at")) or self._clock()
        return Delivery(route="public_reply", message_id=message_id, sent_at=sent_at, text=text)

    # ---- plumbing -------------------------------------------------------
    def _call(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        route: RouteName | None = None,
        bearer: bool = True,
    ) -> Any:
        headers = {"Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"OAuth2 {self._token.get_secret_value()}"
        try:
            response = self._session.request(method, url, params=params, data=data, headers=headers)
        except requests.RequestException as exc:
            # Only the exception's type: its text may quote the request.
            raise SocialUnavailable(f"weibo {what}: {type(exc).__name__}", platform=PLATFORM) from None
        try:
            body = json_body(response)
        except ValueError:
            body = None
        code, _ = error_parts(body)
        if response.status_code >= 400 or code is not None:
            raise error_for(response.status_code, body, what=what, now=self._clock(), route=route)
        if body is None:
            raise SocialPayloadError(
                f"weibo {what}: HTTP {response.status_code} body is not JSON", platform=PLATFORM
            )
        return body


def _parse_cursor(cursor: str | None) -> dict[str, str]:
    """The stored cursor as {stream: last id}; raises ValueError for anything this module did not write."""
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        raise ValueError("weibo cursor is not JSON") from None
    if not isinstance(value, dict) or not set(value) <= set(_STREAM_PATHS):
        raise ValueError(f"weibo cursor must be an object with keys from {sorted(_STREAM_PATHS)}")
    return {str(k): str(v) for k, v in value.items()}
