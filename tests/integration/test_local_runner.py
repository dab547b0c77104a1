"""Lambda's SQS event-source mapping and schedules, run in-process against a moto server on loopback."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel
from botocore.exceptions import ClientError

from local.aws import LocalStack, MotoServer, provision_local_stack, start_moto_server
from local.runners import (
    RunResult,
    ScheduleRunner,
    SqsLambdaRunner,
    execution_environment,
    failed_message_ids,
)

REGION = "eu-west-1"
MAX_RECEIVES = 2
# How long to wait for something that should happen within a visibility timeout or two. Only a bound:
# each wait ends as soon as its condition holds.
PATIENCE_SECONDS = 20.0


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with start_moto_server() as server:
        yield server


@pytest.fixture(autouse=True)
def _fake_credentials(fake_aws_credentials: None) -> None:
    """Every test here talks to a moto server on loopback with fake credentials."""


@pytest.fixture
def stack(moto: MotoServer) -> LocalStack:
    """A stack of its own (moto's state is shared), whose unacknowledged messages return after 1 s."""
    return provision_local_stack(
        moto.endpoint_url,
        REGION,
        max_receive_count=MAX_RECEIVES,
        visibility_timeout=1,
        prefix=f"t{uuid.uuid4().hex[:10]}",
    )


@pytest.fixture
def sqs(moto: MotoServer) -> Any:
    return boto3.client("sqs", endpoint_url=moto.endpoint_url, region_name=REGION)


@dataclass
class RecordingHandler:
    """A Lambda handler that reports the bodies in `fail` as batch item failures and remembers every call."""

    fail: set[str] = field(default_factory=set)
    raise_error: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        self.contexts.append(context)
        if self.raise_error:
            raise RuntimeError("handler crashed")
        failures = [r["messageId"] for r in event["Records"] if r["body"] in self.fail]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failures]}

    def bodies(self) -> list[str]:
        return [record["body"] for event in self.events for record in event["Records"]]


def _send(sqs: Any, stack: LocalStack, body: str, *, group: str = "1", **extra: Any) -> str:
    response = sqs.send_message(
        QueueUrl=stack.queue_url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=body, **extra
    )
    return str(response["MessageId"])


def _runner(sqs: Any, stack: LocalStack, handler: Any, **options: Any) -> SqsLambdaRunner:
    return SqsLambdaRunner(sqs, stack.queue_url, stack.queue_arn, handler, wait_seconds=1, **options)


def _eventually(condition: Callable[[], bool], step: Callable[[], object] = lambda: None) -> None:
    """Run `step` until `condition` holds; fail if it has not after PATIENCE_SECONDS."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {PATIENCE_SECONDS} s")
        step()
        time.sleep(0.05)


def _queue_depth(sqs: Any, queue_url: str) -> int:
    """Messages on a queue, visible or in flight, counted without receiving (which would disturb them)."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


# ---- the event the handler gets -------------------------------------------------------------------


