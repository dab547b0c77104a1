"""Posts pushed by social-listening tools (Brandwatch, Sprinklr, ...), for platforms we cannot poll.

Xiaohongshu and Douyin offer no public API for brand mentions; a listening tool watches them
and POSTs what it finds here, in one documented shape:

```json
{"source": "sprinklr",
 "posts": [{"platform": "xiaohongshu", "id": "64f0c2", "author": {"id": "u1", "handle": "mia", "name": "Mia"},
            "text": "...", "url": "https://...", "posted_at": "2026-01-05T09:30:00+08:00",
            "in_reply_to": null, "thread_root": null, "lang": "zh"}]}
```

Signed like this (`sign` below computes it; the secret is shared with the tool):
`X-Triage-Signature-Timestamp: <unix seconds>` and
`X-Triage-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`.

Failures, each with a message that says exactly what is wrong, map to HTTP answers through
`http_status`: `InvalidSignature` and `StaleTimestamp` 401, `InvalidPayload` 400,
`PayloadTooLarge` 413. Nothing can be sent back through a listening tool, so its platforms get
a `ListeningToolConnector`: no routes, and the flow alerts the social team to answer by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr, ValidationError

from integrations.social._text import clean_text, decode_utf8
from integrations.social.errors import RouteClosed
from integrations.social.models import Delivery, MentionsPage, RouteName, SocialAuthor, SocialPost

SIGNATURE_HEADER = "X-Triage-Signature"
TIMESTAMP_HEADER = "X-Triage-Signature-Timestamp"
SIGNATURE_PREFIX = "sha256="


class InboundWebhookError(Exception):
    """The delivery is refused; `http_status` is the answer to give the listening tool."""

    http_status = 400


class InvalidSignature(InboundWebhookError):
    """The signature or its timestamp header is missing, malformed, or does not match."""

    http_status = 401


class StaleTimestamp(InboundWebhookError):
    """The signature is genuine but was made outside the replay window (either side)."""

    http_status = 401


class InvalidPayload(InboundWebhookError):
    """The body is not the documented JSON; the message names the field."""

    http_status = 400


class PayloadTooLarge(InboundWebhookError):
    """Over a limit: body bytes, posts per delivery, or characters in one post."""

    http_status = 413


def sign(secret: str | SecretStr, timestamp: str | int, raw_body: bytes) -> str:
    """The `X-Triage-Signature` value for this timestamp and body."""
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    message = str(timestamp).encode("ascii") + b"." + raw_body
    return SIGNATURE_PREFIX + hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_headers(secret: str | SecretStr, raw_body: bytes, timestamp: int) -> dict[str, str]:
    """Both headers a listening tool sends with `raw_body` signed at `timestamp` (unix seconds)."""
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, raw_body)}


class _Author(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    id: str = Field(min_length=1, max_length=200)
    handle: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=500)


class _Post(BaseModel):
    # Unknown fields are ignored: a tool adding its own (sentiment, reach) must not lose the post.
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    platform: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)
    id: str = Field(min_length=1, max_length=200)
    author: _Author
    text: str
    url: str | None = Field(default=None, max_length=2000)
    posted_at: AwareDatetime
    in_reply_to: str | None = Field(default=None, max_length=200)
    thread_root: str | None = Field(default=None, max_length=200)
    lang: str | None = Field(default=None, max_length=20)


class _Delivery(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    source: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=50)
    posts: list[_Post]


@dataclass(frozen=True)
class InboundBatch:
    source: str
    posts: list[SocialPost]


class InboundWebhook:
    """Verifies and reads one listening tool's deliveries."""

    def __init__(
        self,
        secret: SecretStr | str,
        *,
        replay_window: timedelta,
        max_posts: int,
        max_text_chars: int,
        max_body_bytes: int = 1024 * 1024,
    ) -> None:
        self._secret = secret if isinstance(secret, SecretStr) else SecretStr(secret)
        if not self._secret.get_secret_value():
            raise ValueError("the webhook secret must not be empty")
        if replay_window <= timedelta(0) or min(max_posts, max_text_chars, max_body_bytes) < 1:
            raise ValueError("replay_window and every limit must be positive")
        self._window = replay_window
        self._max_posts = max_posts
        self._max_text_chars = max_text_chars
        self._max_body_bytes = max_body_bytes

    def __repr__(self) -> str:
        return f"InboundWebhook(max_posts={self._max_posts}, max_text_chars={self._max_text_chars})"

    def receive(self, headers: Mapping[str, str], raw_body: bytes, *, now: datetime) -> InboundBatch:
        """Verify, then read: the posts of a genuine, fresh, well-formed delivery."""
        self.verify(headers, raw_body, now=now)
        return self.parse(raw_body)

    def verify(self, headers: Mapping[str, str], raw_body: bytes, *, now: datetime) -> None:
        """Return if genuine and fresh. The signature is checked before the timestamp, in constant
        time, so only a sender holding the secret ever learns that the clock was the problem."""
        if len(raw_body) > self._max_body_bytes:
            raise PayloadTooLarge(
                f"body has {len(raw_body)} bytes; the limit is {self._max_body_bytes} bytes"
            )
        lowered = {k.lower(): v for k, v in headers.items()}
        timestamp = (lowered.get(TIMESTAMP_HEADER.lower()) or "").strip()
        signature = (lowered.get(SIGNATURE_HEADER.lower()) or "").strip()
        if not timestamp:
            raise InvalidSignature(f"missing {TIMESTAMP_HEADER} header")
        if not signature:
            raise InvalidSignature(f"missing {SIGNATURE_HEADER} header")
        if not signature.startswith(SIGNATURE_PREFIX):
            raise InvalidSignature(f"{SIGNATURE_HEADER} must start with {SIGNATURE_PREFIX}")
        if not timestamp.isascii():
            raise InvalidSignature(f"{TIMESTAMP_HEADER} must be unix seconds")
        expected = sign(self._secret, timestamp, raw_body).encode("ascii")
        if not hmac.compare_digest(expected, signature.encode("utf-8")):
            raise InvalidSignature("signature does not match the body and timestamp")
        if not timestamp.isdigit():
            raise StaleTimestamp(f"{TIMESTAMP_HEADER} {timestamp!r} is not unix seconds")
        skew = now.timestamp() - int(timestamp)
        if abs(skew) > self._window.total_seconds():
            direction = "old" if skew > 0 else "in the future"
            raise StaleTimestamp(
                f"signature timestamp is {int(abs(skew))} s {direction}; "
                f"the window is {int(self._window.total_seconds())} s"
            )

    def parse(self, raw_body: bytes) -> InboundBatch:
        """The delivery's posts; invalid UTF-8 is kept as U+FFFD rather than refusing the delivery."""
        try:
            data = json.loads(decode_utf8(raw_body))
        except json.JSONDecodeError as exc:
            raise InvalidPayload(f"body is not JSON (line {exc.lineno}, column {exc.colno})") from None
        posts = data.get("posts") if isinstance(data, dict) else None
        if isinstance(posts, list) and len(posts) > self._max_posts:
            raise PayloadTooLarge(
                f"posts has {len(posts)} items; the limit is {self._max_posts} per delivery"
            )
        try:
            delivery = _Delivery.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{_path(err['loc'])}: {err['msg']}"
                for err in exc.errors(include_input=False, include_url=False)
            )
            raise InvalidPayload(f"invalid delivery ({problems})") from None
        for index, post in enumerate(delivery.posts):
            chars = len(post.text)
            if chars > self._max_text_chars:
                raise PayloadTooLarge(
                    f"posts[{index}].text has {chars} characters; the limit is {self._max_text_chars}"
                )
        return InboundBatch(
            source=delivery.source, posts=[_social_post(p, delivery.source) for p in delivery.posts]
        )


