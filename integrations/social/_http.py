"""HTTP plumbing the connectors share: a session that never waits forever, retries for reads,
JSON that survives broken bytes, and waits computed from reset instants.

Why here: `tweepy` sends without a timeout and Mastodon.py waits 300 s by default; a Lambda
must fail fast instead, so every connector hands its library a `TimeoutSession`.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import requests

from integrations.backoff import ExponentialBackoff
from integrations.social._text import decode_utf8
from integrations.social.errors import SocialUnavailable

DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)
T = TypeVar("T")


class TimeoutSession(requests.Session):
    """A `requests.Session` whose requests get `timeout` unless the caller gave one."""

    def __init__(self, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def json_body(response: requests.Response) -> Any:
    """The response's JSON, decoding invalid UTF-8 as U+FFFD rather than failing (raises ValueError)."""
    return json.loads(decode_utf8(response.content))


def seconds_until(reset_epoch: float, now: datetime) -> int:
    """Whole seconds from `now` to the Unix instant `reset_epoch`, at least 1."""
    return max(1, math.ceil(reset_epoch - now.timestamp()))


READ_BACKOFF = ExponentialBackoff(cap_seconds=4.0)


@dataclass(frozen=True)
class ReadRetry:
    """Retries a *read* that failed with `SocialUnavailable` (5xx, network): reads cannot write twice.

    Rate limits are never retried here: the caller requeues for `retry_after`, nobody sleeps
    through a platform's window inside a Lambda.
    """

    max_retries: int = 2
    backoff: Callable[[int], float] = READ_BACKOFF
    sleep: Callable[[float], None] = time.sleep

    def __call__(self, read: Callable[[], T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                return read()
            except SocialUnavailable:
                if attempt > self.max_retries:
                    raise
                self.sleep(self.backoff(attempt))
