"""The review use case: which report is due today, build it, keep it, tell the team leads.

R-REVIEW-1's monthly report on the first working day of a month (for the month before) and
R-REVIEW-3's weekly review on the first working day of a week (for the week before), by the
working-day calendar of calendar.yaml. Reports go to the review bucket's `reports/` prefix (not
the archive's: a presigned link works only if its signer may read the object, and the archive's
key is compliance's alone); the message carries the summary and a presigned link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from functions.reporter.page import render_page, summary_lines
from functions.reporter.periods import Period, previous_month, previous_week
from functions.reporter.queries import QueryEngine
from functions.reporter.review import build_review
from policies.engine import TriageEngine

REPORTS_PREFIX = "reports"


@dataclass(frozen=True)
class Published:
    period: Period
    key: str
    message_id: str


def due_periods(today: date, is_working_day: Callable[[date], bool], zone: Any) -> list[Period]:
    """The reports due on `today`: the month before on the month's first working day, the week
    before on the week's first working day (nothing on a non-working day)."""
    if not is_working_day(today):
        return []
    due = []
    first_of_month = today.replace(day=1)
    if all(
        not is_working_day(first_of_month + timedelta(days=n)) for n in range((today - first_of_month).days)
    ):
        due.append(previous_month(today, zone))
    monday = today - timedelta(days=today.weekday())
    if all(not is_working_day(monday + timedelta(days=n)) for n in range(today.weekday())):
        due.append(previous_week(today, zone))
    return due


def report_key(period: Period) -> str:
    return f"{REPORTS_PREFIX}/{period.kind}/{period.label}.html"


@dataclass(frozen=True)
class ReviewPublisher:
    engine: TriageEngine
    queries: QueryEngine
    s3: Any
    sns: Any
    bucket: str
    topic_arn: str
    ticket_url: Callable[[int], str]
    link_seconds: int

    def publish(self, period: Period) -> Published:
        review = build_review(self.queries, period, self.engine.policy)
        key = report_key(period)
        self.s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=render_page(review, self.ticket_url).encode("utf-8"),
            ContentType="text/html; charset=utf-8",
            ServerSideEncryption="AES256",
        )
        link = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.link_seconds
        )
        lines = summary_lines(review)
        answer = self.sns.publish(
            TopicArn=self.topic_arn,
            Subject=f"Complaint review {period.label}"[:100],
            Message="\n".join([*lines, "", link]),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": period.kind}},
        )
        return Published(period, key, str(answer["MessageId"]))
