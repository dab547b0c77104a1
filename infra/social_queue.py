"""The SQS FIFO queue between post intake (monitors, the listening-tool webhook) and the outreach.

One message per post:
- `MessageGroupId` = the thread's first post (`platform:id`), so a reply is handled after the
  post that opened its ticket, and unrelated posts run in parallel;
- `MessageDeduplicationId` = SHA-256 of `platform:id`: a post read twice within SQS's 5-minute
  window (overlapping monitor runs, a tool pushing it again) becomes one message; later repeats
  are recognised by the social ledger;
- the body is `QueuedPost` JSON: the post and where it came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict

from infra.queue import SQS_MAX_MESSAGE_BYTES, EnqueueFailed, MessageTooLarge
from integrations.social.models import SocialPost

SQS_BATCH = 10


class QueuedPost(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1
    post: SocialPost
    via: str  # monitor:<platform> or webhook:<tool>

    def to_message_body(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_message_body(cls, body: str) -> QueuedPost:
        return cls.model_validate(json.loads(body))


def post_group_id(post: SocialPost) -> str:
    """FIFO group: the thread. SQS allows 128 characters; a digest always fits."""
    return hashlib.sha256((post.thread_key or post.key).encode("utf-8")).hexdigest()


class SocialPostQueue:
    def __init__(self, sqs_client: Any, queue_url: str, *, max_message_bytes: int = SQS_MAX_MESSAGE_BYTES):
        self._sqs = sqs_client
        self._queue_url = queue_url
        self._max_message_bytes = max_message_bytes

    def enqueue(self, posts: Sequence[SocialPost], *, via: str) -> int:
        """Send every post, in order, in batches; raise `EnqueueFailed` unless SQS took them all.

        The caller advances its cursor only after this returns, so a failure loses nothing: the
        posts are read again and the duplicates dropped.
        """
        entries = [self._entry(index, post, via) for index, post in enumerate(posts)]
        for start in range(0, len(entries), SQS_BATCH):
            batch = entries[start : start + SQS_BATCH]
            try:
                answer = self._sqs.send_message_batch(QueueUrl=self._queue_url, Entries=batch)
            except (ClientError, BotoCoreError) as exc:
                raise EnqueueFailed(f"SQS send_message_batch failed: {type(exc).__name__}") from exc
            failed = answer.get("Failed") or []
            if failed:
                codes = sorted({str(f.get("Code")) for f in failed})
                raise EnqueueFailed(f"SQS refused {len(failed)} of {len(batch)} posts: {', '.join(codes)}")
        return len(entries)

    def _entry(self, index: int, post: SocialPost, via: str) -> dict[str, Any]:
        body = QueuedPost(post=post, via=via).to_message_body()
        size = len(body.encode("utf-8"))
        if size > self._max_message_bytes:
            raise MessageTooLarge(f"post {post.key} would be a {size}-byte message, over the queue's limit")
        return {
            "Id": str(index),
            "MessageBody": body,
            "MessageGroupId": post_group_id(post),
            "MessageDeduplicationId": hashlib.sha256(post.key.encode("utf-8")).hexdigest(),
        }
