"""Invoke Lambda handlers in-process the way AWS would: from an SQS queue, or on a schedule.

`SqsLambdaRunner` behaves like Lambda's SQS event-source mapping with `ReportBatchItemFailures`:
receive a batch, hand it to the handler as Lambda's SQS event, delete what succeeded, leave the rest
to come back after the visibility timeout (and to the dead-letter queue after maxReceiveCount).
`ScheduleRunner` invokes a handler every N seconds with an EventBridge Scheduler-like event.

Both run on a daemon thread (`start()` / `stop()`, or a `with` block) or one step at a time
(`run_once()`). Handlers run on the caller's thread and the context's `get_remaining_time_in_millis()`
counts the timeout down. An invocation that outlives its timeout is ended only where the runner is
given `on_overrun` (a worker process exits, as Lambda ends the execution environment): an
invocation that went on would still be writing after its idempotency record's in-progress expiry
(the remaining time), when SQS may already have handed its batch to another worker.

`execution_environment()` loads a handler from its own copy of its module, so that several runners
on one queue stand in for Lambda's concurrent execution environments without sharing state.
"""

from __future__ import annotations

import base64
import importlib.util
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType, TracebackType
from typing import Any, Self

logger = logging.getLogger(__name__)

LambdaHandler = Callable[[dict[str, Any], Any], Any]
EventFactory = Callable[[datetime], dict[str, Any]]

# moto's default account, so ARNs built here match the ones moto returns.
ACCOUNT_ID = "123456789012"
DEFAULT_TIMEOUT_SECONDS = 10.0  # template.yaml Globals.Function.Timeout
# The queue-fed functions' own timeouts (template.yaml TriageFunction / OutreachFunction Timeout).
FUNCTION_TIMEOUT_SECONDS = {"triage": 30.0, "outreach": 30.0}
DEFAULT_MEMORY_MB = 512  # template.yaml Globals.Function.MemorySize
SQS_MAX_BATCH = 10  # one ReceiveMessage returns at most 10 messages
SQS_MAX_WAIT_SECONDS = 20
# After SQS itself fails (not the handler), wait before polling again rather than spin.
POLL_ERROR_BACKOFF_SECONDS = 1.0
# With short polling (wait_seconds=0) an empty queue would otherwise be polled in a tight loop.
SHORT_POLL_IDLE_SECONDS = 0.1


# ---- the Lambda context -------------------------------------------------------------------------


