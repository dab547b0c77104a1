"""An in-memory social platform for local runs, the demo and the benchmark.

It keeps the connector contract (connector.py) and the platform facts that shape the flow: posts
come back oldest first after a cursor, a rate limit answers with a wait, an author can close
their DMs (the send raises `RouteClosed`), a deleted post raises `PostGone`, and every accepted
message is kept in `sent` so a run can show what reached whom, and when.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from integrations.social.errors import PostGone, RouteClosed, SocialRateLimited, SocialUnavailable
from integrations.social.models import Delivery, MentionsPage, RouteName, SocialPost


class SandboxPlatform:
    def __init__(
        self,
        platform: str,
        routes: Iterable[RouteName],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.platform = platform
        self._routes = frozenset(routes)
        self._clock = clock
        self._lock = threading.Lock()
        self._posts: list[SocialPost] = []
        self._deleted: set[str] = set()
        self._closed: set[tuple[str, RouteName]] = set()  # (author id, route) the author refuses
        self._rate_limited_reads = 0
        self._retry_after = 60
        self._unavailable_sends = 0
        self._accepted_then_failed = 0
        self._lost_answer_status = 502
        self._message_ids = itertools.count(1)
        self.sent: list[tuple[SocialPost, Delivery]] = []

    # ---- what the test or demo does to the platform -------------------------------
    def publish(self, *posts: SocialPost) -> None:
        with self._lock:
            for post in posts:
                if post.platform != self.platform:
                    raise ValueError(f"{post.key} is not a {self.platform} post")
                self._posts.append(post)

    def delete(self, post_id: str) -> None:
        with self._lock:
            self._deleted.add(post_id)

    def close_route(self, author_id: str, route: RouteName) -> None:
        """The author refuses this route (DMs closed, not following the brand...)."""
        with self._lock:
            self._closed.add((author_id, route))

    def rate_limit_reads(self, times: int, retry_after: int = 60) -> None:
        with self._lock:
            self._rate_limited_reads, self._retry_after = times, retry_after

    def fail_after_accepting(self, times: int, status: int = 502) -> None:
        """The next `times` sends reach the poster, but the answer is lost (a 502 or 504 from a proxy,
        a timeout): the sender cannot tell whether the message went out."""
        with self._lock:
            self._accepted_then_failed, self._lost_answer_status = times, status

    def fail_sends(self, times: int) -> None:
        """The next `times` sends fail with a platform outage (5xx)."""
        with self._lock:
            self._unavailable_sends = times

    # ---- the connector contract --------------------------------------------------
    def mentions(self, cursor: str | None, *, limit: int) -> MentionsPage:
        with self._lock:
            if self._rate_limited_reads:
                self._rate_limited_reads -= 1
                raise SocialRateLimited(
                    "sandbox: read rate limit", platform=self.platform, retry_after=self._retry_after
                )
            start = int(cursor or 0)
            visible = [
                (index, post)
                for index, post in enumerate(self._posts[start:], start=start)
                if post.post_id not in self._deleted
            ]
            page = visible[:limit]
            if not page:
                return MentionsPage(posts=[], cursor=cursor, more=False)
            next_cursor = str(page[-1][0] + 1)
            return MentionsPage(
                posts=[post for _, post in page], cursor=next_cursor, more=len(visible) > limit
            )

    def allowed_routes(self, post: SocialPost, now: datetime) -> frozenset[RouteName]:
        return self._routes

    def send(self, post: SocialPost, route: RouteName, text: str) -> Delivery:
        with self._lock:
            if self._unavailable_sends:
                self._unavailable_sends -= 1
                raise SocialUnavailable("sandbox: 503 from the platform", platform=self.platform, status=503)
            if post.post_id in self._deleted:
                raise PostGone(
                    f"sandbox: post {post.post_id} was deleted", platform=self.platform, status=404
                )
            if route not in self._routes or (post.author.id, route) in self._closed:
                raise RouteClosed(
                    f"sandbox: {route} refused for this author",
                    platform=self.platform,
                    route=route,
                    status=403,
                )
            delivery = Delivery(
                route=route,
                message_id=f"{self.platform}-msg-{next(self._message_ids)}",
                sent_at=self._clock(),
                text=text,
            )
            self.sent.append((post, delivery))
            if self._accepted_then_failed:
                self._accepted_then_failed -= 1
                raise SocialUnavailable(
                    f"sandbox: {self._lost_answer_status} after the message was accepted",
                    platform=self.platform,
                    status=self._lost_answer_status,
                )
            return delivery

    def sent_since(self, post: SocialPost, route: RouteName, since: datetime) -> Delivery | None:
        """The brand's message to this author by `route` at or after `since` (SentMessageLookup)."""
        with self._lock:
            mine = (
                delivery
                for earlier, delivery in self.sent
                if earlier.author.id == post.author.id and delivery.route == route
            )
            return next((delivery for delivery in mine if delivery.sent_at >= since), None)


# The local run's platforms, shared in-process by the monitor and the outreach handlers;
# `triage local`, the demo and the benchmark fill it.
SANDBOX_PLATFORMS: dict[str, SandboxPlatform] = {}
# What the handlers' SOCIAL_CONNECTOR_SOURCE names in local runs.
CONNECTOR_SOURCE = "local.social.sandbox:connector_for"


def connector_for(platform: str) -> SandboxPlatform | None:
    """The sandbox platform of that name, if the local run has one."""
    return SANDBOX_PLATFORMS.get(platform)
