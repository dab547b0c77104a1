"""The embedded AWS of `triage local`: a moto server on loopback, provisioned like template.yaml."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from local.aws import (
    MotoServer,
    local_aws_environment,
    provision_local_stack,
    start_moto_server,
)

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with start_moto_server() as server:
        yield server


@pytest.fixture(autouse=True)
def _fake_credentials(fake_aws_credentials: None) -> None:
    """Every test here talks to a moto server on loopback with fake credentials."""


def _prefix() -> str:
    """Moto's state is shared by every test on the server: each test gets its own names."""
    return f"t{uuid.uuid4().hex[:10]}"


def _client(service: str, moto: MotoServer) -> Any:
    return boto3.client(service, endpoint_url=moto.endpoint_url, region_name=REGION)


def _queue_attributes(sqs: Any, url: str) -> dict[str, str]:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_the_server_listens_on_a_free_loopback_port(moto: MotoServer) -> None:
    # GIVEN a server started on port 0 THEN it reports the port it got, on loopback
    assert moto.endpoint_url == f"http://127.0.0.1:{moto.port}"
    assert moto.port > 0
    # AND it answers AWS calls there
    assert _client("sqs", moto).list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_the_queue_has_the_templates_settings(moto: MotoServer) -> None:
    # GIVEN a provisioned stack
    prefix = _prefix()
    stack = provision_local_stack(moto.endpoint_url, max_receive_count=3, visibility_timeout=7, prefix=prefix)
    sqs = _client("sqs", moto)
    # THEN the queue is the template's per-ticket FIFO queue
    queue = _queue_attributes(sqs, stack.queue_url)
    assert stack.queue_url.endswith(f"/{prefix}-ticket-events.fifo")
    assert {name: queue[name] for name in _TEMPLATE_QUEUE_SETTINGS} == _TEMPLATE_QUEUE_SETTINGS
    assert queue["VisibilityTimeout"] == "7"
    assert queue["QueueArn"] == stack.queue_arn
    # AND its redrive policy sends to the FIFO dead-letter queue after max_receive_count receives
    dlq = _queue_attributes(sqs, stack.dead_letter_queue_url)
    assert stack.dead_letter_queue_url.endswith(f"/{prefix}-ticket-events-dlq.fifo")
    assert json.loads(queue["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq["QueueArn"],
        "maxReceiveCount": 3,
    }
    assert (dlq["FifoQueue"], dlq["MessageRetentionPeriod"]) == ("true", "1209600")


_TEMPLATE_QUEUE_SETTINGS = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "messageGroup",
    "FifoThroughputLimit": "perMessageGroupId",
    "MessageRetentionPeriod": "1209600",
    "SqsManagedSseEnabled": "true",
}


