"""Group complaints (R-GRADE-1b) with fakes: the 5th distinct customer raises all five, one alert."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.triage.ticket_triage import TicketTriage
from integrations.zendesk.events import EventType, TicketEvent
from integrations.zendesk.ticket_fields import FieldCatalog
from policies.engine import TriageEngine
from tests.fakes import (
    FakeTicketApi,
    InMemoryComplaintRecords,
    InMemoryProblemClusters,
    RecordedAlerts,
    RecordedQueue,
    ticket_event,
)

ENGINE = TriageEngine.from_directory()
GROUP = ENGINE.policy.alerting.group_complaint
BROKEN = ("耳机坏了", "刚买的耳机左耳没有声音,质量太差了")


@pytest.fixture
def world():
    api, records, alerts, queue = (
        FakeTicketApi(),
        InMemoryComplaintRecords(),
        RecordedAlerts(),
        RecordedQueue(),
    )
    return api, records, alerts, queue, _triage(api, records, alerts, queue)


def _triage(api, records, alerts, queue, **options) -> TicketTriage:
    return TicketTriage(
        ENGINE,
        api,
        records,
        lambda: FieldCatalog(field_ids={}, group_ids={}),
        alerts=alerts,
        clusters=InMemoryProblemClusters(),
        group_queue=queue,
        **options,
    )


def created(ticket_id: int) -> TicketEvent:
    return ticket_event(ticket_id, event_id=f"created-{ticket_id}", at=FakeTicketApi().now)


def test_the_fifth_customer_with_the_same_product_problem_raises_all_five(world) -> None:
    api, records, alerts, queue, triage = world
    # GIVEN four customers reported the same product (sku tag) broken: routine complaints
    tickets = [
        api.add_ticket(*BROKEN, requester_id=100 + n, tags=["sku_a1"]) for n in range(GROUP.min_customers)
    ]
    for ticket_id in tickets[:-1]:
        triage.handle(created(ticket_id))
    assert {records.get(t).level for t in tickets[:-1]} == {3}
    assert queue.events == [] and alerts.sent == []
    # WHEN the fifth distinct customer reports it
    triage.handle(created(tickets[-1]))
    # THEN that ticket is level 1 for R-GRADE-1b, one cluster alert went out, the others were told
    assert records.get(tickets[-1]).level == 1 and "R-GRADE-1b" in records.get(tickets[-1]).reason_rules
    assert [a.cause for a in alerts.sent] == ["group_complaint"]
    assert sorted(e.ticket_id for e in queue.events) == sorted(tickets[:-1])
    # WHEN the queued events are handled THEN every earlier ticket is raised too, tagged with the cluster
    for queued in list(queue.events):
        triage.handle(queued)
    assert {records.get(t).level for t in tickets} == {1}
    group_tags = {
        tag for t in tickets for tag in api.tickets[t]["tags"] if tag.startswith("complaint_group_")
    }
    assert len(group_tags) == 1
    # AND still one alert for the whole cluster
    assert [a.cause for a in alerts.sent] == ["group_complaint"]


def test_one_customer_writing_five_times_is_not_a_group(world) -> None:
    api, _records, alerts, queue, triage = world
    # GIVEN one customer opens five tickets about the same product
    for _ in range(GROUP.min_customers):
        triage.handle(created(api.add_ticket(*BROKEN, requester_id=100, tags=["sku_a1"])))
    # THEN nothing is grouped
    assert queue.events == [] and alerts.sent == []


def test_a_bare_category_without_product_or_signal_is_never_grouped(world) -> None:
    api, _records, alerts, queue, triage = world
    # GIVEN five different customers with late parcels (no product tag, no grading signal)
    for n in range(GROUP.min_customers):
        triage.handle(created(api.add_ticket("Late", "My parcel is a week late.", requester_id=200 + n)))
    # THEN they stay routine: five late parcels are not one problem
    assert queue.events == [] and alerts.sent == []


def test_a_raise_is_stamped_when_the_cluster_formed_and_sorts_after_the_triage_it_follows(world) -> None:
    api, records, alerts, queue, _ = world
    # GIVEN a triage whose clock reads a moment with microseconds, after every ticket was received
    formed = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    triage = _triage(api, records, alerts, queue, clock=lambda: formed)
    tickets = [
        api.add_ticket(*BROKEN, requester_id=200 + n, tags=["sku_b2"]) for n in range(GROUP.min_customers)
    ]
    for ticket_id in tickets:
        triage.handle(created(ticket_id))
    # THEN every raise queued for an earlier ticket carries that exact moment, later than the events
    # it follows, so the archive (keys start with the time) lists the raise after the triage
    assert queue.events and {e.occurred_at for e in queue.events} == {formed}
    assert all(created(t).occurred_at < formed for t in tickets)


def test_a_ticket_an_agent_takes_out_is_counted_no_more_and_no_second_alert(world) -> None:
    api, records, alerts, _queue, triage = world
    # GIVEN a group complaint of exactly the threshold, alerted once
    tickets = [
        api.add_ticket(*BROKEN, requester_id=300 + n, tags=["sku_c3"]) for n in range(GROUP.min_customers)
    ]
    for ticket_id in tickets:
        triage.handle(created(ticket_id))
    key = records.get(tickets[0]).problem
    assert key == "sku_c3|quality_defect" and [a.cause for a in alerts.sent] == ["group_complaint"]
    # WHEN an agent tags one ticket as not part of the group and it changes again
    api.tickets[tickets[0]]["tags"].append(GROUP.not_in_group_tag)
    triage.handle(updated(tickets[0]))
    # THEN it left the cluster (counted once), and the record no longer claims the problem
    assert tickets[0] not in triage._clusters.members[key]  # type: ignore[attr-defined]
    assert records.get(tickets[0]).problem is None
    # WHEN another customer then reports the same problem, bringing the count back to the threshold
    triage.handle(created(api.add_ticket(*BROKEN, requester_id=399, tags=["sku_c3"])))
    # THEN PR is not alerted a second time for the same problem
    assert [a.cause for a in alerts.sent] == ["group_complaint"]


def updated(ticket_id: int) -> TicketEvent:
    return ticket_event(
        ticket_id,
        EventType.UPDATED,
        f"updated-{ticket_id}",
        at=FakeTicketApi().now,
        zendesk_type="zen:event-type:ticket.tags_changed",
    )
