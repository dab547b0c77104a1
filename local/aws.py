"""An embedded AWS for `triage local`: moto in server mode on loopback, provisioned like template.yaml.

`start_moto_server()` runs moto's HTTP server in a thread of this process; `provision_local_stack()`
creates (idempotently) the queues and tables the Lambdas use, with the template's settings;
`local_aws_environment()` is what to put in the environment so boto3 and the handlers talk to it.

Moto keeps its state in process-wide backends: every server started in this process, and every
`mock_aws()` block, share (and reset) the same accounts. Use distinct prefixes for distinct stacks.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from infra.complaints import TABLE_SCHEMA as COMPLAINTS_TABLE_SCHEMA

logger = logging.getLogger(__name__)

# Credentials moto accepts; never real ones, so a mis-pointed client fails instead of touching AWS.
FAKE_CREDENTIAL = "testing"
DEFAULT_REGION = "eu-west-1"
# The template's retention for both queues: 14 days, SQS's maximum.
MESSAGE_RETENTION_SECONDS = 1_209_600
# The layout Powertools' DynamoDBPersistenceLayer expects by default.
_IDEMPOTENCY_SCHEMA: dict[str, Any] = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


class MotoServer:
    """A running moto server; stop it with `.stop()` or by leaving its `with` block."""

    def __init__(self, server: ThreadedMotoServer) -> None:
        self._server = server
        host, port = server.get_host_and_port()
        self.host = host
        self.port = port
        self.endpoint_url = f"http://{_url_host(host)}:{port}"
        self._stopped = False

    def stop(self) -> None:
        """Stop serving and release the port; calling it again does nothing."""
        if self._stopped:
            return
        self._stopped = True
        self._server.stop()
        # ThreadedMotoServer shuts its WSGI server down but leaves the listening socket open.
        wsgi_server = getattr(self._server, "_server", None)
        if wsgi_server is not None:
            wsgi_server.server_close()

    def __enter__(self) -> MotoServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_moto_server(host: str = "127.0.0.1", port: int = 0) -> MotoServer:
    """Start moto on host:port; port 0 lets the OS pick a free port (read it from `.endpoint_url`)."""
    # werkzeug logs every request to stderr at INFO; keep warnings, unless someone chose a level.
    werkzeug_logger = logging.getLogger("werkzeug")
    if werkzeug_logger.level == logging.NOTSET:
        werkzeug_logger.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    moto = MotoServer(server)
    logger.info("moto server listening", extra={"endpoint_url": moto.endpoint_url})
    return moto


class MotoServerProcess:
    """moto's server in a child process: its own interpreter and GIL, for load runs.

    Same surface as `MotoServer` (`endpoint_url`, `stop()`, `with`). State is the child's own.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, ready_timeout: float = 30.0) -> None:
        if port == 0:
            with socket.socket() as probe:  # a free port for the child to take
                probe.bind((host, 0))
                port = int(probe.getsockname()[1])
        self.host, self.port = host, port
        self.endpoint_url = f"http://{_url_host(host)}:{port}"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + ready_timeout
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"moto server did not start on {self.endpoint_url}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=1):
                return True
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> MotoServerProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class LocalStack:
    """Where the provisioned resources are."""

    endpoint_url: str
    region: str
    queue_url: str
    queue_arn: str
    dead_letter_queue_url: str
    social_queue_url: str
    social_queue_arn: str
    social_dead_letter_queue_url: str
    complaints_table: str
    idempotency_table: str
    sla_topic_arn: str
    critical_topic_arn: str
    archive_bucket: str
    archive_kms_key_id: str
    pii_kms_key_id: str
    review_bucket: str


def provision_local_stack(
    endpoint_url: str,
    region: str = DEFAULT_REGION,
    *,
    max_receive_count: int = 5,
    visibility_timeout: int = 30,
    prefix: str = "triage-local",
) -> LocalStack:
    """Create what template.yaml defines, or bring existing resources back to these settings."""
    session = boto3.session.Session(
        aws_access_key_id=FAKE_CREDENTIAL, aws_secret_access_key=FAKE_CREDENTIAL, region_name=region
    )
    sqs = session.client("sqs", endpoint_url=endpoint_url)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
    sns = session.client("sns", endpoint_url=endpoint_url)

    queue_url, dlq_url = _fifo_queue_with_dlq(
        sqs,
        f"{prefix}-ticket-events",
        visibility_timeout=visibility_timeout,
        max_receive_count=max_receive_count,
    )
    social_queue_url, social_dlq_url = _fifo_queue_with_dlq(
        sqs,
        f"{prefix}-social-posts",
        visibility_timeout=visibility_timeout,
        max_receive_count=max_receive_count,
    )

    complaints_table = f"{prefix}-complaints"
    _ensure_table(dynamodb, complaints_table, schema=COMPLAINTS_TABLE_SCHEMA, ttl_attribute="expires_at")
    # The layout Powertools' DynamoDBPersistenceLayer expects by default.
    idempotency_table = f"{prefix}-idempotency"
    _ensure_table(dynamodb, idempotency_table, schema=_IDEMPOTENCY_SCHEMA, ttl_attribute="expiration")

    return LocalStack(
        endpoint_url=endpoint_url,
        region=region,
        queue_url=queue_url,
        queue_arn=_queue_arn(sqs, queue_url),
        dead_letter_queue_url=dlq_url,
        social_queue_url=social_queue_url,
        social_queue_arn=_queue_arn(sqs, social_queue_url),
        social_dead_letter_queue_url=social_dlq_url,
        complaints_table=complaints_table,
        idempotency_table=idempotency_table,
        sla_topic_arn=sns.create_topic(Name=f"{prefix}-sla-alerts")["TopicArn"],
        critical_topic_arn=sns.create_topic(Name=f"{prefix}-critical-alerts")["TopicArn"],
        **_archive(session, endpoint_url, region, prefix),
    )


