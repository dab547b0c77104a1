"""Posts a card to one chat channel's incoming bot and reads the answer as each platform documents it.

- DingTalk: `{"errcode": 0}` is success; errcode 130101 ("send too fast, exceed 20 times per
  minute") is a rate limit (the robot is throttled 10 min); 310000 (signature, keyword or IP check),
  300001 (bad token) and other codes are refusals.
- Feishu/Lark: `{"code": 0}`; code 11232 (frequency limited); 19021 (signature or a timestamp more
  than an hour off), 9499 (bad request) and others are refusals.
- WeCom: `{"errcode": 0}`; errcode 45009 (api freq out of limit: 20 a minute); 93000 (invalid
  webhook URL) and others are refusals.
- Slack: HTTP 200 `ok`; HTTP 429 with Retry-After; 400, 403, 404, 410 are refusals.

Network errors and HTTP 5xx are `ChatUnavailable` (try again). A rate limit is `ChatRateLimited`
with the wait; the notifier hands the message back to its queue for that long, never sleeps.
`ChatRejected` will not succeed on retry: the message goes to the dead-letter queue and operations
are alarmed. Webhook URLs and secrets are never logged or put in an error message.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from integrations.chat.cards import ChatCard, payload
from integrations.chat.signing import dingtalk_sign, feishu_sign
from policies.channels import ChatPlatform

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
_RATE_LIMITS = {"dingtalk": {130101: 600.0}, "feishu": {11232: 60.0}, "wecom": {45009: 60.0}}


class ChatError(Exception):
    """A chat delivery failed; the message names the channel, never its URL or secret."""


class ChatUnavailable(ChatError):
    """The platform did not answer usefully (network, 5xx): try again."""


@dataclass
class ChatRateLimited(ChatError):
    channel: str
    retry_after: float

    def __str__(self) -> str:
        return f"{self.channel}: rate limited; retry after {self.retry_after:g} s"


class ChatRejected(ChatError):
    """The platform refused the message for good (bad signature, unknown webhook, bad payload)."""


@dataclass(frozen=True)
class ChannelCredentials:
    webhook_url: str
    secret: str | None = None  # DingTalk and Feishu sign with it; WeCom and Slack carry the key in the URL


class ChatSender:
    def __init__(
        self,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self._session = session or requests.Session()
        self._clock = clock
        self._timeout = timeout

    def send(
        self, channel: str, platform: ChatPlatform, credentials: ChannelCredentials, card: ChatCard
    ) -> None:
        url, body = self._signed(platform, credentials, payload(platform, card))
        try:
            response = self._session.post(
                url,
                data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"},
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise ChatUnavailable(f"{channel}: {type(exc).__name__}") from None
        self._check(channel, platform, response)

    def _signed(
        self, platform: ChatPlatform, credentials: ChannelCredentials, body: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        url = credentials.webhook_url
        if platform == "dingtalk" and credentials.secret:
            stamp = int(self._clock() * 1000)
            sign = urllib.parse.quote_plus(dingtalk_sign(credentials.secret, stamp))
            url = f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
        elif platform == "feishu" and credentials.secret:
            stamp = int(self._clock())
            body = {"timestamp": str(stamp), "sign": feishu_sign(credentials.secret, stamp), **body}
        return url, body

    @staticmethod
    def _check(channel: str, platform: ChatPlatform, response: requests.Response) -> None:
        status = response.status_code
        if platform == "slack":
            if status == 200:
                return
            if status == 429:
                raise ChatRateLimited(channel, float(response.headers.get("Retry-After") or 1))
            if status >= 500:
                raise ChatUnavailable(f"{channel}: HTTP {status}")
            raise ChatRejected(f"{channel}: HTTP {status} {response.text[:80]!r}")
        if status >= 500 or status == 429:
            raise ChatUnavailable(f"{channel}: HTTP {status}")
        try:
            answer = response.json()
        except ValueError:
            raise ChatRejected(f"{channel}: HTTP {status}, not JSON") from None
        code = answer.get("code", answer.get("errcode", answer.get("StatusCode")))
        if code == 0:
            return
        wait = _RATE_LIMITS.get(platform, {}).get(code)
        if wait is not None:
            raise ChatRateLimited(channel, wait)
        message = str(answer.get("msg") or answer.get("errmsg") or "")[:80]
        raise ChatRejected(f"{channel}: {platform} answered {code} {message!r}")
