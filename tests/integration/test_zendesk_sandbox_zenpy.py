"""The sandbox answers the way Zendesk does for a common third-party client (issue 16): zenpy builds
its objects from Zendesk's documented answers (a created or updated ticket comes with its audit), so
if zenpy works against the sandbox, the sandbox speaks the API and not only our client's dialect."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from zenpy import Zenpy
from zenpy.lib.api_objects import Comment, CustomField, Ticket, TicketAudit, TicketField

from local.zendesk.sandbox import ZendeskSandbox


@pytest.fixture
def zenpy_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Zenpy, ZendeskSandbox]]:
    # zenpy builds https://{subdomain}.{domain}/api/v2; the sandbox is plain HTTP on loopback.
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    with ZendeskSandbox() as zd:
        host, port = zd.url.removeprefix("http://").rsplit(":", 1)
        subdomain, domain = host.rsplit(".", 1)
        client = Zenpy(subdomain=subdomain, domain=f"{domain}:{port}", email=zd.email, token=zd.api_token)
        yield client, zd


def test_zenpy_creates_shows_updates_and_reads_audits(zenpy_client: tuple[Zenpy, ZendeskSandbox]) -> None:
    client, _ = zenpy_client
    # GIVEN a text field
    due = client.ticket_fields.create(TicketField(type="text", title="Resolution due"))
    # WHEN zenpy creates a ticket
    created = client.tickets.create(
        Ticket(
            subject="Parcel never arrived",
            comment=Comment(body="Order 12345 was never delivered."),
            tags=["complaint"],
        )
    )
    # THEN it gets the ticket and its audit, as Zendesk answers a create
    assert isinstance(created, TicketAudit)
    ticket_id = created.ticket.id
    assert created.audit.ticket_id == ticket_id and created.audit.events
    # WHEN it reads the ticket back, adds a tag and sets the field
    ticket = client.tickets(id=ticket_id)
    assert ticket.subject == "Parcel never arrived" and ticket.tags == ["complaint"]
    ticket.tags.append("complaint_level_1")
    ticket.custom_fields = [CustomField(id=due.id, value="2026-12-07T09:00:00+08:00")]
    updated = client.tickets.update(ticket)
    # THEN the update comes back with its audit too, and the ticket holds both changes
    assert isinstance(updated, TicketAudit)
    assert set(updated.ticket.tags) == {"complaint", "complaint_level_1"}
    shown = client.tickets(id=ticket_id)
    assert {f["id"]: f["value"] for f in shown.custom_fields}.get(due.id) == "2026-12-07T09:00:00+08:00"
    # AND the ticket's audits are the two writes, each authored by the caller
    audits = list(client.tickets.audits(ticket=ticket_id))
    assert len(audits) == 2
    assert len({audit.author_id for audit in audits}) == 1
    assert audits[-1].id == updated.audit.id


def test_zenpy_lists_the_ticket_fields_it_created(zenpy_client: tuple[Zenpy, ZendeskSandbox]) -> None:
    client, _ = zenpy_client
    # GIVEN a field created through zenpy  WHEN the fields are listed  THEN it is among them
    client.ticket_fields.create(TicketField(type="text", title="Complaint SLA state"))
    assert "Complaint SLA state" in [field.title for field in client.ticket_fields()]
