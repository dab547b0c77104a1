"""Public social posts and what can be sent back, the same for every platform.

A connector turns each platform's own JSON into `SocialPost`s and sends `Delivery`s back; the
flow (functions/social_monitor, functions/outreach) never sees a platform's payload.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

# How a first message can reach the author, best first in policies/social.yaml (R-SLA-9):
# - direct_message: a private message to the author (Mastodon visibility=direct, X DM if open);
# - fan_service_reply: Weibo's fan-service reply to an @mention (private, within 48 h);
# - private_reply: Facebook/Instagram's one private reply per comment (within 7 days);
# - public_reply: a short public reply inviting a private message (never repeats the complaint).
RouteName = Literal["direct_message", "fan_service_reply", "private_reply", "public_reply"]
PRIVATE_ROUTES: frozenset[str] = frozenset({"direct_message", "fan_service_reply", "private_reply"})


class SocialAuthor(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, description="the platform's stable user id")
    handle: str = Field(min_length=1, description="@name as shown on the platform, without the @")
    name: str | None = Field(default=None, description="display name")


class SocialPost(BaseModel):
    """One public post (or comment, or reply) that mentions or concerns the brand."""

    model_config = ConfigDict(frozen=True)

    platform: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$", description="weibo, x, mastodon, ...")
    post_id: str = Field(min_length=1, max_length=200)
    author: SocialAuthor
    text: str = Field(description="plain text as posted (HTML stripped), emoji kept")
    url: str | None = None
    posted_at: AwareDatetime = Field(description="when the author posted it: the R-SLA-9 clock starts here")
    lang: str | None = Field(default=None, description="the platform's language hint, if any")
    in_reply_to_id: str | None = Field(default=None, description="the post this one answers, if any")
    thread_root_id: str | None = Field(
        default=None, description="the first post of the thread (conversation id), if this is a reply"
    )
    source: str | None = Field(default=None, description="listening tool that pushed it (generic webhook)")

    @property
    def key(self) -> str:
        """`platform:post_id`: the Zendesk ticket's external_id and the dedupe key."""
        return f"{self.platform}:{self.post_id}"

    @property
    def thread_key(self) -> str | None:
        """The key of the post that opened this thread, when this post is a reply."""
        root = self.thread_root_id or self.in_reply_to_id
        return f"{self.platform}:{root}" if root and root != self.post_id else None


class MentionsPage(BaseModel):
    """Posts newer than a cursor, oldest first, and the cursor to store once they are handled."""

    model_config = ConfigDict(frozen=True)

    posts: list[SocialPost]
    cursor: str | None = Field(description="opaque; pass it back to read only newer posts")
    more: bool = Field(default=False, description="True when another page is waiting right now")


class Delivery(BaseModel):
    """A message the platform accepted."""

    model_config = ConfigDict(frozen=True)

    route: RouteName
    message_id: str
    sent_at: datetime
    text: str

    @property
    def private(self) -> bool:
        return self.route in PRIVATE_ROUTES