def test_the_handler_gets_lambdas_sqs_event(sqs: Any, stack: LocalStack) -> None:
    # GIVEN a message with a string and a binary attribute
    message_id = _send(
        sqs,
        stack,
        '{"ticket": 35436}',
        group="35436",
        MessageAttributes={
            "source": {"DataType": "String", "StringValue": "zendesk"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\xff\x00"},
        },
    )
    handler = RecordingHandler()
    # WHEN the runner polls
    result = _runner(sqs, stack, handler).run_once()
    # THEN the handler got one event in Lambda's shape, which Powertools' SQS model accepts
    assert result == RunResult(received=1, succeeded=1, failed=0)
    (event,) = handler.events
    SqsModel.model_validate(event)
    (record,) = event["Records"]
    assert set(record) == {
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfBody",
        "md5OfMessageAttributes",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    }
    assert (record["messageId"], record["body"]) == (message_id, '{"ticket": 35436}')
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs",
        stack.queue_arn,
        REGION,
    )
    assert set(record["attributes"]) >= {
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
        "MessageGroupId",
        "MessageDeduplicationId",
        "SequenceNumber",
    }
    assert (record["attributes"]["MessageGroupId"], record["attributes"]["ApproximateReceiveCount"]) == (
        "35436",
        "1",
    )
    assert record["messageAttributes"] == {
        "source": {
            "stringValue": "zendesk",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "raw": {"binaryValue": "/wA=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
    }


def test_every_invocation_gets_its_own_lambda_context(sqs: Any, stack: LocalStack) -> None:
    # GIVEN two messages handled in two polls
    handler = RecordingHandler()
    runner = _runner(sqs, stack, handler, batch_size=1, function_name="triage", timeout_seconds=10)
    _send(sqs, stack, "one", group="a")
    _send(sqs, stack, "two", group="b")
    runner.run_once()
    runner.run_once()
    # THEN each context names the function, has a fresh request id and time left within the timeout
    first, second = handler.contexts
    assert first.aws_request_id != second.aws_request_id
    assert first.function_name == "triage"
    assert first.invoked_function_arn == f"arn:aws:lambda:{REGION}:123456789012:function:triage"
    assert first.memory_limit_in_mb == 512
    assert 0 < second.get_remaining_time_in_millis() <= 10_000


# ---- what is deleted and what comes back ----------------------------------------------------------


def test_succeeded_messages_are_deleted_and_failed_ones_come_back(sqs: Any, stack: LocalStack) -> None:
    # GIVEN three tickets' events, of which the handler fails "b"
    for body in ("a", "b", "c"):
        _send(sqs, stack, body, group=body)
    handler = RecordingHandler(fail={"b"})
    runner = _runner(sqs, stack, handler)
    # WHEN the runner polls
    assert runner.run_once() == RunResult(received=3, succeeded=2, failed=1)
    # THEN only "b" is left on the queue, and it is delivered again after the visibility timeout
    assert _queue_depth(sqs, stack.queue_url) == 1
    _eventually(lambda: handler.bodies().count("b") == 2, runner.run_once)
    redelivered = handler.events[-1]["Records"]
    assert [(r["body"], r["attributes"]["ApproximateReceiveCount"]) for r in redelivered] == [("b", "2")]
    assert sorted(handler.bodies()) == ["a", "b", "b", "c"]


def test_a_message_failing_max_receive_count_times_goes_to_the_dead_letter_queue(
    sqs: Any, stack: LocalStack
) -> None:
    # GIVEN a message the handler always fails
    _send(sqs, stack, "poison")
    handler = RecordingHandler(fail={"poison"})
    runner = _runner(sqs, stack, handler)
    # WHEN the runner keeps polling THEN the message ends up on the dead-letter queue
    _eventually(lambda: _queue_depth(sqs, stack.dead_letter_queue_url) == 1, runner.run_once)
    # AND it was handled exactly max_receive_count times, and is gone from the queue
    assert handler.bodies() == ["poison"] * MAX_RECEIVES
    assert _queue_depth(sqs, stack.queue_url) == 0
    (dead,) = sqs.receive_message(QueueUrl=stack.dead_letter_queue_url)["Messages"]
    assert dead["Body"] == "poison"


def test_a_handler_that_raises_deletes_nothing(sqs: Any, stack: LocalStack) -> None:
    # GIVEN two messages and a handler that crashes
    _send(sqs, stack, "x", group="x")
    _send(sqs, stack, "y", group="y")
    handler = RecordingHandler(raise_error=True)
    runner = _runner(sqs, stack, handler)
    # WHEN the runner polls THEN the whole batch failed, without the exception escaping
    assert runner.run_once() == RunResult(received=2, succeeded=0, failed=2)
    # AND both messages are still on the queue, and come back
    assert _queue_depth(sqs, stack.queue_url) == 2
    handler.raise_error = False
    _eventually(lambda: len(handler.events) == 2, runner.run_once)
    assert sorted(handler.bodies()) == ["x", "x", "y", "y"]
    assert _queue_depth(sqs, stack.queue_url) == 0


def test_an_unknown_item_identifier_fails_the_whole_batch(sqs: Any, stack: LocalStack) -> None:
    # GIVEN a handler that reports a message id that is not in the batch
    _send(sqs, stack, "m")
    runner = _runner(sqs, stack, lambda event, context: {"batchItemFailures": [{"itemIdentifier": "nope"}]})
    # WHEN the runner polls THEN nothing is deleted, as Lambda does
    assert runner.run_once() == RunResult(received=1, succeeded=0, failed=1)
    assert _queue_depth(sqs, stack.queue_url) == 1


@pytest.mark.parametrize(
    ("response", "failed"),
    [
        (None, set()),
        ({}, set()),
        ({"batchItemFailures": None}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, {"b"}),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, {"a", "b"}),
        ({"batchItemFailures": [{"itemIdentifier": None}]}, {"a", "b"}),
        ({"batchItemFailures": [{"messageId": "b"}]}, {"a", "b"}),
        ({"batchItemFailures": "b"}, {"a", "b"}),
        ("ok", {"a", "b"}),
    ],
)
def test_batch_responses_are_read_as_lambda_reads_them(response: Any, failed: set[str]) -> None:
    # GIVEN a batch of messages a and b WHEN the handler answers `response` THEN `failed` stay queued
    assert failed_message_ids(response, ["a", "b"]) == failed


def test_the_queue_is_not_polled_with_an_impossible_batch_size(sqs: Any, stack: LocalStack) -> None:
    with pytest.raises(ValueError, match=r"batch_size must be 1\.\.10"):
        _runner(sqs, stack, RecordingHandler(), batch_size=11)


# ---- concurrent execution environments -------------------------------------------------------------

# A handler module with state of its own, as real handlers have (cached clients, a batch processor).
HANDLER_MODULE = """
INVOCATIONS = []
FIRST_MEETS = None  # the test sets a barrier: each environment's first invocation waits there


def lambda_handler(event, context):
    if not INVOCATIONS and FIRST_MEETS is not None:
        FIRST_MEETS.wait()
    INVOCATIONS.extend(record["body"] for record in event["Records"])
    return {"batchItemFailures": []}
"""


@pytest.fixture
def handler_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of a fresh handler module on sys.path (unique: each test's copy is its own)."""
    name = f"handler_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{name}.py").write_text(HANDLER_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_each_execution_environment_has_its_own_module_state(handler_module: str) -> None:
    # GIVEN two environments of one handler module
    first, second = execution_environment(handler_module), execution_environment(handler_module)
    # WHEN the first one is invoked
    first.lambda_handler({"Records": [{"body": "a"}]}, None)
    # THEN only its own state changed, and the copies are not the process's module
    assert (first.INVOCATIONS, second.INVOCATIONS) == (["a"], [])
    assert first.lambda_handler is not second.lambda_handler
    assert handler_module not in sys.modules


def test_an_unknown_handler_module_is_refused() -> None:
    with pytest.raises(ModuleNotFoundError, match="no_such_handler_module"):
        execution_environment("no_such_handler_module")


def test_runners_with_their_own_environments_share_one_queue_in_parallel(
    sqs: Any, moto: MotoServer, handler_module: str
) -> None:
    # GIVEN a queue whose messages stay hidden long enough never to be handed out twice here
    stack = provision_local_stack(
        moto.endpoint_url, REGION, visibility_timeout=60, prefix=f"t{uuid.uuid4().hex[:10]}"
    )
    bodies = [f"m{number}" for number in range(12)]
    for body in bodies:
        _send(sqs, stack, body, group=body)
    # AND two environments whose first invocations can only finish together
    meet = threading.Barrier(2, timeout=PATIENCE_SECONDS)
    environments = [execution_environment(handler_module) for _ in range(2)]
    for environment in environments:
        environment.FIRST_MEETS = meet
    runners = [_runner(sqs, stack, e.lambda_handler, batch_size=1) for e in environments]
    # WHEN both runners poll the queue in the background
    for runner in runners:
        runner.start()
    try:
        handled = lambda: sorted(b for e in environments for b in e.INVOCATIONS)  # noqa: E731
        _eventually(lambda: len(handled()) >= len(bodies))
        _eventually(lambda: _queue_depth(sqs, stack.queue_url) == 0)
    finally:
        for runner in runners:
            runner.stop(timeout=10)
    # THEN they ran at the same time (the barrier let both through), and each message was handled once
    assert not meet.broken
    assert all(e.INVOCATIONS for e in environments)
    assert handled() == sorted(bodies)


# ---- in the background ----------------------------------------------------------------------------


class FlakySqs:
    """The SQS client, except that its first ReceiveMessage fails as if SQS were unreachable."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs
        self.meta = sqs.meta
        self.receive_calls = 0

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        self.receive_calls += 1
        if self.receive_calls == 1:
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "ReceiveMessage")
        return dict(self._sqs.receive_message(**kwargs))

    def delete_message_batch(self, **kwargs: Any) -> dict[str, Any]:
        return dict(self._sqs.delete_message_batch(**kwargs))


def test_the_background_runner_survives_sqs_and_handler_errors(sqs: Any, stack: LocalStack) -> None:
    # GIVEN SQS failing the first poll, and a handler crashing on its first invocation
    calls: list[str] = []

    def crashes_once(event: dict[str, Any], context: Any) -> None:
        calls.extend(record["body"] for record in event["Records"])
        if len(calls) == 1:
            raise RuntimeError("first invocation crashed")

    _send(sqs, stack, "hello")
    runner = SqsLambdaRunner(FlakySqs(sqs), stack.queue_url, stack.queue_arn, crashes_once, wait_seconds=1)
    # WHEN the runner runs in the background
    with runner:
        # THEN the message is handled again after the crash, and deleted
        _eventually(lambda: calls == ["hello", "hello"] and _queue_depth(sqs, stack.queue_url) == 0)
        assert runner.running
    # AND leaving the block stops the thread
    assert not runner.running


def test_an_invocation_past_its_timeout_is_reported_and_a_quick_one_is_not(
    sqs: Any, stack: LocalStack
) -> None:
    # GIVEN a runner whose function times out after 0.2 s, told what to do when one overruns
    overruns: list[float] = []
    released = threading.Event()

    def slow(event: dict[str, Any], context: Any) -> None:
        released.wait(PATIENCE_SECONDS)

    runner = _runner(sqs, stack, slow, timeout_seconds=0.2, on_overrun=overruns.append)
    _send(sqs, stack, "slow", group="s")
    # WHEN an invocation outlives its timeout
    polling = threading.Thread(target=runner.run_once)
    polling.start()
    _eventually(lambda: bool(overruns), lambda: time.sleep(0.05))
    released.set()
    polling.join(PATIENCE_SECONDS)
    # THEN the runner said so once, with the timeout (a worker process ends there, as Lambda does)
    assert overruns == [0.2]
    # AND an invocation that ends in time is not reported
    quick = _runner(sqs, stack, lambda event, context: None, timeout_seconds=0.2, on_overrun=overruns.append)
    _send(sqs, stack, "quick", group="q")
    _eventually(lambda: quick.run_once().received > 0)
    time.sleep(0.3)
    assert overruns == [0.2]


def test_a_runner_gives_its_function_the_timeout_it_has_when_deployed(sqs: Any, stack: LocalStack) -> None:
    # GIVEN a runner for the triage, told no timeout
    handler = RecordingHandler()
    runner = _runner(sqs, stack, handler, function_name="triage")
    _send(sqs, stack, "one", group="a")
    # WHEN it invokes the handler
    runner.run_once()
    # THEN the context counts down from the triage function's own 30 s, not the 10 s default (the
    # triage starts no record with less than its record budget left)
    assert 10_000 < handler.contexts[0].get_remaining_time_in_millis() <= 30_000


def test_queue_workers_time_out_as_their_functions_do_in_the_template() -> None:
    # GIVEN the SAM template's queue-fed functions
    from cfnlint.decode import decode

    from local.runners import FUNCTION_TIMEOUT_SECONDS

    template, errors = decode(str(Path(__file__).resolve().parents[2] / "template.yaml"))
    assert not errors
    resources = template["Resources"]
    # THEN a local worker ends an invocation when the deployed function would
    assert {
        "triage": resources["TriageFunction"]["Properties"]["Timeout"],
        "outreach": resources["OutreachFunction"]["Properties"]["Timeout"],
    } == FUNCTION_TIMEOUT_SECONDS


def test_stop_ends_the_thread(sqs: Any, stack: LocalStack) -> None:
    runner = _runner(sqs, stack, RecordingHandler())
    runner.start()
    with pytest.raises(RuntimeError, match="already running"):
        runner.start()
    assert runner.stop(timeout=10) is True
    assert not runner.running


# ---- schedules ------------------------------------------------------------------------------------


def test_a_schedule_invokes_its_handler_repeatedly_with_scheduled_events() -> None:
    # GIVEN a handler that crashes on its first invocation
    events: list[dict[str, Any]] = []
    request_ids: list[str] = []
    lock = threading.Lock()

    def watcher(event: dict[str, Any], context: Any) -> None:
        with lock:
            events.append(event)
            request_ids.append(context.aws_request_id)
            if len(events) == 1:
                raise RuntimeError("first run crashed")

    # WHEN it is scheduled every 50 ms
    with ScheduleRunner(watcher, 0.05, function_name="deadline-watcher", region=REGION) as schedule:
        _eventually(lambda: len(events) >= 3)
    # THEN it ran again after the crash, and has stopped
    assert not schedule.running
    # AND every event looks like an EventBridge Scheduler invocation, each with its own ids
    first = events[0]
    assert (first["source"], first["detail-type"], first["region"], first["detail"]) == (
        "aws.scheduler",
        "Scheduled Event",
        REGION,
        {},
    )
    assert first["resources"] == [
        f"arn:aws:scheduler:{REGION}:123456789012:schedule/default/deadline-watcher"
    ]
    assert first["time"].endswith("Z")
    assert len({e["id"] for e in events}) == len(events) == len(set(request_ids))


def test_a_schedule_uses_the_event_factory() -> None:
    # GIVEN an event factory WHEN the schedule fires THEN the handler gets what the factory made
    schedule = ScheduleRunner(
        lambda event, context: event, 60, lambda at: {"source": "local", "at": at.isoformat()}
    )
    event = schedule.run_once()
    assert event["source"] == "local"
    assert event["at"].endswith("+00:00")


def test_a_schedule_needs_a_positive_period() -> None:
    with pytest.raises(ValueError, match="every_seconds must be positive"):
        ScheduleRunner(lambda event, context: None, 0)
