"""The deadline watcher with fakes and a clock we set: warnings and breaches on time, once (R-SLA-6)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.triage.ticket_triage import TicketTriage
from functions.watcher.deadline_watch import DeadlineWatch
from integrations.zendesk.errors import ZendeskRateLimited
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from integrations.zendesk.ticket_fields import FieldCatalog
from policies.engine import TriageEngine
from tests.fakes import AGENT_ID, FakeTicketApi, InMemoryComplaintRecords, RecordedAlerts

ENGINE = TriageEngine.from_directory()
LATE_EN = ("Where is my parcel?", "My parcel is a week late and the tracking has not moved.")


@pytest.fixture
def world() -> tuple[FakeTicketApi, InMemoryComplaintRecords, RecordedAlerts, DeadlineWatch]:
    api, records, alerts = FakeTicketApi(), InMemoryComplaintRecords(), RecordedAlerts()
    watch = DeadlineWatch(
        ENGINE.policy, records, api, alerts, ticket_url=lambda t: f"https://z.example/agent/tickets/{t}"
    )
    return api, records, alerts, watch


def triaged(api: FakeTicketApi, records: InMemoryComplaintRecords, **fields) -> int:
    ticket_id = api.add_ticket(*LATE_EN, **fields)
    triage = TicketTriage(ENGINE, api, records, lambda: FieldCatalog(field_ids={}, group_ids={}))
    triage.handle(
        TicketEvent(
            event_id="ev-1",
            event_type=EventType.CREATED,
            ticket_id=ticket_id,
            occurred_at=api.now,
            source=EventSource.EVENT_SUBSCRIPTION,
            zendesk_type="zen:event-type:ticket.created",
        )
    )
    return ticket_id


def test_nothing_happens_before_the_warning_time(world) -> None:
    api, records, alerts, watch = world
    ticket_id = triaged(api, records)
    first = records.get(ticket_id).obligations["first_response"]
    # WHEN the watcher runs a minute before the warning THEN nothing is written or sent
    report = watch.run(first.warn_at - timedelta(minutes=1))
    assert (report.warned, report.breached, alerts.sent) == (0, 0, [])


def test_a_short_window_is_warned_at_its_share_then_breached_once(world) -> None:
    api, records, alerts, watch = world
    ticket_id = triaged(api, records)
    first = records.get(ticket_id).obligations["first_response"]
    share = ENGINE.policy.sla.warning.short_window_share
    # GIVEN a 1 h first response: warned at the policy's share of the window (R-SLA-6)
    assert first.warn_at - first.opened_at == (first.due_at - first.opened_at) * share
    writes_before = len(api.updates)
    # WHEN the watcher runs at the warning time, and again a minute later
    watch.run(first.warn_at)
    watch.run(first.warn_at + timedelta(minutes=1))
    # THEN exactly one warning: one ticket write with the tag and a note, one alert
    assert records.get(ticket_id).obligations["first_response"].state == "warned"
    assert len(api.updates) == writes_before + 1
    assert "sla_warning_first_response" in api.updates[-1][1]["additional_tags"]
    assert api.updates[-1][1]["comment"]["public"] is False
    assert [a.cause for a in alerts.sent] == ["sla_warning"]
    # WHEN the due time passes THEN one breach, to the sla topic, with the link and the rule
    watch.run(first.due_at)
    watch.run(first.due_at + timedelta(minutes=5))
    assert records.get(ticket_id).obligations["first_response"].state == "breached"
    breaches = [
        a for a in alerts.sent if a.cause == "sla_breach" and a.attributes["deadline"] == "first_response"
    ]
    assert len(breaches) == 1 and breaches[0].topic == "sla"
    assert f"/tickets/{ticket_id}" in breaches[0].body and "R-SLA-1" in breaches[0].body


def test_a_met_deadline_never_alerts(world) -> None:
    api, records, alerts, watch = world
    ticket_id = triaged(api, records)
    first = records.get(ticket_id).obligations["first_response"]
    # GIVEN an agent replied in time
    api.add_comment(ticket_id, "We are on it.", author_id=AGENT_ID)
    TicketTriage(ENGINE, api, records, lambda: FieldCatalog(field_ids={}, group_ids={})).handle(
        TicketEvent(
            event_id="ev-2",
            event_type=EventType.COMMENT_ADDED,
            ticket_id=ticket_id,
            occurred_at=api.now,
            source=EventSource.EVENT_SUBSCRIPTION,
            zendesk_type="zen:event-type:ticket.comment_added",
        )
    )
    # WHEN the watcher runs after its due time THEN first response is not alerted
    watch.run(first.due_at + timedelta(minutes=1))
    assert all(a.attributes["deadline"] != "first_response" for a in alerts.sent)
    assert records.get(ticket_id).obligations["first_response"].state == "met"


def test_zendesk_throttling_delays_the_ticket_not_the_alert(world) -> None:
    api, records, alerts, watch = world
    ticket_id = triaged(api, records)
    first = records.get(ticket_id).obligations["first_response"]
    # GIVEN Zendesk answers 429 to the watcher's write
    api.update_errors.append(ZendeskRateLimited("slow down", retry_after_seconds=30, status=429))
    writes_before = len(api.updates)
    # WHEN the watcher runs at the due time
    report = watch.run(first.due_at)
    # THEN the breach is recorded and alerted within this run, and only the ticket write waits
    assert report.deferred == 1
    assert "sla_breach" in [a.cause for a in alerts.sent]
    breached = records.get(ticket_id).obligations["first_response"]
    assert breached.state == "breached" and breached.on_ticket is False
    assert len(api.updates) == writes_before
    sent = len(alerts.sent)
    # WHEN the next run comes THEN the ticket shows it, and nobody is alerted twice
    watch.run(first.due_at + timedelta(minutes=1))
    assert "sla_breach_first_response" in api.updates[-1][1]["additional_tags"]
    assert records.get(ticket_id).obligations["first_response"].on_ticket is True
    assert len(alerts.sent) == sent


def test_many_changes_in_one_run_go_out_as_one_digest(world) -> None:
    api, records, alerts, watch = world
    # GIVEN more tickets reaching their warning in the same minute than the digest threshold
    many = ENGINE.policy.alerting.sla_digest_over + 1
    tickets = [triaged(api, records) for _ in range(many)]
    latest_warning = max(records.get(t).obligations["first_response"].warn_at for t in tickets)
    # WHEN the watcher runs
    report = watch.run(latest_warning)
    # THEN every ticket is warned and tagged, but the team leads get one digest naming them all
    assert report.warned + report.breached >= many
    assert [a.cause for a in alerts.sent] == ["sla_digest"]
    digest = alerts.sent[0]
    assert all(f"#{t}" in digest.body for t in tickets)
    # (the fake clock ticks per call, so the earliest tickets may already be past due)
    assert {records.get(t).obligations["first_response"].state for t in tickets} <= {"warned", "breached"}


def test_an_unanswered_public_post_at_its_hour_is_prs_business_too(world) -> None:
    api, records, alerts, watch = world
    # GIVEN a complaint from a public post (private contact due within the hour, R-SLA-9)
    ticket_id = triaged(api, records, tags=["social_public_post"])
    contact = records.get(ticket_id).obligations["private_contact"]
    # WHEN the watcher runs at its warning and at its due time with nothing sent
    watch.run(contact.warn_at)
    watch.run(contact.due_at)
    # THEN team leads got the warning and the breach, and PR the breach as well, once
    private = [a for a in alerts.sent if a.attributes.get("deadline") == "private_contact"]
    assert sorted((a.topic, a.cause) for a in private) == [
        ("critical", "private_contact_breach"),
        ("sla", "sla_breach"),
        ("sla", "sla_warning"),
    ]
    [for_pr] = [a for a in private if a.topic == "critical"]
    assert for_pr.attributes["rule"] == "R-SLA-9" and f"/tickets/{ticket_id}" in for_pr.body
    # AND a first-response breach stays with the team leads only
    first = records.get(ticket_id).obligations["first_response"]
    watch.run(first.due_at + timedelta(minutes=1))
    assert all(a.topic == "sla" for a in alerts.sent if a.attributes.get("deadline") == "first_response")
