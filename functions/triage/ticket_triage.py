"""The triage use case: one ticket event → at most one ticket write, then the complaint's new state.

Collaborators come in through the constructor (Zendesk, the complaint store, the field catalog),
so unit tests use in-memory fakes and integration tests the sandbox and moto.

Exactly one plugin write per event, even across retries:
- the write is a `safe_update` with the ticket's `updated_stamp`; a 409 means someone wrote in
  between, so the ticket is read again and the decision made again;
- each write carries the event id in its audit metadata; before writing again after a 409 or
  on a redelivered message, the audits are checked, so a write that landed (but whose answer
  was lost) is not repeated;
- 429 and an exhausted write budget propagate as `ZendeskRetryLater`: the caller returns the
  message to the queue for `Retry-After` seconds. Nothing here sleeps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from functions.triage.ticket_plan import TicketPlanner
from integrations.zendesk.errors import ZendeskConflict, ZendeskNotFound
from integrations.zendesk.events import EventType, TicketEvent
from integrations.zendesk.models import ZendeskTicket, parse_comments
from integrations.zendesk.ticket_fields import FieldCatalog
from integrations.zendesk.ticket_update import update_payload, written_by_event
from policies.complaint_state import ComplaintRecord
from policies.engine import TriageEngine

logger = logging.getLogger(__name__)

DEFAULT_MAX_CONFLICTS = 3
# Events that can change nothing the plugin tracks once the ticket has been triaged
# (our own write raises priority_changed; the status and comments are read from the ticket).
_NOTHING_TO_DO = frozenset({EventType.PRIORITY_CHANGED, EventType.OTHER})


class TicketApi(Protocol):
    def get_ticket(self, ticket_id: int) -> dict[str, Any]: ...

    def list_comments(self, ticket_id: int) -> list[dict[str, Any]]: ...

    def list_audits(self, ticket_id: int) -> list[dict[str, Any]]: ...

    def update_ticket(
        self, ticket_id: int, changes: dict[str, Any], *, updated_stamp: str | None = None
    ) -> dict[str, Any]: ...


class ComplaintRecords(Protocol):
    def get(self, ticket_id: int) -> ComplaintRecord | None: ...

    def save(self, record: ComplaintRecord) -> ComplaintRecord: ...


class ConflictPersisted(Exception):
    """The ticket kept changing under us (409 each time); the message should be retried later."""


@dataclass(frozen=True)
class Outcome:
    ticket_id: int
    action: Literal["written", "recorded", "unchanged", "skipped", "already_written", "ticket_gone", "closed"]
    detail: str = ""


class TicketTriage:
    def __init__(
        self,
        engine: TriageEngine,
        tickets: TicketApi,
        records: ComplaintRecords,
        catalog: Callable[[], FieldCatalog],
        *,
        max_conflicts: int = DEFAULT_MAX_CONFLICTS,
    ) -> None:
        self._planner = TicketPlanner(engine)
        self._policy_version = engine.policy_version
        self._tickets = tickets
        self._records = records
        self._catalog = catalog
        self._max_conflicts = max_conflicts

    def handle(self, event: TicketEvent, *, redelivered: bool = False) -> Outcome:
        ticket_id = event.ticket_id
        record = self._records.get(ticket_id)
        if record is not None and event.event_type in _NOTHING_TO_DO:
            return Outcome(ticket_id, "skipped", f"{event.zendesk_type} changes nothing tracked")
        check_audits = redelivered
        for _ in range(self._max_conflicts + 1):
            try:
                ticket = ZendeskTicket.model_validate(self._tickets.get_ticket(ticket_id))
                comments = parse_comments(self._tickets.list_comments(ticket_id))
            except ZendeskNotFound:
                return Outcome(ticket_id, "ticket_gone", "the ticket was deleted before triage")
            plan = self._planner.plan(
                ticket, comments, record, event_id=event.event_id, occurred_at=event.occurred_at
            )
            # Zendesk refuses writes to closed tickets: the state is still recorded.
            if plan.change.is_empty() or ticket.status == "closed":
                if plan.record_changed:
                    self._records.save(plan.record)
                if ticket.status == "closed":
                    return Outcome(ticket_id, "closed", "closed tickets cannot be updated")
                return Outcome(ticket_id, "recorded" if plan.record_changed else "unchanged")
            if check_audits and written_by_event(self._tickets.list_audits(ticket_id), event.event_id):
                self._records.save(plan.record)
                return Outcome(ticket_id, "already_written", "an earlier attempt's write had landed")
            payload = update_payload(
                plan.change, self._catalog(), event_id=event.event_id, policy_version=self._policy_version
            )
            if payload.unmapped:
                logger.warning(
                    "ticket fields or groups missing in Zendesk; run the bootstrap",
                    extra={"missing": list(payload.unmapped)},
                )
            try:
                self._tickets.update_ticket(ticket_id, payload.body, updated_stamp=ticket.updated_at)
            except ZendeskConflict:
                check_audits = True  # a retried PUT may have landed before the 409
                continue
            self._records.save(plan.record)
            return Outcome(ticket_id, "written")
        raise ConflictPersisted(f"ticket {ticket_id} changed {self._max_conflicts + 1} times while triaging")
