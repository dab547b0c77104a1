"""The social flow's memory in the complaints table: read cursors and one item per seen post.

    pk = SOCIAL#<platform>        sk = CURSOR   cursor (opaque, the connector's), resume_at (UTC ISO),
                                                updated_at
    pk = POST#<platform>:<id>     sk = POST     the post's progress through outreach (see PostProgress),
                                                expires_at (TTL)

A post item is created once (conditional put), so a post read twice — overlapping monitors, a
listening tool pushing it again, an SQS redelivery — is recognised and resumes where it stopped:
each step (contact, ticket, triage) is recorded as soon as it is done and never redone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict

from infra.complaints import utc_text
from integrations.social.models import RouteName, SocialPost
from policies.complaint_state import ContactMade

POST_SK = "POST"
CURSOR_SK = "CURSOR"
# Long enough for a reply to find its thread's ticket and for any re-read to be recognised.
POST_RETENTION = timedelta(days=90)

PostStatus = Literal["received", "archived", "commented", "ticketed"]
FINAL_STATUSES: frozenset[str] = frozenset({"archived", "commented", "ticketed"})


class ContactSending(BaseModel):
    """A first message about to go out by `route`, recorded before the platform is asked: if the run
    stops before the answer is kept, the next run knows a message may already have reached the poster."""

    model_config = ConfigDict(frozen=True)

    route: RouteName
    since: AwareDatetime


class PostProgress(BaseModel):
    """What has been done for one post so far."""

    model_config = ConfigDict(frozen=True)

    key: str
    status: PostStatus = "received"
    seen_at: AwareDatetime
    contact: ContactMade | None = None
    contact_failure: str | None = None
    contact_sending: ContactSending | None = None
    contact_alerted: bool = False
    ticket_id: int | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES


class MonitorCursor(BaseModel):
    model_config = ConfigDict(frozen=True)

    cursor: str | None = None
    resume_at: AwareDatetime | None = None


class SocialLedger:
    def __init__(self, table: Any) -> None:
        """`table` is a boto3 DynamoDB Table resource (the complaints table)."""
        self._table = table

    # ---- cursors ---------------------------------------------------------------
    def cursor(self, platform: str) -> MonitorCursor:
        item = self._table.get_item(Key=_cursor_key(platform), ConsistentRead=True).get("Item")
        if item is None:
            return MonitorCursor()
        resume = item.get("resume_at")
        return MonitorCursor(
            cursor=item.get("cursor"), resume_at=datetime.fromisoformat(str(resume)) if resume else None
        )

    def save_cursor(self, platform: str, cursor: MonitorCursor, now: datetime) -> None:
        item: dict[str, Any] = {**_cursor_key(platform), "updated_at": utc_text(now)}
        if cursor.cursor is not None:
            item["cursor"] = cursor.cursor
        if cursor.resume_at is not None:
            item["resume_at"] = cursor.resume_at.astimezone(UTC).isoformat()
        self._table.put_item(Item=item)

    # ---- posts -----------------------------------------------------------------
    def begin(self, post: SocialPost, now: datetime) -> PostProgress:
        """The post's progress: new (and now recorded) the first time, as left on every later call."""
        fresh = PostProgress(key=post.key, seen_at=now)
        try:
            self._table.put_item(
                Item=_post_item(fresh, expires_at=now + POST_RETENTION),
                ConditionExpression="attribute_not_exists(pk)",
            )
            return fresh
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
        existing = self.progress(post.key)
        if existing is None:  # the item expired between the two calls: start over
            return self.begin(post, now)
        return existing

    def progress(self, key: str) -> PostProgress | None:
        item = self._table.get_item(Key=_post_key(key), ConsistentRead=True).get("Item")
        return None if item is None else PostProgress.model_validate_json(str(item["progress"]))

    def record(self, progress: PostProgress) -> PostProgress:
        """Store the post's new progress (one writer per post: its SQS FIFO group)."""
        self._table.update_item(
            Key=_post_key(progress.key),
            UpdateExpression="SET progress = :progress, #status = :status",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":progress": progress.model_dump_json(), ":status": progress.status},
        )
        return progress

    def ticket_for_thread(self, thread_key: str) -> int | None:
        """The ticket opened for the first post of a thread, if there is one."""
        progress = self.progress(thread_key)
        return None if progress is None else progress.ticket_id


def _cursor_key(platform: str) -> dict[str, str]:
    return {"pk": f"SOCIAL#{platform}", "sk": CURSOR_SK}


def _post_key(key: str) -> dict[str, str]:
    return {"pk": f"POST#{key}", "sk": POST_SK}


def _post_item(progress: PostProgress, *, expires_at: datetime) -> dict[str, Any]:
    return {
        **_post_key(progress.key),
        "progress": progress.model_dump_json(),
        "status": progress.status,
        "expires_at": int(expires_at.timestamp()),
    }
