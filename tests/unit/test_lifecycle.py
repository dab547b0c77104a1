"""The complaint's lifecycle after intake (issue 14): plans proposed and rejected (R-SLA-5),
requests to other departments (R-SLA-4), the satisfaction rating (R-SLA-8) and the time of each
R-LOOP-1 step, as the triage reads them from the ticket."""

from __future__ import annotations

import pytest

from functions.triage.ticket_triage import TicketTriage
from integrations.zendesk.events import EventType
from policies.engine import TriageEngine
from tests.fakes import (
    AGENT_ID,
    REQUESTER_ID,
    FakeTicketApi,
    InMemoryComplaintRecords,
    RecordedAlerts,
    ticket_event,
)
from tests.unit.test_ticket_triage import CATALOG

ENGINE = TriageEngine.from_directory()
POLICY = ENGINE.policy
TAGS = {action: spec.tag for action, spec in POLICY.lifecycle.actions.items()}
LATE = ("Where is my parcel?", "My parcel is a week late and the tracking has not moved.")
REJECTION = "I do not accept the offer, it is far too little."


@pytest.fixture
def alerts() -> RecordedAlerts:
    return RecordedAlerts()


@pytest.fixture
def triage(api: FakeTicketApi, records: InMemoryComplaintRecords, alerts: RecordedAlerts) -> TicketTriage:
    return TicketTriage(ENGINE, api, records, lambda: CATALOG, alerts=alerts, clock=lambda: api.now)


class Events:
    """Numbered events for one ticket, as Zendesk would send them."""

    def __init__(self, triage: TicketTriage, ticket_id: int) -> None:
        self.triage, self.ticket_id, self.count = triage, ticket_id, 0

    def __call__(self, kind: EventType = EventType.UPDATED) -> str:
        self.count += 1
        return self.triage.handle(ticket_event(self.ticket_id, kind, f"ev-{self.count}")).action


def _complaint(api: FakeTicketApi, triage: TicketTriage) -> tuple[int, Events]:
    ticket_id = api.add_ticket(*LATE)
    events = Events(triage, ticket_id)
    assert events(EventType.CREATED) == "written"
    return ticket_id, events


def _propose_plan(api: FakeTicketApi, ticket_id: int, events: Events) -> None:
    api.add_comment(ticket_id, "We can refund the shipping fee.", author_id=AGENT_ID)
    api.agent_adds_tag(ticket_id, TAGS["plan_proposed"])
    events(EventType.TAGS_CHANGED)