def _path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as the sender reads it: posts[2].author.handle."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def _social_post(post: _Post, source: str) -> SocialPost:
    return SocialPost(
        platform=post.platform,
        post_id=post.id,
        author=SocialAuthor(
            id=post.author.id,
            handle=clean_text(post.author.handle),
            name=clean_text(post.author.name) if post.author.name else None,
        ),
        text=clean_text(post.text),
        url=post.url,
        posted_at=post.posted_at,
        lang=post.lang,
        in_reply_to_id=post.in_reply_to,
        thread_root_id=post.thread_root,
        source=source,
    )


class ListeningToolConnector:
    """The connector of a platform only a listening tool sees: posts arrive by webhook, and
    nothing can be sent, so the flow alerts the social team to contact the author by hand."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    def __repr__(self) -> str:
        return f"ListeningToolConnector(platform={self.platform!r})"

    def mentions(self, cursor: str | None, *, limit: int) -> MentionsPage:
        return MentionsPage(posts=[], cursor=cursor, more=False)

    def allowed_routes(self, post: SocialPost, now: datetime) -> frozenset[RouteName]:
        return frozenset()

    def send(self, post: SocialPost, route: RouteName, text: str) -> Delivery:
        raise RouteClosed(
            f"{self.platform} posts come from a listening tool; nothing can be sent there",
            platform=self.platform,
            route=route,
        )