def local_aws_environment(stack: LocalStack) -> dict[str, str]:
    """Environment variables that point boto3 (≥ 1.28 reads AWS_ENDPOINT_URL) and the handlers at it."""
    return {
        "AWS_ENDPOINT_URL": stack.endpoint_url,
        "AWS_DEFAULT_REGION": stack.region,
        "AWS_REGION": stack.region,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIAL,
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIAL,
        # Overrides a real session token left in the shell, which must not travel with fake keys.
        "AWS_SESSION_TOKEN": FAKE_CREDENTIAL,
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


def _archive(session: Any, endpoint_url: str, region: str, prefix: str) -> dict[str, str]:
    """The archive bucket (Object Lock, GOVERNANCE for a day: a local stack is a dev stack) and its keys."""
    s3 = session.client("s3", endpoint_url=endpoint_url)
    kms = session.client("kms", endpoint_url=endpoint_url)
    bucket = f"{prefix}-archive".lower()
    try:
        s3.create_bucket(
            Bucket=bucket,
            CreateBucketConfiguration={"LocationConstraint": region},
            ObjectLockEnabledForBucket=True,
        )
    except ClientError as exc:
        if _error_code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            raise
    lock = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    # Set once: a bucket reused by a later local run already has it (and moto refuses to set it
    # again on a bucket that holds objects).
    current = s3.get_object_lock_configuration(Bucket=bucket).get("ObjectLockConfiguration", {})
    retention = current.get("Rule", {}).get("DefaultRetention", {})
    if (retention.get("Mode"), retention.get("Days")) != ("GOVERNANCE", 1):
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=lock)
    keys = {}
    for name in ("archive", "pii"):
        alias = f"alias/{prefix}-{name}"
        found = [
            a
            for a in kms.list_aliases().get("Aliases", [])
            if a["AliasName"] == alias and a.get("TargetKeyId")
        ]
        if found:
            keys[name] = kms.describe_key(KeyId=found[0]["TargetKeyId"])["KeyMetadata"]["Arn"]
        else:
            keys[name] = kms.create_key(Description=f"{prefix} {name}")["KeyMetadata"]["Arn"]
            kms.create_alias(AliasName=alias, TargetKeyId=keys[name])
    review = f"{prefix}-review".lower()
    try:
        s3.create_bucket(Bucket=review, CreateBucketConfiguration={"LocationConstraint": region})
    except ClientError as exc:
        if _error_code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            raise
    return {
        "archive_bucket": bucket,
        "archive_kms_key_id": keys["archive"],
        "pii_kms_key_id": keys["pii"],
        "review_bucket": review,
    }


def _fifo_queue_with_dlq(
    sqs: Any, name: str, *, visibility_timeout: int, max_receive_count: int
) -> tuple[str, str]:
    """A FIFO queue `<name>.fifo` redriving to `<name>-dlq.fifo`, as template.yaml declares them."""
    dlq_url = _ensure_queue(
        sqs,
        f"{name}-dlq.fifo",
        {"MessageRetentionPeriod": str(MESSAGE_RETENTION_SECONDS), "SqsManagedSseEnabled": "true"},
    )
    queue_url = _ensure_queue(
        sqs,
        f"{name}.fifo",
        {
            "ContentBasedDeduplication": "false",
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
            "VisibilityTimeout": str(visibility_timeout),
            "MessageRetentionPeriod": str(MESSAGE_RETENTION_SECONDS),
            "SqsManagedSseEnabled": "true",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": _queue_arn(sqs, dlq_url), "maxReceiveCount": max_receive_count}
            ),
        },
    )
    return queue_url, dlq_url


def _ensure_queue(sqs: Any, name: str, attributes: dict[str, str]) -> str:
    """A FIFO queue with these attributes: created, or an existing one updated to match."""
    try:
        url = str(sqs.get_queue_url(QueueName=name)["QueueUrl"])
    except ClientError as exc:
        if _error_code(exc) not in {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}:
            raise
        return str(
            sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", **attributes})["QueueUrl"]
        )
    # FifoQueue cannot change after creation; every other attribute here can.
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return url


def _queue_arn(sqs: Any, queue_url: str) -> str:
    return str(
        sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    )


def _ensure_table(dynamodb: Any, name: str, *, schema: dict[str, Any], ttl_attribute: str) -> None:
    """A table of this schema with TTL on `ttl_attribute`."""
    try:
        dynamodb.create_table(TableName=name, **schema)
    except ClientError as exc:
        if _error_code(exc) != "ResourceInUseException":
            raise
    dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    # DynamoDB refuses to enable TTL twice, so only ask when it is not already on this attribute.
    if ttl.get("TimeToLiveStatus") in {"ENABLED", "ENABLING"} and ttl.get("AttributeName") == ttl_attribute:
        return
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute}
    )


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
