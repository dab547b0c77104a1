"""The ticket-events dead-letter queue: look at what failed, and send it back to be triaged again.

Messages reach the FIFO dead-letter queue two ways: SQS's redrive policy moves a message unchanged
after `maxReceiveCount` failed receives, or the triage consumer sends a poison message there itself
with the message attributes `failure_reason` and `failed_at`.

Replaying keeps each message's `MessageGroupId` (the ticket id, so a ticket's events stay in order)
and body, but gives it a new deduplication id: SQS remembers the original id for five minutes and
would silently drop a replay that reused it. The new id is derived from the dead-letter message id,
so running the replay again after a half-finished run (sent, not yet deleted) is deduplicated too.
A message is deleted from the dead-letter queue only after it was sent: nothing is ever lost.

Message bodies hold customers' words: nothing here logs them, and `DeadLetter` keeps them out of
its repr.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

# Attributes the consumer adds when it dead-letters a message; they describe the failure, so a
# replayed message goes back without them.
FAILURE_REASON_ATTRIBUTE = "failure_reason"
FAILED_AT_ATTRIBUTE = "failed_at"
FAILURE_ATTRIBUTES = frozenset({FAILURE_REASON_ATTRIBUTE, FAILED_AT_ATTRIBUTE})

SQS_MAX_BATCH = 10  # ReceiveMessage and ChangeMessageVisibilityBatch take at most 10 messages
PEEK_VISIBILITY_SECONDS = 30
"""How long a peeked message stays hidden if this process dies before making it visible again."""
REPLAY_VISIBILITY_SECONDS = 60
"""How long a received message stays hidden while it is being re-sent (one send and one delete)."""
RECEIVE_WAIT_SECONDS = 1
"""Long polling: a short poll samples only some SQS servers and can answer "empty" too early."""


class DeadLetterQueueError(Exception):
    """An SQS call failed; carries the operation and AWS's error code and message."""

    def __init__(self, operation: str, error_code: str, error_message: str) -> None:
        detail = f"{error_code}: {error_message}" if error_message else error_code
        super().__init__(f"SQS {operation} failed: {detail}")
        self.operation = operation
        self.error_code = error_code
        self.error_message = error_message


@dataclass(frozen=True)
class DeadLetter:
    """One message in the dead-letter queue, as SQS reports it."""

    message_id: str
    group_id: str | None  # the Zendesk ticket id
    body: str = field(repr=False)  # personal data: never in logs
    failure_reason: str | None  # None when SQS's redrive policy moved it
    receive_count: int  # ApproximateReceiveCount, including the receive that read it here
    sent_at: datetime | None


@dataclass(frozen=True)
class ReplayFailure:
    """A message that was not replayed, or not removed from the dead-letter queue; it is still there."""

    message_id: str
    group_id: str | None
    reason: str


@dataclass(frozen=True)
class ReplayReport:
    """What a replay did. `interrupted_by` is the SQS error that stopped it early, if any."""

    replayed: int
    failed: tuple[ReplayFailure, ...]
    interrupted_by: DeadLetterQueueError | None = None

    @property
    def attempted(self) -> int:
        return self.replayed + len(self.failed)

    @property
    def ok(self) -> bool:
        return not self.failed and self.interrupted_by is None


@dataclass(frozen=True)
class _Received:
    letter: DeadLetter
    receipt_handle: str
    deduplication_id: str | None
    message_attributes: dict[str, Any]


def replay_deduplication_id(original_deduplication_id: str, dead_letter_message_id: str) -> str:
    """A deduplication id SQS has not seen for the original, stable for one dead-letter message."""
    return hashlib.sha256(f"{original_deduplication_id}\n{dead_letter_message_id}".encode()).hexdigest()


