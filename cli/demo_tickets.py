"""The demo's second half: the worked cases as Zendesk tickets, as an agent sees them after triage.

Each case is created through the Zendesk API of a local product run (sandbox + embedded AWS);
the sandbox's signed webhook goes through the real intake and triage handlers, and the ticket
is then read back and shown: priority, group, tags, the plugin's fields and its internal note.
The last section gives the sandbox's agent page of the first level-1 ticket, where the ticket
sidebar app runs beside it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cli.demo_section import Section

if TYPE_CHECKING:
    from cli.demo_cases import DemoCase
    from integrations.zendesk.client import ZendeskClient
    from local.product import LocalProduct

TITLE = "Tickets in Zendesk after triage (local sandbox, through the signed webhook and the queue)"
AGENT_PAGE_TITLE = "The agent's view: a level-1 ticket with the ticket sidebar app (Zendesk sandbox)"
SERVE_COMMAND = "make demo-serve"  # runs `triage demo --serve`
ENRICHMENT_TIMEOUT_SECONDS = 60.0
DEMO_WRITES_PER_MINUTE = 100  # Zendesk's Update Ticket limit per account (local/zendesk/sandbox_settings.py)
_POLL_SECONDS = 0.5  # the sandbox counts requests as Zendesk does (700 a minute): poll gently
_SUBJECT_CHARS = 30


def demo_product(policy_dir: str | None) -> LocalProduct:
    """The local product the demo's tickets go through (start it with `with`)."""
    from local.product import LocalProduct

    # No agent works in the demo's sandbox: the plugin may use the account's whole Update Ticket
    # limit, so the demo's burst of tickets is not held back by the share left for agents.
    # The chat section replays the safety incident on a clock it moves (cli/demo_chat.py), so the
    # product's own notifier, on real time, is left out.
    return LocalProduct(policy_dir=policy_dir, writes_per_minute=DEMO_WRITES_PER_MINUTE, chat_notifier=False)


def ticket_sections(
    product: LocalProduct, cases: Sequence[DemoCase], *, serving: bool = False
) -> list[Section]:
    """The cases as tickets through a started product; `serving`: the product stays up afterwards."""
    from cli.demo_alerts import alert_sections
    from cli.demo_archive import archive_section
    from cli.demo_chat import chat_sections
    from cli.demo_review import review_sections
    from cli.demo_social import social_sections
    from integrations.zendesk.client import ZendeskClient

    ready = product.ready
    assert ready is not None
    with ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token) as client:
        created = [(case, _create(client, case)) for case in cases]
        waiting = {ticket_id for _, ticket_id in created}
        deadline = time.monotonic() + ENRICHMENT_TIMEOUT_SECONDS
        while waiting and time.monotonic() < deadline:
            waiting = {t for t in waiting if not _enriched(client, t)}
            if waiting:
                time.sleep(_POLL_SECONDS)
        fields = {int(f["id"]): str(f["title"]) for f in client.list_ticket_fields()}
        groups = {int(g["id"]): str(g["name"]) for g in client.list_groups()}
        enriched = len(created) - len(waiting)
        summary = f"{enriched} of {len(created)} tickets enriched; Zendesk at {ready.zendesk_url}"
        sections = [Section(TITLE, (summary,))]
        for case, ticket_id in created:
            sections.append(_ticket_view(client, case, ticket_id, fields, groups, ticket_id in waiting))
        level_one = _first_level_one(client, created)
        shown, alerts = alert_sections(product, client)
        sections += shown
        sections += chat_sections(product, alerts)
        sections += social_sections(product, client)
        sections.append(archive_section(product))
        sections += review_sections(product, client, created)
    sections.append(agent_page_section(ready.zendesk_url, level_one, serving))
    return sections


def _first_level_one(
    client: ZendeskClient, created: Sequence[tuple[DemoCase, int]]
) -> tuple[str, int] | None:
    """The first demo case whose ticket the triage graded level 1: (case id, ticket id)."""
    from integrations.zendesk.ticket_fields import LEVEL_FIELD, FieldCatalog, level_value

    catalog = FieldCatalog.from_account(client.list_ticket_fields(), [])
    return next(
        (
            (case["id"], ticket_id)
            for case, ticket_id in created
            if catalog.value_of(client.get_ticket(ticket_id), LEVEL_FIELD) == level_value(1)
        ),
        None,
    )


def agent_page_section(zendesk_url: str, level_one: tuple[str, int] | None, serving: bool) -> Section:
    """Where a person sees the ticket as an agent does, the sidebar app beside it."""
    if level_one is None:
        return Section(AGENT_PAGE_TITLE, ("  no demo ticket was graded level 1",))
    case_id, ticket_id = level_one
    lines = [f"  Ticket #{ticket_id} · {case_id}: {zendesk_url}/agent/tickets/{ticket_id}"]
    if serving:
        lines.append("  Open it in a browser: the sandbox, the webhook and the triage run until Ctrl-C.")
    else:
        lines.append(
            f"  The sandbox stopped with the demo: `{SERVE_COMMAND}` runs it again and keeps it open."
        )
    return Section(AGENT_PAGE_TITLE, tuple(lines))


def _create(client: ZendeskClient, case: DemoCase) -> int:
    from integrations.zendesk.models import SOCIAL_PUBLIC_TAG

    tags = []
    if case.get("channel") == "social_public":
        tags.append(SOCIAL_PUBLIC_TAG)
    if case.get("customer_tier") == "high_value":
        tags.append("vip")
    subject = case.get("subject") or case["text"][:_SUBJECT_CHARS]
    # What the customer attached (a photo of the defect), uploaded as a mail client would.
    uploads = [client.upload(name, b"demo attachment", kind) for name, kind in case.get("attachments", ())]
    ticket = client.create_ticket(
        {
            "subject": subject,
            "comment": {"body": case["text"], **({"uploads": uploads} if uploads else {})},
            "requester": {"name": case["id"], "email": f"{case['id']}@customers.example"},
            "tags": tags,
        }
    )
    return int(ticket["id"])


def _enriched(client: ZendeskClient, ticket_id: int) -> bool:
    from integrations.zendesk.ticket_update import METADATA_KEY

    return any(
        METADATA_KEY in (a.get("metadata") or {}).get("custom", {}) for a in client.list_audits(ticket_id)
    )


def _ticket_view(
    client: ZendeskClient,
    case: DemoCase,
    ticket_id: int,
    fields: dict[int, str],
    groups: dict[int, str],
    timed_out: bool,
) -> Section:
    ticket: dict[str, Any] = client.get_ticket(ticket_id)
    lines = [
        f"  subject:  {ticket['subject']}",
        f"  priority: {ticket['priority'] or '—'}    group: {groups.get(ticket['group_id'] or 0, '—')}",
        f"  tags:     {' '.join(ticket['tags'])}",
    ]
    lines += [
        f"  {fields[f['id']]}: {f['value']}"
        for f in ticket["custom_fields"]
        if f["value"] and f["id"] in fields
    ]
    if timed_out:
        lines.append(f"  (not enriched within {ENRICHMENT_TIMEOUT_SECONDS:.0f} s)")
    notes = [c["body"] for c in client.list_comments(ticket_id) if not c["public"]]
    for note in notes:
        lines.append("  ┌ internal note")
        lines += [f"  │ {line}" for line in note.splitlines()]
    return Section(f"Ticket #{ticket_id} · {case['id']}", tuple(lines))
