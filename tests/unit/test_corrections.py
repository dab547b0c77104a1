"""Agents' corrections of the plugin's grade (issue 14): the agent's value wins, later events never
put the plugin's old grade back, a new signal may still raise the level (with a note saying why),
and every correction is kept on the record and archived as a labelled example."""

from __future__ import annotations

import json

import pytest

from functions.triage.ticket_triage import TicketTriage
from integrations.zendesk.corrections import corrections_found, grade_on_ticket
from integrations.zendesk.events import EventType, parse_webhook
from integrations.zendesk.ticket_fields import (
    CATEGORY_FIELD,
    LEVEL_FIELD,
    SUBTYPE_FIELD,
    category_value,
    level_value,
    subtype_value,
)
from policies.engine import TriageEngine
from tests.fakes import (
    AGENT_ID,
    REQUESTER_ID,
    FakeTicketApi,
    InMemoryComplaintRecords,
    RecordedArchive,
    ticket_event,
)
from tests.unit.test_ticket_triage import CATALOG

ENGINE = TriageEngine.from_directory()
LABELS = ENGINE.policy.ticket_note.labels
# A customer who says a water heater leaks current (R-GRADE-1a: level 1, an escalation is due).
SAFETY = ("热水器漏电", "热水器漏电把我电了一下,手都麻了")
LEVEL_ID = CATALOG.field_ids[LEVEL_FIELD]


@pytest.fixture
def archive() -> RecordedArchive:
    return RecordedArchive()


@pytest.fixture
def triage(api: FakeTicketApi, records: InMemoryComplaintRecords, archive: RecordedArchive) -> TicketTriage:
    return TicketTriage(ENGINE, api, records, lambda: CATALOG, archive=archive, clock=lambda: api.now)


def _triaged_safety_ticket(api: FakeTicketApi, triage: TicketTriage) -> int:
    ticket_id = api.add_ticket(*SAFETY)
    assert triage.handle(ticket_event(ticket_id)).action == "written"
    return ticket_id


def _field_changed(ticket_id: int, event_id: str, title: str, current: str) -> object:
    event = ticket_event(ticket_id, EventType.FIELD_CHANGED, event_id)
    detail = {"current": current, "custom_field": {"id": 1, "title": title, "field_type": "tagger"}}
    return event.model_copy(update={"detail": detail})


def test_an_agents_lower_level_is_kept_recorded_and_moves_the_deadlines_to_that_level(
    api: FakeTicketApi, records: InMemoryComplaintRecords, archive: RecordedArchive, triage: TicketTriage
) -> None:
    # GIVEN a complaint the plugin graded level 1, with an escalation meeting due
    ticket_id = _triaged_safety_ticket(api, triage)
    assert records.get(ticket_id).obligations["escalation"].is_open  # type: ignore[union-attr]
    writes_before = len(api.updates)
    # WHEN an agent sets the level drop-down to 2 and the field-changed event arrives
    api.agent_sets_field(ticket_id, LEVEL_ID, level_value(2))
    outcome = triage.handle(_field_changed(ticket_id, "ev-2", LEVEL_FIELD, level_value(2)))  # type: ignore[arg-type]
    # THEN the record takes the agent's level, with who changed it from what
    record = records.get(ticket_id)
    assert record is not None and record.level == 2
    (correction,) = record.corrections
    assert (correction.field, correction.before, correction.after, correction.by) == (
        "level",
        "1",
        "2",
        AGENT_ID,
    )
    # AND level 1's 2 h meeting is cancelled, level 2's resolution deadline opened (R-SLA-3)
    assert record.obligations["escalation"].state == "cancelled"
    assert record.obligations["resolution"].is_open
    # AND the one write it makes is a note: the level field is not written back
    assert outcome.action == "written" and len(api.updates) == writes_before + 1
    body = api.updates[-1][1]
    assert all(f["id"] != LEVEL_ID for f in body.get("custom_fields", []))
    assert LABELS["zh"].corrected in body["comment"]["body"]
    # AND the correction is archived with the customer's words, a labelled example
    (entry,) = [e for e in archive.entries.values() if e.event == "correction"]
    assert entry.body["correction"]["after"] == "2" and entry.body["text"]["description"] == SAFETY[1]


