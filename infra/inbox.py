"""What the triage consumer does with a message besides succeeding: delay it or park it.

- `retry_after`: a 429 from Zendesk says when to come back. The message's visibility timeout is
  set to that many seconds and the record is reported as failed, so SQS hands it out again
  then; the Lambda never sleeps.
- `dead_letter`: a message that can never succeed (not our JSON, an event we cannot read, a
  write Zendesk refuses as invalid) goes straight to the dead-letter queue with the reason in
  its attributes, instead of blocking its ticket's FIFO group for five more receives.
  `triage replay-dlq` sends it back once the cause is fixed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

# SQS caps a visibility timeout at 12 hours.
MAX_VISIBILITY_SECONDS = 43_200
FAILURE_REASON = "failure_reason"
FAILED_AT = "failed_at"
_MAX_REASON_CHARS = 1_000


class TicketEventInbox:
    def __init__(self, sqs_client: Any, queue_url: str, dead_letter_queue_url: str) -> None:
        self._sqs = sqs_client
        self._queue_url = queue_url
        self._dead_letter_queue_url = dead_letter_queue_url

    def retry_after(self, receipt_handle: str, seconds: int) -> None:
        timeout = max(0, min(int(seconds), MAX_VISIBILITY_SECONDS))
        self._sqs.change_message_visibility(
            QueueUrl=self._queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=timeout
        )

    def dead_letter(self, *, body: str, group_id: str, message_id: str, reason: str) -> None:
        """Send the body to the DLQ with why; raises if SQS refuses (the caller then fails the record)."""
        failed_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._sqs.send_message(
            QueueUrl=self._dead_letter_queue_url,
            MessageBody=body,
            MessageGroupId=group_id,
            MessageDeduplicationId=hashlib.sha256(f"parked:{message_id}".encode()).hexdigest(),
            MessageAttributes={
                FAILURE_REASON: {"DataType": "String", "StringValue": reason[:_MAX_REASON_CHARS] or "?"},
                FAILED_AT: {"DataType": "String", "StringValue": failed_at},
            },
        )
