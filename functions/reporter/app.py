"""The review reporter Lambda (issue 14): runs every morning; on the first working day of a month
or week it publishes the review due (Athena over the analytics copy → reports/ → team leads)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from infra.settings import ReporterSettings

logger = Logger(service="complaint-review")


@cache
def publisher() -> Any:
    import boto3

    from functions.reporter.publish import ReviewPublisher
    from infra.athena_queries import AthenaQueries
    from policies.engine import TriageEngine

    settings = ReporterSettings.from_env()
    base = settings.zendesk_agent_url.rstrip("/")
    return ReviewPublisher(
        engine=TriageEngine.from_directory(),
        queries=AthenaQueries(boto3.client("athena"), settings.analytics_database, settings.athena_workgroup),
        s3=boto3.client("s3"),
        sns=boto3.client("sns"),
        bucket=settings.review_bucket,
        topic_arn=settings.report_topic_arn,
        ticket_url=lambda ticket_id: f"{base}/agent/tickets/{int(ticket_id)}",
        link_seconds=settings.report_link_seconds,
    )


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from functions.reporter.publish import due_periods

    reviews = publisher()
    calendar = reviews.engine.calendar
    today = datetime.now(UTC).astimezone(calendar.zone).date()
    published = []
    for period in due_periods(today, calendar.is_working_day, calendar.zone):
        done = reviews.publish(period)
        logger.info("review published", extra={"period": period.label, "key": done.key})
        published.append({"period": period.label, "key": done.key})
    return {"published": published}
