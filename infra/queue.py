"""The SQS FIFO queue between the webhook intake and the triage Lambda.

One message per ticket event:
- `MessageGroupId` = the ticket id, so events of one ticket are handled in order;
- `MessageDeduplicationId` = SHA-256 of the event id (SQS allows at most 128
  characters from a restricted set; a hex digest always fits), so Zendesk's
  retries of one event within SQS's 5-minute window become one message;
- the body is JSON (see `QueuedEvent`): the normalised event plus the original
  webhook body, as text when it is UTF-8 (it always is for JSON webhooks) and
  base64 otherwise, so the archive can keep exactly what Zendesk sent.

This module knows nothing of Zendesk: anything with `event_id`, `ticket_id`
and `model_dump(mode="json")` (a pydantic model) can be queued.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any, Literal, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, model_validator

SQS_MAX_MESSAGE_BYTES = 262_144
MESSAGE_VERSION = 1
# Characters SQS refuses in a message body (it takes #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000+).
_NOT_SQS_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class QueueableEvent(Protocol):
    @property
    def event_id(self) -> str: ...

    @property
    def ticket_id(self) -> int: ...

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


class EnqueueFailed(Exception):
    """SQS did not take the message (throttled, unreachable, queue missing): the sender should retry."""


class MessageTooLarge(ValueError):
    """The message would exceed the queue's size limit; retrying cannot help."""


class QueuedEvent(BaseModel):
    """The JSON body of one queue message."""

    model_config = ConfigDict(frozen=True)

    version: Literal[1] = MESSAGE_VERSION
    event: dict[str, Any]
    raw_body: str
    raw_body_encoding: Literal["utf-8", "base64"]

    @model_validator(mode="after")
    def _raw_body_decodes(self) -> QueuedEvent:
        self.raw_bytes()
        return self

    @classmethod
    def wrap(cls, event: QueueableEvent, raw_body: bytes) -> QueuedEvent:
        try:
            text, encoding = raw_body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(raw_body).decode("ascii"), "base64"
        return cls(event=event.model_dump(mode="json"), raw_body=text, raw_body_encoding=encoding)

    def to_message_body(self) -> str:
        """Compact JSON; non-ASCII stays as is (escaped Chinese would double) unless SQS forbids it."""
        fields = self.model_dump(mode="json")
        body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        if _NOT_SQS_TEXT.search(body):  # lone surrogates, U+FFFE, NUL...: escape all
            body = json.dumps(fields, ensure_ascii=True, separators=(",", ":"))
        return body

    @classmethod
    def from_message_body(cls, body: str) -> QueuedEvent:
        """Read a message body written by `TicketEventQueue.enqueue` (for the triage consumer)."""
        return cls.model_validate(json.loads(body))  # json, not pydantic's parser: it refuses lone surrogates

    def raw_bytes(self) -> bytes:
        """The webhook body exactly as it arrived."""
        if self.raw_body_encoding == "utf-8":
            return self.raw_body.encode("utf-8")
        try:
            return base64.b64decode(self.raw_body, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"raw_body is not valid base64: {exc}") from None


def deduplication_id(event_id: str) -> str:
    """An SQS deduplication id for this event id: 64 hex characters, always allowed, always ≤ 128."""
    return hashlib.sha256(event_id.encode("utf-8")).hexdigest()


class TicketEventQueue:
    """Sends ticket events to the FIFO queue."""

    def __init__(self, sqs_client: Any, queue_url: str, *, max_message_bytes: int = SQS_MAX_MESSAGE_BYTES):
        self._sqs = sqs_client
        self._queue_url = queue_url
        self._max_message_bytes = max_message_bytes

    def enqueue(self, event: QueueableEvent, raw_body: bytes) -> str:
        """Send one event; return the SQS message id. Raises `MessageTooLarge` or `EnqueueFailed`."""
        body = QueuedEvent.wrap(event, raw_body).to_message_body()
        size = len(body.encode("utf-8"))
        if size > self._max_message_bytes:
            raise MessageTooLarge(
                f"queue message would be {size} bytes, over the queue's {self._max_message_bytes}-byte limit"
            )
        try:
            response = self._sqs.send_message(
                QueueUrl=self._queue_url,
                MessageBody=body,
                MessageGroupId=str(event.ticket_id),
                MessageDeduplicationId=deduplication_id(event.event_id),
            )
        except (ClientError, BotoCoreError) as exc:
            raise EnqueueFailed(f"SQS send_message failed: {_reason(exc)}") from exc
        return str(response["MessageId"])


def _reason(exc: ClientError | BotoCoreError) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'unknown')}: {error.get('Message', '')}".strip()
    return type(exc).__name__