class DeadLetterQueue:
    """Peeks at and replays the messages of a FIFO dead-letter queue into its source queue."""

    def __init__(
        self,
        sqs_client: Any,
        dead_letter_queue_url: str,
        source_queue_url: str,
        *,
        receive_wait_seconds: int | None = None,
    ) -> None:
        self._sqs = sqs_client
        self._dlq_url = dead_letter_queue_url
        self._source_url = source_queue_url
        self._wait_seconds = RECEIVE_WAIT_SECONDS if receive_wait_seconds is None else receive_wait_seconds

    @property
    def source_queue_url(self) -> str:
        return self._source_url

    @property
    def dead_letter_queue_url(self) -> str:
        return self._dlq_url

    def approximate_size(self) -> int:
        """SQS's approximate count of messages in the dead-letter queue (visible, in flight, delayed)."""
        names = [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ]
        try:
            attributes = self._sqs.get_queue_attributes(QueueUrl=self._dlq_url, AttributeNames=names)
        except (ClientError, BotoCoreError) as exc:
            raise _error("get_queue_attributes", exc) from exc
        return sum(int(attributes.get("Attributes", {}).get(name, 0)) for name in names)

    def peek(self, max_messages: int | None = None) -> list[DeadLetter]:
        """Read up to max_messages (None: all) without removing them; they are visible again at once.

        Each look counts as a receive in `ApproximateReceiveCount`. In a FIFO queue a ticket group
        whose first messages are being looked at hides its later ones, so a group holding more than
        ten messages may show only its first ten. Raises `DeadLetterQueueError`.
        """
        _check_limit(max_messages)
        letters: list[DeadLetter] = []
        handles: list[str] = []
        seen: set[str] = set()
        try:
            while max_messages is None or len(letters) < max_messages:
                batch = self._receive(_batch_size(max_messages, len(letters)), PEEK_VISIBILITY_SECONDS)
                handles.extend(received.receipt_handle for received in batch)
                fresh = [received for received in batch if received.letter.message_id not in seen]
                if not fresh:  # empty, or only messages that outlived their hiding and came back
                    break
                seen.update(received.letter.message_id for received in fresh)
                letters.extend(received.letter for received in fresh)
        finally:
            self._make_visible(handles)
        return letters

    def replay(self, max_messages: int | None = None) -> ReplayReport:
        """Move up to max_messages (None: all) back to the source queue, oldest first per ticket.

        A message whose send fails stays in the dead-letter queue, and so do the later messages of
        its ticket group (replaying them would reorder the ticket's events). A receive error stops
        the run; the report says so and counts what was done before it.
        """
        _check_limit(max_messages)
        replayed = 0
        failed: list[ReplayFailure] = []
        unsent_handles: list[str] = []  # made visible again at the end, for the next run
        failed_groups: set[str] = set()
        seen: set[str] = set()
        interrupted_by: DeadLetterQueueError | None = None
        try:
            while max_messages is None or replayed + len(failed) < max_messages:
                try:
                    batch = self._receive(
                        _batch_size(max_messages, replayed + len(failed)), REPLAY_VISIBILITY_SECONDS
                    )
                except DeadLetterQueueError as exc:
                    interrupted_by = exc
                    break
                fresh = [received for received in batch if received.letter.message_id not in seen]
                unsent_handles.extend(r.receipt_handle for r in batch if r.letter.message_id in seen)
                if not fresh:
                    break
                for received in fresh:
                    seen.add(received.letter.message_id)
                    failure = self._replay_one(received, failed_groups)
                    if failure is None:
                        replayed += 1
                        continue
                    failed.append(failure)
                    unsent_handles.append(received.receipt_handle)
        finally:
            self._make_visible(unsent_handles)
        return ReplayReport(replayed=replayed, failed=tuple(failed), interrupted_by=interrupted_by)

    def _replay_one(self, received: _Received, failed_groups: set[str]) -> ReplayFailure | None:
        letter = received.letter
        if letter.group_id is None:
            return ReplayFailure(letter.message_id, None, "no MessageGroupId: not a FIFO message")
        if letter.group_id in failed_groups:
            return ReplayFailure(
                letter.message_id,
                letter.group_id,
                "held back: an earlier message of this ticket was not replayed (keeps the ticket's order)",
            )
        original = received.deduplication_id or letter.message_id
        request: dict[str, Any] = {
            "QueueUrl": self._source_url,
            "MessageBody": letter.body,
            "MessageGroupId": letter.group_id,
            "MessageDeduplicationId": replay_deduplication_id(original, letter.message_id),
        }
        attributes = _replayed_attributes(received.message_attributes)
        if attributes:
            request["MessageAttributes"] = attributes
        try:
            self._sqs.send_message(**request)
        except (ClientError, BotoCoreError) as exc:
            failed_groups.add(letter.group_id)
            return ReplayFailure(letter.message_id, letter.group_id, str(_error("send_message", exc)))
        try:
            self._sqs.delete_message(QueueUrl=self._dlq_url, ReceiptHandle=received.receipt_handle)
        except (ClientError, BotoCoreError) as exc:
            return ReplayFailure(
                letter.message_id,
                letter.group_id,
                f"re-sent but still in the dead-letter queue ({_error('delete_message', exc)}); "
                "replaying it again within 5 minutes is deduplicated by SQS",
            )
        return None

    def _receive(self, max_number: int, visibility_seconds: int) -> list[_Received]:
        try:
            response = self._sqs.receive_message(
                QueueUrl=self._dlq_url,
                MaxNumberOfMessages=max_number,
                VisibilityTimeout=visibility_seconds,
                WaitTimeSeconds=self._wait_seconds,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
        except (ClientError, BotoCoreError) as exc:
            raise _error("receive_message", exc) from exc
        return [_parse(message) for message in response.get("Messages", [])]

    def _make_visible(self, receipt_handles: Iterable[str]) -> None:
        handles = list(receipt_handles)
        for start in range(0, len(handles), SQS_MAX_BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for index, handle in enumerate(handles[start : start + SQS_MAX_BATCH])
            ]
            # A failure here is harmless: the messages come back by themselves when their short
            # visibility timeout ends, and raising would hide the result of the run that just happened.
            with contextlib.suppress(ClientError, BotoCoreError):
                self._sqs.change_message_visibility_batch(QueueUrl=self._dlq_url, Entries=entries)


def _parse(message: dict[str, Any]) -> _Received:
    system = message.get("Attributes", {})
    attributes = message.get("MessageAttributes", {})
    reason = attributes.get(FAILURE_REASON_ATTRIBUTE, {}).get("StringValue")
    sent_ms = system.get("SentTimestamp")
    letter = DeadLetter(
        message_id=str(message["MessageId"]),
        group_id=system.get("MessageGroupId"),
        body=str(message.get("Body", "")),
        failure_reason=reason,
        receive_count=int(system.get("ApproximateReceiveCount", 0)),
        sent_at=datetime.fromtimestamp(int(sent_ms) / 1000, tz=UTC) if sent_ms else None,
    )
    return _Received(letter, str(message["ReceiptHandle"]), system.get("MessageDeduplicationId"), attributes)


def _replayed_attributes(attributes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message attributes to send again: all but the failure's, in SendMessage's shape."""
    # ReceiveMessage also returns empty StringListValues/BinaryListValues, which SendMessage refuses.
    wanted = ("DataType", "StringValue", "BinaryValue")
    return {
        name: {key: value[key] for key in wanted if key in value}
        for name, value in attributes.items()
        if name not in FAILURE_ATTRIBUTES
    }


def _batch_size(max_messages: int | None, done: int) -> int:
    return SQS_MAX_BATCH if max_messages is None else min(SQS_MAX_BATCH, max_messages - done)


def _check_limit(max_messages: int | None) -> None:
    if max_messages is not None and max_messages < 1:
        raise ValueError("max_messages must be at least 1 (or None for all)")


def _error(operation: str, exc: ClientError | BotoCoreError) -> DeadLetterQueueError:
    """AWS's error code and message (a ClientError), or the botocore failure's name and text."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "unknown")), str(error.get("Message", ""))
        return DeadLetterQueueError(operation, code, message)
    return DeadLetterQueueError(operation, type(exc).__name__, str(exc))
