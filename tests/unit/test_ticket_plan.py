"""The planner decides the note as plain values before anything is worded (issue 16): the note
items say what the agent must see; `render_note` words them in the ticket's language."""

from __future__ import annotations

from datetime import UTC, datetime

from functions.triage.ticket_plan import TicketPlanner
from integrations.zendesk.internal_note import NoteWriter, render_note
from integrations.zendesk.models import ZendeskTicket, parse_comments
from integrations.zendesk.note_plan import (
    ComplianceReminders,
    DueList,
    Headline,
    Intake,
    PolicyVersion,
    Remedies,
    Steps,
    Why,
)
from policies.engine import TriageEngine
from tests.fakes import FakeTicketApi

ENGINE = TriageEngine.from_directory()
AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _plan(subject: str, description: str):
    api = FakeTicketApi()
    ticket_id = api.add_ticket(subject, description)
    ticket = ZendeskTicket.model_validate(api.get_ticket(ticket_id))
    comments = parse_comments(api.list_comments(ticket_id))
    planner = TicketPlanner(ENGINE)
    return planner.plan(ticket, comments, None, event_id="ev-1", occurred_at=AT)


def test_a_new_complaint_is_planned_as_note_items_then_worded_from_them() -> None:
    # GIVEN a new safety complaint
    plan = _plan("充电器冒烟", "充电器插上就冒烟了，插座都烧黑了")
    # WHEN planned THEN the note is decided as plain items, in the order the agent reads them
    kinds = [type(item) for item in plan.note]
    assert kinds == [Headline, Why, Intake, DueList, Steps, Remedies, ComplianceReminders, PolicyVersion]
    headline, why = plan.note[0], plan.note[1]
    assert isinstance(headline, Headline) and headline.level == 1 and headline.is_complaint
    assert isinstance(why, Why) and any(r.rule == "R-GRADE-1a" for r in why.reasons)
    # AND the ticket's note is exactly those items worded in the ticket's language
    writer = NoteWriter.for_policy(ENGINE.policy, "zh")
    assert plan.change.note == render_note(plan.note, writer)


def test_praise_is_planned_as_a_headline_and_why_only() -> None:
    # GIVEN a thank-you that is not a complaint  WHEN planned  THEN no deadlines, steps or remedies
    plan = _plan("谢谢", "收到了，质量很好，非常满意，谢谢客服")
    assert [type(item) for item in plan.note] == [Headline, Why, PolicyVersion]
    assert isinstance(plan.note[0], Headline) and not plan.note[0].is_complaint