def test_a_plan_proposed_by_macro_is_recorded_and_its_tag_removed(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    # GIVEN a complaint
    ticket_id, events = _complaint(api, triage)
    # WHEN the agent replies with a plan and applies the "plan proposed" macro
    _propose_plan(api, ticket_id, events)
    # THEN the record counts one plan, with the step's time, and the action tag is removed
    record = records.get(ticket_id)
    assert record is not None and record.plans_proposed == 1
    assert {"accepted", "first_response", "plan_proposed"} <= set(record.stages)
    assert TAGS["plan_proposed"] in api.updates[-1][1]["remove_tags"]
    assert TAGS["plan_proposed"] not in api.get_ticket(ticket_id)["tags"]


def test_a_rejected_plan_opens_a_one_hour_reinvestigation_and_the_second_alerts_compliance_once(
    api: FakeTicketApi, records: InMemoryComplaintRecords, alerts: RecordedAlerts, triage: TicketTriage
) -> None:
    # GIVEN a complaint with a plan proposed
    ticket_id, events = _complaint(api, triage)
    _propose_plan(api, ticket_id, events)
    # WHEN the customer rejects it in their own words (R-SLA-5)
    api.add_comment(ticket_id, REJECTION, author_id=REQUESTER_ID)
    events(EventType.COMMENT_ADDED)
    # THEN re-investigation is due within the policy's hour, and compliance is not alerted yet
    record = records.get(ticket_id)
    assert record is not None and record.plan_rejections == 1
    reinvestigate = record.obligations["re_investigate"]
    assert reinvestigate.is_open and reinvestigate.rule == "R-SLA-5"
    assert (reinvestigate.due_at - reinvestigate.opened_at).total_seconds() == 3600
    assert not [a for a in alerts.sent if a.cause == "legal_risk"]
    # WHEN a second plan is proposed (meeting the re-investigation) and rejected by the agent's macro
    _propose_plan(api, ticket_id, events)
    assert records.get(ticket_id).obligations["re_investigate"].state == "met"  # type: ignore[union-attr]
    api.agent_adds_tag(ticket_id, TAGS["plan_rejected"])
    events(EventType.TAGS_CHANGED)
    # AND a third plan is rejected as well
    _propose_plan(api, ticket_id, events)
    api.add_comment(ticket_id, REJECTION, author_id=REQUESTER_ID)
    events(EventType.COMMENT_ADDED)
    # THEN compliance got exactly one legal-risk alert, on the critical topic
    legal = [a for a in alerts.sent if a.cause == "legal_risk"]
    assert len(legal) == 1 and legal[0].topic == "critical"
    assert records.get(ticket_id).plan_rejections == 3  # type: ignore[union-attr]


def test_rejection_words_before_any_plan_are_not_a_rejected_plan(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    # GIVEN a complaint with no plan proposed yet
    ticket_id, events = _complaint(api, triage)
    # WHEN the customer writes words that would reject a plan
    api.add_comment(ticket_id, REJECTION, author_id=REQUESTER_ID)
    events(EventType.COMMENT_ADDED)
    # THEN nothing is re-investigated
    record = records.get(ticket_id)
    assert record is not None and record.plan_rejections == 0 and "re_investigate" not in record.obligations


def test_a_request_to_another_department_is_due_in_two_hours_and_its_answer_meets_it(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    # GIVEN a complaint, and an agent who asks the warehouse with the macro (R-SLA-4)
    ticket_id, events = _complaint(api, triage)
    api.agent_adds_tag(ticket_id, TAGS["cross_dept_request"])
    events(EventType.TAGS_CHANGED)
    requested = records.get(ticket_id).obligations["cross_dept"]  # type: ignore[union-attr]
    assert requested.is_open and (requested.due_at - requested.opened_at).total_seconds() == 2 * 3600
    # WHEN the answer is marked with the other macro
    api.agent_adds_tag(ticket_id, TAGS["cross_dept_answered"])
    events(EventType.TAGS_CHANGED)
    # THEN the obligation is met
    assert records.get(ticket_id).obligations["cross_dept"].state == "met"  # type: ignore[union-attr]


def test_a_bad_rating_meets_the_follow_up_and_alerts_a_supervisor_a_good_one_confirms(
    api: FakeTicketApi, records: InMemoryComplaintRecords, alerts: RecordedAlerts, triage: TicketTriage
) -> None:
    # GIVEN two solved complaints, each with its satisfaction follow-up due (R-SLA-8)
    unhappy, unhappy_events = _complaint(api, triage)
    happy, happy_events = _complaint(api, triage)
    for ticket_id, events in ((unhappy, unhappy_events), (happy, happy_events)):
        api.set_status(ticket_id, "solved")
        events(EventType.STATUS_CHANGED)
        assert records.get(ticket_id).obligations["satisfaction_check"].is_open  # type: ignore[union-attr]
    # WHEN one customer rates it bad and the other good
    api.customer_rates(unhappy, "bad", "Still no refund.")
    unhappy_events()
    api.customer_rates(happy, "good")
    happy_events()
    # THEN both follow-ups are met; the unhappy one reached a supervisor (the sla topic), once
    bad, good = records.get(unhappy), records.get(happy)
    assert bad is not None and good is not None
    assert (
        bad.obligations["satisfaction_check"].state == good.obligations["satisfaction_check"].state == "met"
    )
    (supervisor,) = [a for a in alerts.sent if a.cause == "still_unhappy"]
    assert (
        supervisor.topic == "sla"
        and supervisor.ticket_id == unhappy
        and "Still no refund." in supervisor.body
    )
    # AND only the good one is confirmed (R-LOOP-1); both were solved
    assert "confirmed" in good.stages and "confirmed" not in bad.stages
    assert "solved" in good.stages and "solved" in bad.stages
    unhappy_events()
    assert len([a for a in alerts.sent if a.cause == "still_unhappy"]) == 1


def test_an_alert_acknowledged_in_chat_is_noted_on_the_ticket_once(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    from datetime import UTC, datetime

    from functions.notifier.alert_delivery import Acknowledgement, acknowledged_event

    # GIVEN a complaint, and its critical alert acknowledged in the PR group chat (issue 17)
    ticket_id, _ = _complaint(api, triage)
    ack = Acknowledgement(
        "alert-1", ticket_id, "Chen", "pr_compliance", datetime(2026, 11, 25, 3, 5, tzinfo=UTC), True
    )
    event = acknowledged_event(ack, cause="safety_incident")
    # WHEN the notifier's event reaches the triage, twice (a redelivery)
    first = triage.handle(event)
    again = triage.handle(event, redelivered=True)
    # THEN the ticket's note says who (as they named themselves), where and when, once
    assert first.action == "written" and again.action != "written"
    notes = [c["body"] for c in api.comments[ticket_id] if not c["public"]]
    assert sum("Chen" in n and "pr_compliance" in n for n in notes) == 1
    record = records.get(ticket_id)
    assert record is not None and [a.by for a in record.acknowledgements] == ["Chen"]


def test_a_rating_read_with_the_solved_status_meets_its_follow_up(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    # GIVEN a complaint solved and rated good before the triage hears of either (one event for both)
    ticket_id, events = _complaint(api, triage)
    api.set_status(ticket_id, "solved")
    api.customer_rates(ticket_id, "good")
    # WHEN that event is triaged
    events(EventType.STATUS_CHANGED)
    # THEN the follow-up the solution opened is met by the rating, not left to breach
    record = records.get(ticket_id)
    assert record is not None and record.obligations["satisfaction_check"].state == "met"


def test_a_grade_correction_leaves_the_deadlines_later_steps_opened(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    from integrations.zendesk.ticket_fields import LEVEL_FIELD, level_value

    # GIVEN a complaint whose agent asked another department (R-SLA-4, 2 h)
    ticket_id, events = _complaint(api, triage)
    api.agent_adds_tag(ticket_id, TAGS["cross_dept_request"])
    events(EventType.TAGS_CHANGED)
    # WHEN an agent then corrects the level
    api.agent_sets_field(ticket_id, CATALOG.field_ids[LEVEL_FIELD], level_value(2))
    events(EventType.UPDATED)
    # THEN the other department's answer is still due: only the grade's own deadlines move
    record = records.get(ticket_id)
    assert record is not None and record.level == 2 and record.obligations["cross_dept"].is_open


def test_an_agent_who_grades_a_non_complaint_makes_it_a_complaint(
    api: FakeTicketApi, records: InMemoryComplaintRecords, triage: TicketTriage
) -> None:
    from integrations.zendesk.ticket_fields import LEVEL_FIELD, level_value

    # GIVEN a message the plugin read as praise
    ticket_id = api.add_ticket("Thanks", "Thanks for the quick delivery, love it")
    events = Events(triage, ticket_id)
    events(EventType.CREATED)
    assert records.get(ticket_id).is_complaint is False  # type: ignore[union-attr]
    # WHEN an agent sets its level to 1
    api.agent_sets_field(ticket_id, CATALOG.field_ids[LEVEL_FIELD], level_value(1))
    events(EventType.UPDATED)
    # THEN it is a level-1 complaint, with the deadlines that carries
    record = records.get(ticket_id)
    assert record is not None and record.is_complaint and record.level == 1
    assert record.obligations["escalation"].is_open
