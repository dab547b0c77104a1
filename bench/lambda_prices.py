"""AWS list prices (us-east-1, on-demand, no free tier) the cost estimate of bench/lambda_cost.py uses.

Assumptions, not quotes: check https://aws.amazon.com/pricing before relying on a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

LAMBDA_ARM_GB_SECOND = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1e6
HTTP_API_REQUEST = 1.00 / 1e6
SQS_FIFO_REQUEST = 0.50 / 1e6
DYNAMODB_WRITE_UNIT = 0.625 / 1e6
DYNAMODB_READ_UNIT = 0.125 / 1e6
S3_PUT = 0.005 / 1000
KMS_REQUEST = 0.03 / 10_000
SNS_PUBLISH = 0.50 / 1e6
SECRETS_MANAGER_CALL = 0.05 / 10_000
LOGS_INGESTED_GB = 0.50
# Assumed, not measured: what one invocation logs (a few JSON lines from Powertools Logger).
LOG_BYTES_PER_INVOCATION = 2_000
# Assumed, not measured: a Zendesk API round trip from AWS; locally the sandbox answers on loopback.
ZENDESK_ROUND_TRIP_SECONDS = 0.2

# Fixed monthly, whatever the volume.
SECRET_MONTH = 0.40
KMS_KEY_MONTH = 1.00
WATCHER_RUNS_PER_MONTH = 60 * 24 * 30


@dataclass(frozen=True)
class Usage:
    """What one complaint uses, averaged over a measured run."""

    webhook_invocations: float
    webhook_seconds: float  # per invocation
    triage_invocations: float
    triage_seconds: float  # per invocation, Zendesk round trips included
    memory_gb: float
    sqs_requests: float
    dynamodb_write_units: float
    dynamodb_read_units: float
    s3_puts: float
    kms_requests: float
    sns_publishes: float
    secrets_calls: float


def cost_lines(usage: Usage, complaints: float = 1e6) -> list[tuple[str, float]]:
    """(item, dollars) for `complaints` complaints."""
    invocations = usage.webhook_invocations + usage.triage_invocations
    gb_seconds = usage.memory_gb * (
        usage.webhook_invocations * usage.webhook_seconds + usage.triage_invocations * usage.triage_seconds
    )
    return [
        ("Lambda compute (arm64 GB-s)", complaints * gb_seconds * LAMBDA_ARM_GB_SECOND),
        ("Lambda requests", complaints * invocations * LAMBDA_REQUEST),
        ("HTTP API requests", complaints * usage.webhook_invocations * HTTP_API_REQUEST),
        ("SQS FIFO requests", complaints * usage.sqs_requests * SQS_FIFO_REQUEST),
        ("DynamoDB writes", complaints * usage.dynamodb_write_units * DYNAMODB_WRITE_UNIT),
        ("DynamoDB reads", complaints * usage.dynamodb_read_units * DYNAMODB_READ_UNIT),
        ("S3 archive PUTs", complaints * usage.s3_puts * S3_PUT),
        ("KMS requests", complaints * usage.kms_requests * KMS_REQUEST),
        ("SNS publishes", complaints * usage.sns_publishes * SNS_PUBLISH),
        ("Secrets Manager calls", complaints * usage.secrets_calls * SECRETS_MANAGER_CALL),
        ("CloudWatch Logs", complaints * invocations * LOG_BYTES_PER_INVOCATION / 1e9 * LOGS_INGESTED_GB),
    ]
