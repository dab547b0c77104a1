"""Complaint records and obligations in DynamoDB (moto): versioned, one transaction per save."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.complaints import TABLE_SCHEMA, ComplaintStore, StaleComplaintRecord
from policies.complaint_state import ComplaintRecord, Obligation

REGION = "eu-west-1"
RECEIVED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(mocked_aws: None) -> Iterator[ComplaintStore]:
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    table = dynamodb.create_table(TableName="complaints", **TABLE_SCHEMA)
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


def test_the_watch_index_finds_exactly_the_tickets_whose_time_has_come(store: ComplaintStore) -> None:
    # GIVEN three tickets: warning due at +45 min, at +3 h, and one already met
    def saved(ticket_id: int, warn_in: timedelta, state: str = "open") -> None:
        base = record().model_copy(update={"ticket_id": ticket_id, "obligations": {}})
        store.save(
            base.with_obligation(
                Obligation(
                    kind="first_response",
                    rule="R-SLA-1",
                    due_at=RECEIVED + warn_in + timedelta(minutes=15),
                    warn_at=RECEIVED + warn_in,
                    state=state,
                    opened_at=RECEIVED,
                    opened_by="ev",
                )
            )
        )

    saved(1, timedelta(minutes=45))
    saved(2, timedelta(hours=3))
    saved(3, timedelta(minutes=10), state="met")
    # WHEN the watcher asks at +50 min THEN only ticket 1 comes back (index query across shards)
    assert store.tickets_to_check(RECEIVED + timedelta(minutes=50)) == [1]
    # AND at +4 h ticket 2 too; the met one never
    assert store.tickets_to_check(RECEIVED + timedelta(hours=4)) == [1, 2]


def test_a_breached_obligation_leaves_the_index(store: ComplaintStore) -> None:
    # GIVEN an obligation marked breached
    breached = record()
    first = breached.obligations["first_response"].model_copy(update={"state": "breached"})
    store.save(breached.with_obligation(first))
    # THEN the watcher no longer sees it
    assert store.tickets_to_check(RECEIVED + timedelta(days=1)) == []


def test_weekly_counts_are_idempotent_per_ticket_and_lights_fire_once(store: ComplaintStore) -> None:
    from datetime import date

    from infra.category_counts import WeeklyCategoryCounts

    counts = WeeklyCategoryCounts(boto3.resource("dynamodb", region_name=REGION).Table("complaints"))
    week = date(2026, 11, 23)
    # GIVEN two complaints last week and three this week, one of them counted twice
    counts.add("product", week - timedelta(days=7), 1)
    counts.add("product", week - timedelta(days=7), 2)
    counts.add("product", week, 3)
    counts.add("product", week, 4)
    # WHEN the fifth arrives THEN this week is 3 (the retried ticket once) against last week's 2
    counts.add("product", week, 4)
    assert counts.add("product", week, 5) == (3, 2)
    # AND a light is raised once per week and colour
    assert counts.raise_light("product", week, "red") is True
    assert counts.raise_light("product", week, "red") is False
    assert counts.raise_light("product", week, "yellow") is True


def test_a_write_intent_is_noted_once_per_event_and_stays_out_of_the_record(store: ComplaintStore) -> None:
    # GIVEN a saved record
    store.save(record())
    # WHEN an event's write intent is noted twice, and another event's once
    first = store.note_write(7, "ev-1", now=RECEIVED)
    second = store.note_write(7, "ev-1", now=RECEIVED + timedelta(minutes=9))
    other = store.note_write(7, "ev-2", now=RECEIVED)
    # THEN only the repeat says an earlier attempt got as far as writing
    assert (first, second, other) == (False, True, False)
    # AND the record and its obligations read as before
    assert store.get(7) is not None and store.get(7).level == 1
    assert [o.kind for o in store.obligations(7)] == ["first_response"]