@dataclass
class LocalLambdaContext:
    """What a Lambda handler's `context` offers (the attributes Powertools' LambdaContext types)."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline_monotonic: float
    function_version: str = "$LATEST"
    identity: Any = None
    client_context: Any = None
    tenant_id: str | None = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline_monotonic - time.monotonic()) * 1000))


def lambda_context(
    function_name: str,
    *,
    region: str,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    memory_limit_in_mb: int = DEFAULT_MEMORY_MB,
) -> LocalLambdaContext:
    """A fresh context for one invocation: a new request id, the full timeout ahead."""
    return LocalLambdaContext(
        function_name=function_name,
        invoked_function_arn=f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}",
        memory_limit_in_mb=memory_limit_in_mb,
        aws_request_id=str(uuid.uuid4()),
        log_group_name=f"/aws/lambda/{function_name}",
        log_stream_name=f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}",
        deadline_monotonic=time.monotonic() + timeout_seconds,
    )


def execution_environment(module_name: str) -> ModuleType:
    """A fresh copy of a handler's module, as a new Lambda execution environment loads it.

    Lambda runs concurrent invocations in separate environments, so a handler module's globals (its
    cached clients, the Powertools batch processor that holds the batch being processed) are never
    shared between them. Runners polling one queue in parallel in this process must not share them
    either: give each runner the handler of its own copy. The copy is not put in `sys.modules`; the
    modules it imports are the process's.
    """
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {module_name!r}", name=module_name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- a background loop ----------------------------------------------------------------------------


class _BackgroundLoop:
    """A daemon thread running `_loop()` until `stop()`; subclasses check `self._stopping`."""

    def __init__(self, thread_name: str) -> None:
        self._thread_name = thread_name
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            raise RuntimeError(f"{self._thread_name} is already running")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> bool:
        """Ask the loop to end and wait up to `timeout` seconds; True when the thread has ended."""
        self._stopping.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        if thread.is_alive():
            logger.warning(
                "%s did not stop within %s s (a handler is still running)", self._thread_name, timeout
            )
            return False
        self._thread = None
        return True

    def _loop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# ---- SQS event-source mapping ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    """One poll: messages received, deleted (succeeded) and left on the queue (failed)."""

    received: int
    succeeded: int
    failed: int


class SqsLambdaRunner(_BackgroundLoop):
    """Lambda's SQS event-source mapping, with ReportBatchItemFailures, for one queue and handler."""

    def __init__(
        self,
        sqs_client: Any,
        queue_url: str,
        queue_arn: str,
        handler: LambdaHandler,
        *,
        batch_size: int = SQS_MAX_BATCH,
        wait_seconds: int = 1,
        region: str | None = None,
        function_name: str = "triage",
        timeout_seconds: float | None = None,
        on_overrun: Callable[[float], None] | None = None,
    ) -> None:
        if not 1 <= batch_size <= SQS_MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{SQS_MAX_BATCH}, not {batch_size}")
        if not 0 <= wait_seconds <= SQS_MAX_WAIT_SECONDS:
            raise ValueError(f"wait_seconds must be 0..{SQS_MAX_WAIT_SECONDS}, not {wait_seconds}")
        super().__init__(f"sqs-runner:{function_name}")
        self._sqs = sqs_client
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._handler = handler
        self._batch_size = batch_size
        self._wait_seconds = wait_seconds
        self._region = region or str(sqs_client.meta.region_name)
        self._function_name = function_name
        # The function's own timeout (template.yaml) unless told otherwise.
        self._timeout_seconds = (
            timeout_seconds
            if timeout_seconds is not None
            else FUNCTION_TIMEOUT_SECONDS.get(function_name, DEFAULT_TIMEOUT_SECONDS)
        )
        self._on_overrun = on_overrun

    def run_once(self) -> RunResult:
        """Receive one batch, invoke the handler, delete what succeeded.

        A handler that raises fails the whole batch (nothing deleted), as on Lambda; the exception
        is logged, not raised. SQS errors are raised.
        """
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=self._wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return RunResult(received=0, succeeded=0, failed=0)

        event = sqs_event(messages, queue_arn=self._queue_arn, region=self._region)
        context = lambda_context(
            self._function_name, region=self._region, timeout_seconds=self._timeout_seconds
        )
        overrun = self._overrun_timer()
        try:
            response = self._handler(event, context)
        except Exception:
            logger.exception(
                "%s failed; the whole batch returns after the visibility timeout", self._function_name
            )
            return RunResult(received=len(messages), succeeded=0, failed=len(messages))
        finally:
            if overrun is not None:
                overrun.cancel()

        failed_ids = failed_message_ids(response, [m["MessageId"] for m in messages])
        succeeded = [m for m in messages if m["MessageId"] not in failed_ids]
        self._delete(succeeded)
        return RunResult(
            received=len(messages), succeeded=len(succeeded), failed=len(messages) - len(succeeded)
        )

    def _overrun_timer(self) -> threading.Timer | None:
        if self._on_overrun is None:
            return None
        timer = threading.Timer(self._timeout_seconds, self._on_overrun, args=(self._timeout_seconds,))
        timer.daemon = True
        timer.start()
        return timer

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), SQS_MAX_BATCH):
            chunk = messages[start : start + SQS_MAX_BATCH]
            response = self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            for failure in response.get("Failed", []):
                # The message will be delivered again; the handler must be idempotent anyway.
                logger.warning("could not delete a processed message: %s", failure.get("Message", failure))

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                result = self.run_once()
            except Exception:
                logger.exception("polling %s failed; retrying", self._queue_url)
                self._stopping.wait(POLL_ERROR_BACKOFF_SECONDS)
                continue
            if result.received == 0 and self._wait_seconds == 0:
                self._stopping.wait(SHORT_POLL_IDLE_SECONDS)