def test_later_events_never_put_the_plugins_old_grade_back(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    # GIVEN a level-1 complaint an agent corrected to level 3
    ticket_id = _triaged_safety_ticket(api, triage)
    api.agent_sets_field(ticket_id, LEVEL_ID, level_value(3))
    triage.handle(ticket_event(ticket_id, EventType.UPDATED, "ev-2"))
    # WHEN the customer writes again, repeating what they said at first
    api.add_comment(ticket_id, "我再说一遍,热水器漏电把我电了一下", author_id=REQUESTER_ID)
    triage.handle(ticket_event(ticket_id, EventType.COMMENT_ADDED, "ev-3"))
    # THEN the level stays the agent's, on the record and on the ticket
    assert records.get(ticket_id).level == 3  # type: ignore[union-attr]
    assert grade_on_ticket(api.get_ticket(ticket_id), CATALOG)["level"] == "3"
    assert all(f["id"] != LEVEL_ID for _, body in api.updates[2:] for f in body.get("custom_fields", []))


def test_a_new_signal_after_a_correction_still_raises_the_level_and_says_why(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    # GIVEN a routine complaint that an agent set to level 2
    ticket_id = api.add_ticket("Late parcel", "My parcel is a week late and the tracking has not moved.")
    triage.handle(ticket_event(ticket_id))
    api.agent_sets_field(ticket_id, LEVEL_ID, level_value(2))
    triage.handle(ticket_event(ticket_id, EventType.UPDATED, "ev-2"))
    assert records.get(ticket_id).level == 2  # type: ignore[union-attr]
    # WHEN the customer then says they have reported it to a regulator (a signal not seen before)
    api.add_comment(ticket_id, "I have filed a complaint with the FTC about this.", author_id=REQUESTER_ID)
    triage.handle(ticket_event(ticket_id, EventType.COMMENT_ADDED, "ev-3"))
    # THEN the level is raised to 1, and the note names the new signal as the reason
    record = records.get(ticket_id)
    assert record is not None and record.level == 1
    note = api.updates[-1][1]["comment"]["body"]
    assert LABELS["en"].raised_over_correction in note


def test_the_plugins_own_field_writes_echoed_back_are_skipped_without_reading_the_ticket(
    api: FakeTicketApi, triage: TicketTriage
) -> None:
    # GIVEN a triaged ticket whose level drop-down the plugin itself set to level 1
    ticket_id = _triaged_safety_ticket(api, triage)
    reads = api.get_ticket
    api.get_ticket = lambda _: pytest.fail("the ticket was read")  # type: ignore[method-assign]
    # WHEN Zendesk reports that field change, and a change of a due-time field
    own = triage.handle(_field_changed(ticket_id, "ev-2", LEVEL_FIELD, level_value(1)))  # type: ignore[arg-type]
    other = triage.handle(_field_changed(ticket_id, "ev-3", "Complaint due: escalation", "x"))  # type: ignore[arg-type]
    api.get_ticket = reads  # type: ignore[method-assign]
    # THEN both are skipped
    assert (own.action, other.action) == ("skipped", "skipped")


def test_who_corrected_comes_from_the_latest_audit_that_is_not_the_plugins() -> None:
    # GIVEN a record at level 1 and a ticket whose level field an agent set to 2, then the plugin
    # wrote other things (its audits carry the plugin's marker)
    api = FakeTicketApi()
    ticket_id = api.add_ticket(*SAFETY)
    records = InMemoryComplaintRecords()
    TicketTriage(ENGINE, api, records, lambda: CATALOG).handle(ticket_event(ticket_id))
    record = records.get(ticket_id)
    assert record is not None
    api.agent_sets_field(ticket_id, LEVEL_ID, level_value(2), author_id=4242)
    agent_time = api.now
    ticket = api.get_ticket(ticket_id)
    # WHEN the corrections are looked for
    found = corrections_found(
        record,
        grade_on_ticket(ticket, CATALOG),
        CATALOG,
        lambda: api.list_audits(ticket_id),
        noticed_by="ev-9",
        now=api.now,
    )
    # THEN one correction, by that agent at that time
    assert [(c.field, c.before, c.after, c.by, c.at, c.noticed_by) for c in found] == [
        ("level", "1", "2", 4242, agent_time, "ev-9")
    ]


def test_nothing_differs_so_the_audits_are_not_read() -> None:
    # GIVEN a triaged ticket whose drop-downs show the plugin's grade
    api = FakeTicketApi()
    ticket_id = api.add_ticket(*SAFETY)
    records = InMemoryComplaintRecords()
    TicketTriage(ENGINE, api, records, lambda: CATALOG).handle(ticket_event(ticket_id))
    record = records.get(ticket_id)
    assert record is not None
    # WHEN the corrections are looked for
    found = corrections_found(
        record,
        grade_on_ticket(api.get_ticket(ticket_id), CATALOG),
        CATALOG,
        lambda: pytest.fail("audits read"),
        noticed_by="ev-2",
        now=api.now,
    )
    # THEN none, and the audits were not read
    assert found == []


def test_a_cleared_or_unknown_option_is_not_a_correction() -> None:
    # GIVEN a ticket whose level is cleared, whose category holds an unknown value, whose subtype is set
    ticket = {
        "custom_fields": [
            {"id": LEVEL_ID, "value": None},
            {"id": CATALOG.field_ids[CATEGORY_FIELD], "value": "complaint_category_nonsense"},
            {"id": CATALOG.field_ids[SUBTYPE_FIELD], "value": subtype_value("quality_defect")},
        ]
    }
    # WHEN the grade on it is read
    shown = grade_on_ticket(ticket, CATALOG)
    # THEN only the subtype counts
    assert shown == {"subtype": "quality_defect"}
    assert category_value("product") == "complaint_category_product"


def test_a_custom_field_changed_event_is_parsed_and_only_grade_fields_reach_the_triage() -> None:
    # GIVEN Zendesk's custom_field_changed events for the level drop-down and for another field
    def envelope(title: str) -> bytes:
        field = {"id": 55, "title": title, "field_type": "tagger"}
        body = {
            "type": "zen:event-type:ticket.custom_field_changed",
            "id": "e-1",
            "time": "2026-11-25T03:00:00Z",
            "account_id": 1,
            "subject": "zen:ticket:7",
            "detail": {"id": "7"},
            "event": {"current": "complaint_level_3", "previous": "complaint_level_1", "custom_field": field},
        }
        return json.dumps(body).encode()

    # WHEN they are parsed
    grade = parse_webhook(envelope(LEVEL_FIELD))
    other = parse_webhook(envelope("Order notes"))
    # THEN both are field changes; only the grade's is for the triage
    assert grade.event_type is other.event_type is EventType.FIELD_CHANGED
    assert grade.ignored_reason() is None and grade.changed_field_title == LEVEL_FIELD
    assert other.ignored_reason() == "a field other than the grade"


def test_a_retry_after_the_plugins_own_write_is_no_correction_and_still_alerts(
    api: FakeTicketApi, records: InMemoryComplaintRecords
) -> None:
    from tests.fakes import RecordedAlerts

    class FailingOnce(RecordedAlerts):
        failed = False

        def publish(self, alert: object) -> str:
            if not self.failed:
                self.failed = True
                raise ConnectionError("SNS unreachable")
            return super().publish(alert)

    alerts = FailingOnce()
    triage = TicketTriage(ENGINE, api, records, lambda: CATALOG, alerts=alerts, clock=lambda: api.now)
    # GIVEN a routine complaint, then the customer's message about an electric shock (a raise to 1)
    ticket_id = api.add_ticket("Late parcel", "My parcel is a week late and the tracking has not moved.")
    triage.handle(ticket_event(ticket_id))
    api.add_comment(ticket_id, "热水器漏电把我电了一下,手都麻了", author_id=REQUESTER_ID)
    # WHEN the raise is written but publishing its alert fails, and the event is redelivered
    with pytest.raises(ConnectionError):
        triage.handle(ticket_event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    triage.handle(ticket_event(ticket_id, EventType.COMMENT_ADDED, "ev-2"), redelivered=True)
    # THEN the plugin's own new grade on the ticket is not taken for an agent's correction, and the
    # safety incident is alerted
    record = records.get(ticket_id)
    assert record is not None and record.corrections == [] and record.level == 1
    assert [a.cause for a in alerts.sent] == ["safety_incident"]


def test_the_sidebar_field_carries_reasons_remedies_and_every_deadline_with_its_state(
    api: FakeTicketApi, triage: TicketTriage
) -> None:
    from integrations.zendesk.ticket_fields import SIDEBAR_FIELD

    sidebar_id = CATALOG.field_ids[SIDEBAR_FIELD]

    def sidebar(body: dict) -> dict:
        return json.loads(next(f["value"] for f in body["custom_fields"] if f["id"] == sidebar_id))

    # GIVEN a level-1 complaint written by the plugin (issue 15: the sidebar app reads this field)
    ticket_id = _triaged_safety_ticket(api, triage)
    data = sidebar(api.updates[0][1])
    # THEN it holds the grade, why (rule and the customer's words), the remedies in Chinese and the
    # deadlines with their warning times
    assert (data["level"], data["language"]) == (1, "zh")
    assert any(r["rule"] == "R-GRADE-1a" and "漏电" in r["evidence"] for r in data["reasons"])
    assert data["remedies"]["main"] and data["remedies"]["rule"].startswith("R-REMEDY")
    kinds = {d["kind"]: d for d in data["deadlines"]}
    assert kinds["escalation"]["state"] == "open" and kinds["escalation"]["warn_at"]
    # WHEN an agent replies in public (first response met) THEN the next write shows it met, the
    # reasons still there
    api.add_comment(ticket_id, "您好,我们已收到,马上为您处理。", author_id=AGENT_ID)
    triage.handle(ticket_event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    later = sidebar(api.updates[-1][1])
    assert {d["kind"]: d["state"] for d in later["deadlines"]}["first_response"] == "met"
    assert later["reasons"] == data["reasons"]
