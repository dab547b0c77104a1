"""The triage use case with in-memory fakes: one event, at most one write (R-GRADE, R-SLA, R-ROUTE)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.triage.ticket_triage import ConflictPersisted, TicketTriage
from integrations.zendesk.errors import ZendeskConflict, ZendeskRateLimited
from integrations.zendesk.events import EventType
from integrations.zendesk.ticket_fields import FieldCatalog, due_field_title, plugin_field_definitions
from policies.engine import TriageEngine
from tests.fakes import (
    AGENT_ID,
    REQUESTER_ID,
    FakeTicketApi,
    InMemoryComplaintRecords,
    RecordedAlerts,
    ticket_event,
)

ENGINE = TriageEngine.from_directory()
ROUTING = ENGINE.policy.routing
SAFETY_ZH = ("热水器漏电", "热水器漏电把我电了一下,手都麻了")
LATE_EN = ("Where is my parcel?", "My parcel is a week late and the tracking has not moved.")


def catalog() -> FieldCatalog:
    fields = [{"id": 100 + i, "title": d["title"]} for i, d in enumerate(plugin_field_definitions())]
    groups = [{"id": 200 + i, "name": name} for i, name in enumerate(ROUTING.teams.values())]
    return FieldCatalog.from_account(fields, groups)


CATALOG = catalog()


@pytest.fixture
def triage(api: FakeTicketApi, records: InMemoryComplaintRecords) -> TicketTriage:
    return TicketTriage(ENGINE, api, records, lambda: CATALOG)


event = ticket_event


def field_value(body: dict, title: str) -> object:
    wanted = CATALOG.field_ids[title]
    return next(f["value"] for f in body["custom_fields"] if f["id"] == wanted)


def test_a_safety_complaint_gets_one_write_with_everything_an_agent_needs(api, records, triage) -> None:
    # GIVEN a new ticket about electric leakage (R-GRADE-1a)
    ticket_id = api.add_ticket(*SAFETY_ZH)
    # WHEN its created event is triaged
    outcome = triage.handle(event(ticket_id))
    # THEN exactly one write carries priority, group, tags, fields and one internal note
    assert outcome.action == "written"
    assert len(api.updates) == 1
    body = api.updates[0][1]
    assert body["priority"] == "urgent"
    assert body["group_id"] == CATALOG.group_ids[ROUTING.teams[ROUTING.levels[1].team]]
    assert {"complaint_level_1", "complaint_category_product", "人身安全"} <= set(body["additional_tags"])
    assert field_value(body, "Complaint level") == "complaint_level_1"
    record = records.get(ticket_id)
    assert record is not None and record.level == 1
    first_response = record.obligations["first_response"]
    assert field_value(body, due_field_title("first_response")) == first_response.due_at.isoformat()
    assert body["comment"]["public"] is False
    note = body["comment"]["body"]
    assert "R-GRADE-1a" in note and "热水器漏电" in note and "R-ROUTE-1" in note and "R-REMEDY-1" in note
    assert body["metadata"]["complaint_triage"]["event_id"] == "ev-1"


def test_the_note_is_in_the_tickets_language(api, triage) -> None:
    # GIVEN an English logistics complaint
    ticket_id = api.add_ticket(*LATE_EN)
    # WHEN triaged
    triage.handle(event(ticket_id))
    # THEN the note is English and the routine route applies (R-ROUTE-3)
    body = api.updates[0][1]
    assert body["priority"] == "normal"
    assert "Next steps" in body["comment"]["body"] and "R-ROUTE-3" in body["comment"]["body"]
    assert "下一步" not in body["comment"]["body"]


def test_the_same_event_twice_writes_once(api, triage) -> None:
    # GIVEN a triaged ticket
    ticket_id = api.add_ticket(*LATE_EN)
    triage.handle(event(ticket_id))
    # WHEN the same event is delivered again
    again = triage.handle(event(ticket_id), redelivered=True)
    # THEN nothing more is written
    assert again.action in {"unchanged", "recorded"}
    assert len(api.updates) == 1


def test_an_event_back_as_a_fresh_message_after_its_write_landed_is_not_written_again(
    api, records, triage
) -> None:
    # GIVEN an event whose write landed, but whose record could not be saved afterwards
    ticket_id = api.add_ticket(*LATE_EN)
    records.fail_next_save = RuntimeError("the worker died here")
    with pytest.raises(RuntimeError):
        triage.handle(event(ticket_id))
    assert len(api.updates) == 1
    # WHEN the same event comes back as a fresh message, not a redelivery (a duplicate delivery, or a
    # group raise queued again after SQS's deduplication window)
    again = triage.handle(event(ticket_id), redelivered=False)
    # THEN the recorded write intent sends it to the audits, which show the write: no second note
    assert again.action == "already_written"
    assert len(api.updates) == 1
    assert records.get(ticket_id) is not None


def test_a_conflict_rereads_and_writes_once(api, records, triage) -> None:
    # GIVEN someone else writes between our read and our write (409 on safe_update)
    ticket_id = api.add_ticket(*LATE_EN)
    api.update_errors.append(ZendeskConflict("stale", status=409))
    # WHEN triaged
    outcome = triage.handle(event(ticket_id))
    # THEN the ticket is read again and written exactly once
    assert outcome.action == "written"
    assert len(api.updates) == 1


def test_a_write_that_landed_before_a_conflict_is_not_repeated(api, records, triage) -> None:
    # GIVEN our PUT landed but the client saw a 409 (its retry of the same safe update)
    ticket_id = api.add_ticket(*LATE_EN)
    api.update_errors.append(ZendeskConflict("stale", status=409))
    api.land_before_error = True
    # WHEN triaged
    outcome = triage.handle(event(ticket_id))
    # THEN the audit marker shows the write landed: no second note
    assert outcome.action == "already_written"
    assert len(api.updates) == 1
    assert records.get(ticket_id) is not None


def test_conflicts_that_never_end_hand_the_event_back(api, records) -> None:
    # GIVEN every write conflicts
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, max_conflicts=2)
    ticket_id = api.add_ticket(*LATE_EN)
    api.update_errors.extend(ZendeskConflict("stale", status=409) for _ in range(3))
    # WHEN triaged THEN the event fails for a later retry, and nothing is recorded
    with pytest.raises(ConflictPersisted):
        triage.handle(event(ticket_id))
    assert records.get(ticket_id) is None


def test_a_rate_limit_propagates_with_its_retry_after(api, records, triage) -> None:
    # GIVEN Zendesk answers 429
    ticket_id = api.add_ticket(*LATE_EN)
    api.update_errors.append(ZendeskRateLimited("slow down", retry_after_seconds=42, status=429))
    # WHEN triaged THEN the caller learns how long to wait, and nothing is recorded
    with pytest.raises(ZendeskRateLimited) as raised:
        triage.handle(event(ticket_id))
    assert raised.value.retry_after_seconds == 42
    assert records.get(ticket_id) is None


def test_a_later_requester_message_raises_the_level(api, records, triage) -> None:
    # GIVEN a routine logistics complaint, triaged
    ticket_id = api.add_ticket(*LATE_EN)
    triage.handle(event(ticket_id))
    before = records.get(ticket_id)
    assert before is not None and before.level == 3
    # WHEN the customer adds that they have reported it to the FTC (R-GRADE-1c)
    api.add_comment(ticket_id, "I have filed a complaint with the FTC about this.", author_id=REQUESTER_ID)
    outcome = triage.handle(event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    # THEN the level rises to 1 with the old level tag removed and an escalation deadline set
    assert outcome.action == "written"
    body = api.updates[-1][1]
    assert body["priority"] == "urgent"
    assert "complaint_level_3" in body["remove_tags"] and "complaint_level_1" in body["additional_tags"]
    after = records.get(ticket_id)
    assert after is not None and after.level == 1
    assert after.obligations["escalation"].rule == "R-ROUTE-1"
    # never extended: the first response stays due when it was
    assert after.obligations["first_response"].due_at == before.obligations["first_response"].due_at
    assert "R-GRADE-1c" in body["comment"]["body"]


def test_a_calmer_later_message_never_lowers_the_level(api, records, triage) -> None:
    # GIVEN a level-1 complaint
    ticket_id = api.add_ticket(*SAFETY_ZH)
    triage.handle(event(ticket_id))
    # WHEN the customer writes about a late parcel
    api.add_comment(ticket_id, "另外我的快递也晚了三天", author_id=REQUESTER_ID)
    triage.handle(event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    # THEN the level stays 1 and no second write happens
    record = records.get(ticket_id)
    assert record is not None and record.level == 1
    assert len(api.updates) == 1


def test_an_agents_first_public_reply_meets_first_response_and_is_linted(api, records, triage) -> None:
    # GIVEN a triaged complaint
    ticket_id = api.add_ticket(*SAFETY_ZH)
    triage.handle(event(ticket_id))
    # WHEN an agent replies publicly with a forbidden promise (R-COMP-1)
    api.add_comment(ticket_id, "您好,我们的商品绝对正品,请放心。", author_id=AGENT_ID)
    triage.handle(event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    # THEN first_response is met by that comment, and an internal note gives the compliant wording
    record = records.get(ticket_id)
    assert record is not None
    assert record.obligations["first_response"].state == "met"
    assert record.obligations["first_response"].closed_by.startswith("comment:")
    note = api.updates[-1][1]["comment"]
    assert note["public"] is False
    assert "R-COMP-1" in note["body"] and "符合国家质检标准" in note["body"]


def test_solved_opens_the_satisfaction_check(api, records, triage) -> None:
    # GIVEN a triaged routine complaint
    ticket_id = api.add_ticket(*LATE_EN)
    triage.handle(event(ticket_id))
    # WHEN it is solved
    api.set_status(ticket_id, "solved")
    solved = event(ticket_id, EventType.STATUS_CHANGED, "ev-2")
    triage.handle(solved)
    # THEN open deadlines are met and a satisfaction check is due 24 h later (R-SLA-8)
    record = records.get(ticket_id)
    assert record is not None and record.status == "solved"
    check = record.obligations["satisfaction_check"]
    hours = ENGINE.policy.sla.deadlines["satisfaction_check"][0].after.hours
    assert check.rule == "R-SLA-8" and check.due_at - solved.occurred_at == timedelta(hours=hours)
    assert record.obligations["resolution"].state == "met"
    assert field_value(api.updates[-1][1], due_field_title("satisfaction_check")) == check.due_at.isoformat()


def test_an_event_stamped_in_the_future_counts_from_when_it_is_handled(api, records) -> None:
    # GIVEN a triage whose clock reads a known moment, and a triaged routine complaint
    now = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, clock=lambda: now)
    ticket_id = api.add_ticket(*LATE_EN)
    triage.handle(event(ticket_id))
    # WHEN a solved event arrives stamped two days ahead (an upstream clock or time-zone error)
    api.set_status(ticket_id, "solved")
    solved = event(ticket_id, EventType.STATUS_CHANGED, "ev-2").model_copy(
        update={"occurred_at": now + timedelta(days=2)}
    )
    triage.handle(solved)
    # THEN the satisfaction check counts from when the event was handled, not from the future time
    check = records.get(ticket_id).obligations["satisfaction_check"]
    hours = ENGINE.policy.sla.deadlines["satisfaction_check"][0].after.hours
    assert check.due_at == now + timedelta(hours=hours)


def test_not_satisfied_after_a_reply_opens_re_handling(api, records, triage) -> None:
    # GIVEN a complaint that got a public reply
    ticket_id = api.add_ticket(*LATE_EN)
    triage.handle(event(ticket_id))
    api.add_comment(ticket_id, "We have contacted the carrier and will update you.", author_id=AGENT_ID)
    triage.handle(event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    # WHEN the customer answers that they are not satisfied (R-SLA-7)
    api.add_comment(ticket_id, "I am not satisfied with this answer.", author_id=REQUESTER_ID)
    triage.handle(event(ticket_id, EventType.COMMENT_ADDED, "ev-3"))
    # THEN a re-handle deadline opens
    record = records.get(ticket_id)
    assert record is not None
    re_handle = record.obligations["re_handle"]
    assert re_handle.rule == "R-SLA-7" and re_handle.is_open
    assert "R-SLA-7" in api.updates[-1][1]["comment"]["body"]


def test_not_satisfied_in_the_first_message_is_emotion_not_re_handling(api, records, triage) -> None:
    # GIVEN a first message that says "not satisfied"
    ticket_id = api.add_ticket("Bad", "I am not satisfied, the parcel is late!")
    # WHEN triaged THEN no re-handle deadline exists
    triage.handle(event(ticket_id))
    record = records.get(ticket_id)
    assert record is not None and "re_handle" not in record.obligations


def test_a_high_value_customer_gets_a_higher_priority(api, triage) -> None:
    # GIVEN a routine complaint from a ticket tagged as a VIP (R-REVIEW-4)
    ticket_id = api.add_ticket(*LATE_EN, tags=["vip"])
    # WHEN triaged THEN the priority is one step above routine's
    triage.handle(event(ticket_id))
    assert api.updates[0][1]["priority"] == "high"


def test_a_priority_an_agent_raised_is_never_lowered(api, triage) -> None:
    # GIVEN an agent already set urgent on a routine complaint
    ticket_id = api.add_ticket(*LATE_EN, priority="urgent")
    # WHEN triaged THEN priority is left out of the write
    triage.handle(event(ticket_id))
    assert "priority" not in api.updates[0][1]


def test_a_deleted_ticket_is_acknowledged_without_a_write(api, triage) -> None:
    # GIVEN an event for a ticket that no longer exists
    outcome = triage.handle(event(424242))
    # THEN it is acknowledged as gone
    assert outcome.action == "ticket_gone" and api.updates == []


def test_a_closed_ticket_is_recorded_but_not_written(api, records, triage) -> None:
    # GIVEN a closed ticket (Zendesk refuses updates to it)
    ticket_id = api.add_ticket(*LATE_EN, status="closed")
    # WHEN triaged THEN the record exists and nothing was written
    outcome = triage.handle(event(ticket_id))
    assert outcome.action == "closed" and api.updates == []
    assert records.get(ticket_id) is not None


def test_our_own_priority_change_event_is_skipped(api, triage) -> None:
    # GIVEN a triaged ticket
    ticket_id = api.add_ticket(*SAFETY_ZH)
    triage.handle(event(ticket_id))
    # WHEN the priority_changed event our write caused arrives
    outcome = triage.handle(event(ticket_id, EventType.PRIORITY_CHANGED, "ev-2"))
    # THEN it is skipped without reading or writing
    assert outcome.action == "skipped" and len(api.updates) == 1


def test_missing_fields_still_write_tags_and_note(api, records) -> None:
    # GIVEN an account where the bootstrap has not created the fields
    triage = TicketTriage(ENGINE, api, records, lambda: FieldCatalog(field_ids={}, group_ids={}))
    ticket_id = api.add_ticket(*SAFETY_ZH)
    # WHEN triaged THEN the write still carries tags (drop-down tags included) and the note
    triage.handle(event(ticket_id))
    body = api.updates[0][1]
    assert "custom_fields" not in body and "group_id" not in body
    assert "complaint_level_1" in body["additional_tags"] and body["comment"]["body"]


def test_a_safety_complaint_alerts_pr_and_compliance_once(api, records) -> None:
    # GIVEN a triage that can alert, and a safety complaint whose customer also called the regulator
    alerts = RecordedAlerts()
    triage = TicketTriage(
        ENGINE,
        api,
        records,
        lambda: CATALOG,
        alerts=alerts,
        ticket_url=lambda t: f"https://z/agent/tickets/{t}",
    )
    ticket_id = api.add_ticket("热水器漏电", "热水器漏电把我电了一下,我已经打了12315投诉")
    # WHEN triaged, and the same event is delivered again
    triage.handle(event(ticket_id))
    triage.handle(event(ticket_id), redelivered=True)
    # THEN one alert per critical cause went to the critical topic, with the words, link and rule
    assert sorted(a.cause for a in alerts.sent) == ["media_or_regulator", "safety_incident"]
    safety = next(a for a in alerts.sent if a.cause == "safety_incident")
    assert safety.topic == "critical" and safety.level == 1
    assert "热水器漏电" in safety.body and f"https://z/agent/tickets/{ticket_id}" in safety.body
    assert records.get(ticket_id).alerted == ["safety_incident", "media_or_regulator"]


def test_a_routine_complaint_alerts_nobody(api, records) -> None:
    alerts = RecordedAlerts()
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, alerts=alerts)
    triage.handle(event(api.add_ticket(*LATE_EN)))
    assert alerts.sent == []


def test_a_raise_to_level_one_alerts_then(api, records) -> None:
    # GIVEN a routine complaint, triaged without alerts
    alerts = RecordedAlerts()
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, alerts=alerts)
    ticket_id = api.add_ticket(*LATE_EN)
    triage.handle(event(ticket_id))
    # WHEN the customer says they went to the FTC
    api.add_comment(ticket_id, "I have filed a complaint with the FTC about this.", author_id=REQUESTER_ID)
    triage.handle(event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    # THEN PR and compliance hear of it, quoting the new message
    assert [a.cause for a in alerts.sent] == ["media_or_regulator"]
    assert "FTC" in alerts.sent[0].body


def test_quoted_customer_words_never_show_a_bank_card_number(api, records) -> None:
    from policies.pii import load_pii_policy

    # GIVEN a regulator threat whose sentence gives a bank card number (a Luhn-valid test number)
    mask = load_pii_policy().mask
    alerts = RecordedAlerts()
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, alerts=alerts, mask=mask)
    card = "4111111111111111"
    ticket_id = api.add_ticket("重复扣款", f"卡号{card}被重复扣款两次,不退我就打12315投诉你们")
    # WHEN triaged
    triage.handle(event(ticket_id))
    # THEN the note and the alert quote the customer's sentence, with the number masked
    note = api.updates[0][1]["comment"]["body"]
    (alert,) = alerts.sent
    for text in (note, alert.body):
        assert "12315" in text and card not in text and mask(card) in text


def test_every_triaged_event_is_archived_once_with_its_decision(api, records) -> None:
    from tests.fakes import RecordedArchive

    # GIVEN a triage that archives (R-LOOP-3)
    archive = RecordedArchive()
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, archive=archive)
    ticket_id = api.add_ticket(*SAFETY_ZH)
    # WHEN its created event is handled twice (a redelivery)
    triage.handle(event(ticket_id))
    triage.handle(event(ticket_id), redelivered=True)
    # THEN one archive record holds the ticket as received, the decision, the write and the outcome
    (entry,) = archive.entries.values()
    assert entry.event == "triage" and entry.category == "product"
    assert entry.body["ticket"]["description"] == SAFETY_ZH[1]
    assert entry.body["decision"]["level"] == 1 and "R-GRADE-1a" in entry.body["decision"]["reason_rules"]
    assert entry.body["zendesk_write"]["request"]["priority"] == "urgent"
    assert entry.body["zendesk_write"]["response"]["priority"] == "urgent"
    assert entry.body["outcome"]["action"] == "written"


def test_every_alert_is_archived_too(api, records) -> None:
    from tests.fakes import RecordedArchive

    # GIVEN a triage that alerts and archives, and a safety complaint
    archive, alerts = RecordedArchive(), RecordedAlerts()
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, alerts=alerts, archive=archive)
    triage.handle(event(api.add_ticket(*SAFETY_ZH)))
    # THEN the archive holds the triage record and one record per alert sent, with what it said
    kinds = sorted(e.event for e in archive.entries.values())
    assert kinds == ["alert"] * len(alerts.sent) + ["triage"]
    alert_entry = next(e for e in archive.entries.values() if e.event == "alert")
    assert alert_entry.body["subject"] == alerts.sent[0].subject


def test_the_archive_files_the_complaint_under_its_order_number(api, records) -> None:
    from tests.fakes import RecordedArchive

    # GIVEN a complaint naming its order, and one that does not until the customer answers
    archive = RecordedArchive()
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, archive=archive)
    named = api.add_ticket("没发货", "订单号：ORD-20260101-0001 三天没发货")
    unnamed = api.add_ticket(*LATE_EN)
    triage.handle(event(named))
    triage.handle(event(unnamed, event_id="ev-2"))
    # WHEN the second customer gives the order number in a later message
    api.add_comment(unnamed, "The order number is A7654321.", author_id=REQUESTER_ID)
    triage.handle(event(unnamed, EventType.COMMENT_ADDED, "ev-3"))
    # THEN the records are filed under their orders (R-INTAKE-2, R-LOOP-3)
    assert records.get(named).order_no == "ORD-20260101-0001"
    assert records.get(unnamed).order_no == "A7654321"
    assert any("/ORD-20260101-0001/" in key for key in archive.entries)