def sqs_event(messages: Iterable[Mapping[str, Any]], *, queue_arn: str, region: str) -> dict[str, Any]:
    """Lambda's SQS event for messages as boto3's ReceiveMessage returns them."""
    return {"Records": [_sqs_record(m, queue_arn=queue_arn, region=region) for m in messages]}


def _sqs_record(message: Mapping[str, Any], *, queue_arn: str, region: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _message_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """boto3's shape (binary as bytes) → Lambda's (camelCase, binary as base64 text)."""
    attribute: dict[str, Any] = {}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = _base64(value["BinaryValue"])
    attribute["stringListValues"] = list(value.get("StringListValues", []))
    attribute["binaryListValues"] = [_base64(item) for item in value.get("BinaryListValues", [])]
    attribute["dataType"] = value["DataType"]
    return attribute


def _base64(data: bytes | str) -> str:
    return base64.b64encode(data if isinstance(data, bytes) else data.encode("utf-8")).decode("ascii")


def failed_message_ids(response: Any, batch_ids: list[str]) -> set[str]:
    """The message ids to leave on the queue, read from a ReportBatchItemFailures response.

    As Lambda documents: no response, no or an empty `batchItemFailures` is complete success; a
    response it cannot read, or an itemIdentifier that is missing, empty or not in the batch, fails
    the whole batch.
    """
    everything = set(batch_ids)
    if response is None:
        return set()
    if not isinstance(response, Mapping):
        logger.warning("batch response is not an object; the whole batch failed")
        return everything
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        logger.warning("batchItemFailures is not a list; the whole batch failed")
        return everything
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not isinstance(identifier, str) or identifier not in everything:
            logger.warning(
                "batchItemFailures names no message of the batch (%r); the whole batch failed", failure
            )
            return everything
        failed.add(identifier)
    return failed


# ---- schedules ------------------------------------------------------------------------------------


def scheduler_event(scheduled_time: datetime, *, schedule_name: str, region: str) -> dict[str, Any]:
    """An EventBridge scheduled event, as a schedule whose target input is the default event."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT_ID,
        "time": scheduled_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:scheduler:{region}:{ACCOUNT_ID}:schedule/default/{schedule_name}"],
        "detail": {},
    }


class ScheduleRunner(_BackgroundLoop):
    """Invokes a handler at a fixed rate: at start, then every `every_seconds` (missed ticks skipped)."""

    def __init__(
        self,
        handler: LambdaHandler,
        every_seconds: float,
        event_factory: EventFactory | None = None,
        *,
        function_name: str = "schedule",
        region: str = "eu-west-1",
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        if every_seconds <= 0:
            raise ValueError(f"every_seconds must be positive, not {every_seconds}")
        super().__init__(f"schedule:{function_name}")
        self._handler = handler
        self._every_seconds = every_seconds
        self._event_factory = event_factory or (
            lambda at: scheduler_event(at, schedule_name=function_name, region=region)
        )
        self._function_name = function_name
        self._region = region
        self._timeout_seconds = timeout_seconds

    def run_once(self) -> Any:
        """Invoke the handler now and return what it returns; its exceptions propagate."""
        event = self._event_factory(datetime.now(UTC))
        context = lambda_context(
            self._function_name, region=self._region, timeout_seconds=self._timeout_seconds
        )
        return self._handler(event, context)

    def _loop(self) -> None:
        due = time.monotonic()
        while not self._stopping.is_set():
            try:
                self.run_once()
            except Exception:
                logger.exception("scheduled invocation of %s failed", self._function_name)
            due += self._every_seconds
            now = time.monotonic()
            while due <= now:  # an invocation overran: skip missed ticks rather than burst to catch up
                due += self._every_seconds
            self._stopping.wait(due - now)
