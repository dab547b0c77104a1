"""Deadline watcher Lambda: invoked every minute by EventBridge Scheduler (see DeadlineWatch)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.watcher.deadline_watch import DeadlineWatch
from functions.zendesk_access import CachedCatalog, zendesk_client
from infra.alerts import AlertPublisher
from infra.analytics import AnalyticsWriter
from infra.archive import ArchiveWriter
from infra.complaints import ComplaintStore
from infra.log_masking import mask_personal_numbers
from infra.observability import publishes_metrics, record_zendesk_throttled
from infra.settings import WatcherSettings
from policies.calendar import WorkingCalendar
from policies.loader import load_policy

logger = mask_personal_numbers(Logger(service="deadline-watcher"))


@cache
def watcher() -> DeadlineWatch:
    settings = WatcherSettings.from_env()
    table = boto3.resource("dynamodb").Table(settings.complaints_table)
    zendesk = zendesk_client(
        secret_name=settings.zendesk_secret_name,
        complaints_table=table,
        writes_per_minute=settings.zendesk_writes_per_minute,
    )
    policy = load_policy()
    return DeadlineWatch(
        policy,
        ComplaintStore(table),
        zendesk,
        AlertPublisher(
            boto3.client("sns"), {"sla": settings.sla_topic_arn, "critical": settings.critical_topic_arn}
        ),
        ticket_url=zendesk.agent_url,
        catalog=CachedCatalog(zendesk),
        archive=ArchiveWriter.from_settings(settings, policy.pii),
        analytics=AnalyticsWriter(
            boto3.client("s3"), settings.review_bucket, WorkingCalendar(policy.calendar).zone
        ),
    )


@publishes_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The clock, not the event's scheduled time: a late invocation must still see what is due now.
    report = watcher().run(datetime.now(UTC))
    summary = {
        "checked": report.checked,
        "warned": report.warned,
        "breached": report.breached,
        "deferred": report.deferred,
        "failed": len(report.failed),
    }
    if report.deferred:  # the run stopped at a Zendesk 429 or a spent write budget
        record_zendesk_throttled()
    logger.info("deadline watch run", extra=summary)
    return summary
