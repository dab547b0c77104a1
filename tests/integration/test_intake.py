"""The intake through the triage Lambda, moto and the Zendesk sandbox (issue 19): an attachment the
customer uploaded counts as evidence; the note asks for what is still missing."""

from __future__ import annotations

from policies.engine import TriageEngine
from tests.integration.triage_stack import Stack, event_body, invoke, new_ticket, sqs_record

ASKS = TriageEngine.from_directory().policy.ticket_note.labels["en"].asks


def _note(stack: Stack, ticket_id: int) -> str:
    return next(c["body"] for c in reversed(stack.zendesk.list_comments(ticket_id)) if not c["public"])


def test_an_uploaded_photo_is_evidence_and_the_order_number_is_asked_for(stack: Stack) -> None:
    # GIVEN a defect complaint asking for a refund, with a photo uploaded and no order number
    token = stack.zendesk.upload("broken.jpg", b"\xff\xd8\xff\xe0photo", "image/jpeg")
    ticket_id = new_ticket(
        stack,
        "Blender jug cracked",
        "The blender is defective: the jug cracked on first use. I want a refund.",
        requester="buyer@example.com",
    )
    stack.zendesk.update_ticket(
        ticket_id,
        {
            "comment": {
                "body": "Photo attached.",
                "uploads": [token],
                "author_id": _requester(stack, ticket_id),
            }
        },
    )
    # WHEN its events are triaged
    assert invoke(sqs_record(event_body(ticket_id, "ev-1"), group=str(ticket_id))) == {
        "batchItemFailures": []
    }
    # THEN the note counts the photo and asks only for the order number
    note = _note(stack, ticket_id)
    assert "photo × 1" in note
    assert ASKS["order_number"] in note and ASKS["photo"] not in note


def _requester(stack: Stack, ticket_id: int) -> int:
    return int(stack.zendesk.get_ticket(ticket_id)["requester_id"])
