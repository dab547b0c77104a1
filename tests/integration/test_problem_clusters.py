"""Problem clusters in DynamoDB (moto): distinct customers within the window, grouped once, told once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.complaints import TABLE_SCHEMA
from infra.problem_clusters import ProblemClusters

REGION = "eu-west-1"
AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
WINDOW = timedelta(hours=72)


@pytest.fixture
def clusters(mocked_aws: None) -> Iterator[ProblemClusters]:
    table = boto3.resource("dynamodb", region_name=REGION).create_table(
        TableName="complaints", **TABLE_SCHEMA
    )
    yield ProblemClusters(table)


def join(clusters: ProblemClusters, customer: str, ticket: int, at: datetime = AT):
    return clusters.join(
        "sku_a1|quality_defect", customer=customer, ticket_id=ticket, at=at, window=WINDOW, min_customers=3
    )


def test_distinct_customers_group_the_problem_once(clusters: ProblemClusters) -> None:
    # GIVEN two customers (one of them twice) WHEN a third distinct customer joins
    assert join(clusters, "a", 1).grouped is False
    assert join(clusters, "a", 2).customers == 1
    assert join(clusters, "b", 3).grouped is False
    third = join(clusters, "c", 4)
    # THEN the problem is grouped, with every ticket, and needs its fan-out
    assert (third.grouped, third.needs_fan_out, third.customers) == (True, True, 3)
    assert third.tickets == (1, 2, 3, 4)
    # WHEN the fan-out is done THEN later joins stay grouped but need no second fan-out
    clusters.mark_fanned_out(third.key)
    later = join(clusters, "d", 5)
    assert (later.grouped, later.needs_fan_out) == (True, False)


def test_a_retried_join_changes_nothing(clusters: ProblemClusters) -> None:
    join(clusters, "a", 1)
    again = join(clusters, "a", 1)
    assert (again.customers, again.tickets) == (1, (1,))


def test_reports_older_than_the_window_are_forgotten(clusters: ProblemClusters) -> None:
    # GIVEN two old reports WHEN a third customer reports after the window THEN no group
    join(clusters, "a", 1, AT)
    join(clusters, "b", 2, AT)
    late = join(clusters, "c", 3, AT + WINDOW + timedelta(minutes=1))
    assert (late.customers, late.grouped) == (1, False)
