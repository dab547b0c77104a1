"""Complaint records and obligations in DynamoDB (moto): versioned, one transaction per save."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from infra.complaints import ComplaintStore, StaleComplaintRecord
from policies.complaint_state import ComplaintRecord, Obligation

REGION = "eu-west-1"
RECEIVED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[ComplaintStore]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name=REGION)
        table = dynamodb.create_table(
            TableName="complaints",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield ComplaintStore(table)


def record() -> ComplaintRecord:
    base = ComplaintRecord(
        ticket_id=7,
        level=1,
        category="product",
        subtype="quality_defect",
        emotion="high",
        language="zh",
        policy_version="abc123abc123",
        received_at=RECEIVED,
    )
    return base.with_obligation(
        Obligation(
            kind="first_response",
            rule="R-SLA-1",
            due_at=RECEIVED + timedelta(hours=1),
            opened_at=RECEIVED,
            opened_by="ev-1",
        )
    )


def test_a_saved_record_reads_back_with_its_obligations(store: ComplaintStore) -> None:
    # GIVEN a new record WHEN saved THEN it reads back equal, at version 1
    saved = store.save(record())
    assert saved.version == 1
    assert store.get(7) == saved
    # AND its obligation is an item of its own, with the due time in UTC, for the watcher
    assert [o.kind for o in store.obligations(7)] == ["first_response"]


def test_a_second_writer_with_a_stale_version_is_refused(store: ComplaintStore) -> None:
    # GIVEN a saved record, read twice
    store.save(record())
    first, second = store.get(7), store.get(7)
    assert first is not None and second is not None
    # WHEN both save a change
    store.save(first.meet("first_response", RECEIVED, "comment:1"))
    # THEN the second is refused, and the first change stands
    with pytest.raises(StaleComplaintRecord):
        store.save(second.model_copy(update={"status": "solved"}))
    stored = store.get(7)
    assert (
        stored is not None and stored.obligations["first_response"].state == "met" and stored.status == "new"
    )


def test_creating_a_record_that_exists_is_refused(store: ComplaintStore) -> None:
    store.save(record())
    with pytest.raises(StaleComplaintRecord):
        store.save(record())


def test_an_unknown_ticket_has_no_record(store: ComplaintStore) -> None:
    assert store.get(404) is None
