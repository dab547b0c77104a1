"""The intake on the ticket (issue 19): the note says what the customer wants, what they attached
and what is still missing with the sentence to ask for it; a later photo clears what it answers."""

from __future__ import annotations

from functions.triage.ticket_triage import TicketTriage
from integrations.zendesk.events import EventType
from integrations.zendesk.ticket_fields import (
    DEMAND_FIELD,
    RESPONSIBILITY_FIELD,
    FieldCatalog,
    demand_value,
    plugin_field_definitions,
    responsibility_value,
)
from policies.engine import TriageEngine
from tests.fakes import REQUESTER_ID, FakeTicketApi, InMemoryComplaintRecords, ticket_event

ENGINE = TriageEngine.from_directory()
WORDING = ENGINE.policy.ticket_note.labels
CATALOG = FieldCatalog(
    field_ids={f["title"]: n for n, f in enumerate(plugin_field_definitions(), start=900)}, group_ids={}
)


def setup() -> tuple[FakeTicketApi, InMemoryComplaintRecords, TicketTriage]:
    api, records = FakeTicketApi(), InMemoryComplaintRecords()
    return api, records, TicketTriage(ENGINE, api, records, lambda: CATALOG)


def field(body: dict, title: str) -> object:
    return next(
        (f["value"] for f in body.get("custom_fields", []) if f["id"] == CATALOG.field_ids[title]), None
    )


def test_the_note_lists_the_demand_the_missing_photo_and_how_to_ask_for_it() -> None:
    api, records, triage = setup()
    # GIVEN a defect complaint asking for a refund, with no photo and no order number
    ticket_id = api.add_ticket("耳机坏了", "耳机左耳没声音，质量太差，花了199元买的，申请退款")
    # WHEN it is triaged
    triage.handle(ticket_event(ticket_id, event_id="ev-1"))
    # THEN the note names the demand, the amount, and asks for a photo and the order number
    [(_, body)] = api.updates
    note = body["comment"]["body"]
    zh = WORDING["zh"]
    assert f"{zh.demands}: 退款" in note and f"{zh.amount_paid}: 199" in note
    assert zh.asks["photo"] in note and zh.asks["order_number"] in note
    # AND the refund path is offered first, saying it answers the demand (R-REMEDY-4)
    assert f"{zh.main}: 全额退款" in note and zh.answers_demand in note
    # AND the demand and the suggested responsibility fill their drop-downs
    assert field(body, DEMAND_FIELD) == demand_value("refund")
    assert field(body, RESPONSIBILITY_FIELD) == responsibility_value("merchant")
    assert records.get(ticket_id).intake.missing == ["photo", "order_number"]


def test_attachments_are_counted_by_kind_and_satisfy_the_evidence() -> None:
    api, records, triage = setup()
    # GIVEN a damaged-in-transit complaint in English with two photos and a PDF attached
    ticket_id = api.add_ticket("Arrived smashed", "", requester_id=REQUESTER_ID)
    api.comments[ticket_id].clear()
    api.add_comment(
        ticket_id,
        "The courier crushed my order 12345678, the lamp arrived in pieces. Please send another.",
        author_id=REQUESTER_ID,
        attachments=[("a.jpg", "image/jpeg"), ("b.png", "image/png"), ("receipt.pdf", "application/pdf")],
    )
    api.tickets[ticket_id]["description"] = api.comments[ticket_id][0]["body"]
    # WHEN it is triaged
    triage.handle(ticket_event(ticket_id, event_id="ev-1"))
    # THEN the photos and the document are counted by kind, and nothing is asked for
    intake = records.get(ticket_id).intake
    assert intake.attached == {"photo": 2, "document": 1}
    assert intake.missing == []
    note = api.updates[-1][1]["comment"]["body"]
    en = WORDING["en"]
    assert f"{en.evidence_attached}: document × 1, photo × 2" in note and en.nothing_missing in note


def test_a_later_photo_clears_the_missing_photo_in_the_next_note() -> None:
    api, records, triage = setup()
    # GIVEN a triaged defect complaint still missing its photo
    ticket_id = api.add_ticket(
        "Kettle leaks",
        "The kettle is defective: it leaks from the base after two days. "
        "Order 98765432. I want a replacement.",
    )
    triage.handle(ticket_event(ticket_id, event_id="ev-1"))
    assert records.get(ticket_id).intake.missing == ["photo"]
    # WHEN the customer adds a message with the photo
    api.add_comment(
        ticket_id, "Here you go.", author_id=REQUESTER_ID, attachments=[("leak.jpg", "image/jpeg")]
    )
    triage.handle(ticket_event(ticket_id, EventType.COMMENT_ADDED, "ev-2"))
    # THEN the next note says the evidence came in and nothing is missing any more
    note = api.updates[-1][1]["comment"]["body"]
    en = WORDING["en"]
    assert en.evidence_now in note and en.nothing_missing in note and en.asks["photo"] not in note
    assert records.get(ticket_id).intake.missing == []