def test_the_tables_are_on_demand_with_their_keys_and_ttl(moto: MotoServer) -> None:
    # GIVEN a provisioned stack
    stack = provision_local_stack(moto.endpoint_url, prefix=_prefix())
    dynamodb = _client("dynamodb", moto)
    # THEN the complaints table has pk/sk string keys and TTL on expires_at
    complaints = dynamodb.describe_table(TableName=stack.complaints_table)["Table"]
    assert _key_schema(complaints) == [("pk", "HASH", "S"), ("sk", "RANGE", "S")]
    assert complaints["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert _ttl(dynamodb, stack.complaints_table) == ("ENABLED", "expires_at")
    # AND the idempotency table has Powertools' layout: key id, TTL on expiration
    idempotency = dynamodb.describe_table(TableName=stack.idempotency_table)["Table"]
    assert _key_schema(idempotency) == [("id", "HASH", "S")]
    assert idempotency["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert _ttl(dynamodb, stack.idempotency_table) == ("ENABLED", "expiration")


def _key_schema(table: dict[str, Any]) -> list[tuple[str, str, str]]:
    types = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    return [(k["AttributeName"], k["KeyType"], types[k["AttributeName"]]) for k in table["KeySchema"]]


def _ttl(dynamodb: Any, table: str) -> tuple[str, str]:
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    return ttl["TimeToLiveStatus"], ttl["AttributeName"]


def test_provisioning_twice_is_harmless_and_keeps_what_is_queued(moto: MotoServer) -> None:
    # GIVEN a provisioned stack holding a message
    prefix = _prefix()
    first = provision_local_stack(moto.endpoint_url, prefix=prefix)
    sqs = _client("sqs", moto)
    sqs.send_message(
        QueueUrl=first.queue_url, MessageBody="kept", MessageGroupId="1", MessageDeduplicationId="kept"
    )
    # WHEN it is provisioned again, with a new visibility timeout
    second = provision_local_stack(moto.endpoint_url, prefix=prefix, visibility_timeout=11)
    # THEN the same resources are returned, the new setting applied, and the message is still there
    assert second == first
    assert _queue_attributes(sqs, second.queue_url)["VisibilityTimeout"] == "11"
    received = sqs.receive_message(QueueUrl=second.queue_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in received] == ["kept"]
    assert _ttl(_client("dynamodb", moto), second.complaints_table) == ("ENABLED", "expires_at")


def test_the_environment_points_boto3_and_the_handlers_at_the_stack(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the environment for a provisioned stack
    prefix = _prefix()
    stack = provision_local_stack(moto.endpoint_url, prefix=prefix)
    environment = local_aws_environment(stack)
    assert environment == {
        "AWS_ENDPOINT_URL": moto.endpoint_url,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "QUEUE_URL": stack.queue_url,
        "DEAD_LETTER_QUEUE_URL": stack.dead_letter_queue_url,
        "SOCIAL_QUEUE_URL": stack.social_queue_url,
        "SOCIAL_DEAD_LETTER_QUEUE_URL": stack.social_dead_letter_queue_url,
        "COMPLAINTS_TABLE": stack.complaints_table,
        "IDEMPOTENCY_TABLE": stack.idempotency_table,
        "SLA_TOPIC_ARN": stack.sla_topic_arn,
        "CRITICAL_TOPIC_ARN": stack.critical_topic_arn,
        "ARCHIVE_BUCKET": stack.archive_bucket,
        "ARCHIVE_KMS_KEY_ID": stack.archive_kms_key_id,
        "PII_KMS_KEY_ID": stack.pii_kms_key_id,
        "REVIEW_BUCKET": stack.review_bucket,
    }
    # WHEN a handler builds its clients the usual way (no endpoint, no region), under that environment
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    sqs, dynamodb = boto3.client("sqs"), boto3.client("dynamodb")
    # THEN they reach the local stack
    assert stack.queue_url in sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]
    assert dynamodb.describe_table(TableName=stack.complaints_table)["Table"]["TableStatus"] == "ACTIVE"


def test_a_stopped_server_no_longer_answers(fake_aws_credentials: None) -> None:
    # GIVEN a second server, used and then stopped
    with start_moto_server() as server:
        sqs = boto3.client(
            "sqs",
            endpoint_url=server.endpoint_url,
            region_name=REGION,
            config=Config(retries={"max_attempts": 1}, connect_timeout=2),
        )
        sqs.list_queues()
    server.stop()  # a second stop does nothing
    # WHEN it is called again THEN the connection is refused
    with pytest.raises(EndpointConnectionError):
        sqs.list_queues()


def test_moto_in_a_child_process_serves_the_same_stack() -> None:
    # GIVEN moto started in its own process (what the load benchmark uses)
    from local.aws import MotoServerProcess

    with MotoServerProcess() as moto:
        # WHEN the stack is provisioned there THEN its queues answer at that endpoint
        stack = provision_local_stack(moto.endpoint_url, prefix="child-process")
        sqs = boto3.client(
            "sqs",
            endpoint_url=moto.endpoint_url,
            region_name=stack.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        assert sqs.get_queue_attributes(QueueUrl=stack.queue_url, AttributeNames=["FifoQueue"])[
            "Attributes"
        ] == {"FifoQueue": "true"}
    # AND once stopped it no longer answers
    with pytest.raises(EndpointConnectionError):
        sqs.list_queues()
