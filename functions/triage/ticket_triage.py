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
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from functions.triage.critical_alerts import critical_alerts
from functions.triage.group_complaints import (
    EventQueue,
    cluster_alert,
    finding_from_event,
    finding_of,
    join_problem,
    tell_the_others,
)
from functions.triage.surge_watch import SurgeWatch
from functions.triage.ticket_plan import Plan, TicketPlanner
from infra.alerts import Alert
from infra.archive import ArchiveEntry, alert_entry
from infra.problem_clusters import ClusterState, ProblemClusters
from integrations.zendesk.corrections import (
    corrections_found,
    grade_field_titled,
    grade_of_option,
    grade_on_ticket,
)
from integrations.zendesk.errors import ZendeskConflict, ZendeskNotFound
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from integrations.zendesk.models import SOCIAL_OUTREACH_TAG, ZendeskTicket, parse_comments
from integrations.zendesk.ticket_fields import GRADE_FIELDS, SOCIAL_POST_TIME_FIELD, FieldCatalog
from integrations.zendesk.ticket_update import update_payload, written_by_event
from policies.complaint_state import Acknowledged, ComplaintRecord, ContactMade, Correction
from policies.engine import TriageEngine

logger = logging.getLogger(__name__)

DEFAULT_MAX_CONFLICTS = 3
CONTACT_DETAIL = "private_contact"  # key of a plugin event's detail: the outreach's ContactMade
ACKNOWLEDGED_DETAIL = "acknowledged"  # key of a notifier event's detail: who acknowledged an alert
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

    def note_write(self, ticket_id: int, event_id: str) -> bool: ...


class ArchiveSink(Protocol):
    def put(self, entry: ArchiveEntry) -> Any: ...


class AlertSink(Protocol):
    def publish(self, alert: Alert) -> str: ...


class AnalyticsSink(Protocol):
    def put(self, record: ComplaintRecord, snapshot_at: datetime, event_id: str) -> Any: ...


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
        alerts: AlertSink | None = None,
        surges: SurgeWatch | None = None,
        clusters: ProblemClusters | None = None,
        group_queue: EventQueue | None = None,
        archive: ArchiveSink | None = None,
        analytics: AnalyticsSink | None = None,
        ticket_url: Callable[[int], str] = str,
        mask: Callable[[str], str] = lambda text: text,
        max_conflicts: int = DEFAULT_MAX_CONFLICTS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._planner = TicketPlanner(engine, mask)
        self._clock = clock
        self._policy = engine.policy
        self._alerts = alerts
        self._surges = surges
        self._clusters = clusters
        self._group_queue = group_queue
        self._archive = archive
        self._analytics = analytics
        self._ticket_url = ticket_url
        self._mask = mask
        self._policy_version = engine.policy_version
        self._tickets = tickets
        self._records = records
        self._catalog = catalog
        self._max_conflicts = max_conflicts

    def handle(self, event: TicketEvent, *, redelivered: bool = False) -> Outcome:
        ticket_id = event.ticket_id
        record = self._records.get(ticket_id)
        if record is not None and (event.event_type in _NOTHING_TO_DO or _our_own_grade(event, record)):
            return Outcome(ticket_id, "skipped", f"{event.zendesk_type} changes nothing tracked")
        check_audits = redelivered
        for _ in range(self._max_conflicts + 1):
            try:
                raw_ticket = self._tickets.get_ticket(ticket_id)
                ticket = ZendeskTicket.model_validate(raw_ticket)
                comments = parse_comments(self._tickets.list_comments(ticket_id))
            except ZendeskNotFound:
                return Outcome(ticket_id, "ticket_gone", "the ticket was deleted before triage")
            if record is None and _awaits_outreach(ticket, event):
                return Outcome(ticket_id, "skipped", "the social outreach triages this ticket first")
            group = finding_from_event(event)
            context = {
                "acknowledged": acknowledged_of(event),
                "event_id": event.event_id,
                "occurred_at": self._believed(event),
                "received_at": self._posted_at(raw_ticket, ticket),
                "contact": contact_of(event),
            }
            record = self._leave_cluster(ticket, record)
            corrections = self._corrections(raw_ticket, record, event)
            plan = self._planner.plan(
                ticket, comments, record, group=group, corrections=corrections, **context
            )
            cluster, plan = self._join_cluster(ticket, plan) if record is None else (None, plan)
            if cluster is not None and cluster.grouped:
                problem = plan.record.problem
                plan = self._planner.plan(
                    ticket, comments, record, group=finding_of(cluster), corrections=corrections, **context
                )
                plan = replace(plan, record=plan.record.model_copy(update={"problem": problem}))
            # Zendesk refuses writes to closed tickets: the state is still recorded.
            if plan.change.is_empty() or ticket.status == "closed":
                if ticket.status == "closed":
                    outcome = Outcome(ticket_id, "closed", "closed tickets cannot be updated")
                else:
                    outcome = Outcome(ticket_id, "recorded" if plan.record_changed else "unchanged")
                if plan.record_changed:
                    self._finish(event, ticket, plan, cluster, outcome, written=None)
                return outcome
            # The same event may come back as a fresh message, not a redelivery: a duplicate delivery
            # or a group raise queued again after SQS's deduplication window. Whether an earlier
            # attempt got as far as writing is recorded before every write; then the audits decide.
            if not check_audits and self._records.note_write(ticket_id, event.event_id):
                check_audits = True
            if check_audits and written_by_event(self._tickets.list_audits(ticket_id), event.event_id):
                outcome = Outcome(ticket_id, "already_written", "an earlier attempt's write had landed")
                return self._finish(event, ticket, plan, cluster, outcome, written=None)
            payload = update_payload(
                plan.change, self._catalog(), event_id=event.event_id, policy_version=self._policy_version
            )
            if payload.unmapped:
                logger.warning(
                    "ticket fields or groups missing in Zendesk; run the bootstrap",
                    extra={"missing": list(payload.unmapped)},
                )
            try:
                answer = self._tickets.update_ticket(ticket_id, payload.body, updated_stamp=ticket.updated_at)
            except ZendeskConflict:
                check_audits = True  # a retried PUT may have landed before the 409
                record = self._records.get(ticket_id)  # the other writer may have been another event
                continue
            written = {"request": payload.body, "response": _response_summary(answer)}
            return self._finish(event, ticket, plan, cluster, Outcome(ticket_id, "written"), written=written)
        raise ConflictPersisted(f"ticket {ticket_id} changed {self._max_conflicts + 1} times while triaging")

    def _corrections(
        self, raw_ticket: dict[str, Any], record: ComplaintRecord | None, event: TicketEvent
    ) -> list[Correction]:
        """Agents' changes of the grade drop-downs the record does not know yet (issue 14)."""
        if record is None:
            return []
        catalog = self._catalog()
        return corrections_found(
            record,
            grade_on_ticket(raw_ticket, catalog),
            catalog,
            lambda: self._tickets.list_audits(record.ticket_id),
            noticed_by=event.event_id,
            now=self._clock(),
        )

    def _believed(self, event: TicketEvent) -> datetime:
        """When the event happened; a time in the future (a clock or time-zone error upstream) is
        not believed, and the event counts from now, when it is handled."""
        now = self._clock()
        believed = self._policy.sla.clock_skew.believed(event.occurred_at, now)
        if believed != event.occurred_at:
            logger.warning(
                "event time lies in the future; counting from now",
                extra={"event": event.event_id, "claimed": event.occurred_at.isoformat()},
            )
        return believed

    def _posted_at(self, raw_ticket: dict[str, Any], ticket: ZendeskTicket) -> datetime | None:
        """When the social post behind the ticket was written (the social flow sets the field); a
        time after the ticket was created cannot be the post's, and the ticket's own time is used."""
        value = self._catalog().value_of(raw_ticket, SOCIAL_POST_TIME_FIELD)
        if not value:
            return None
        try:
            posted = datetime.fromisoformat(str(value))
        except ValueError:
            logger.warning("unreadable social post time on the ticket; using its creation time")
            return None
        if posted.tzinfo is None:
            return None
        return self._policy.sla.clock_skew.believed(posted, ticket.created_at)

    def _finish(
        self,
        event: TicketEvent,
        ticket: ZendeskTicket,
        plan: Plan,
        cluster: ClusterState | None,
        outcome: Outcome,
        *,
        written: dict[str, Any] | None,
    ) -> Outcome:
        """Archive what happened (R-LOOP-3), tell people, then save the record: in that order, so a
        failure retries the event and every step before it is found done (archive key, audits)."""
        if self._archive is not None:
            self._archive.put(
                ArchiveEntry(
                    ticket_id=ticket.id,
                    category=plan.record.category,
                    order_no=plan.record.order_no,
                    event="triage",
                    event_id=event.event_id,
                    occurred_at=event.occurred_at,
                    policy_version=self._policy_version,
                    correlation_id=event.event_id,
                    body={
                        "event": event.model_dump(mode="json"),
                        "ticket": ticket.model_dump(mode="json"),
                        "decision": plan.record.model_dump(mode="json"),
                        "evidence": plan.evidence,
                        "zendesk_write": written,
                        "outcome": {"action": outcome.action, "detail": outcome.detail},
                    },
                )
            )
            for correction in plan.corrections:
                self._archive.put(self._correction_entry(event, ticket, plan, correction))
        record = self._alerted(event, plan, cluster)
        if self._analytics is not None:  # the review's copy (issue 14): the complaint as it now stands
            self._analytics.put(record, self._clock(), event.event_id)
        self._records.save(record)
        return outcome

    def _correction_entry(
        self, event: TicketEvent, ticket: ZendeskTicket, plan: Plan, correction: Correction
    ) -> ArchiveEntry:
        """An agent's correction as a labelled example: what the plugin said, what the agent said,
        and the customer's words it was about (personal numbers sealed by the archive)."""
        return ArchiveEntry(
            ticket_id=ticket.id,
            category=plan.record.category,
            order_no=plan.record.order_no,
            event="correction",
            event_id=f"{event.event_id}:correction:{correction.field}",
            occurred_at=correction.at,
            policy_version=self._policy_version,
            correlation_id=event.event_id,
            body={
                "correction": correction.model_dump(mode="json"),
                "grade": {name: plan.record.grade_value(name) for name in GRADE_FIELDS},
                "text": {"subject": ticket.subject, "description": ticket.description},
            },
        )

    def _join_cluster(self, ticket: ZendeskTicket, plan: Plan) -> tuple[ClusterState | None, Plan]:
        """Count this new complaint's customer under its problem (R-GRADE-1b); the record keeps the key."""
        if self._clusters is None or ticket.requester_id is None:
            return None, plan
        candidates = self._planner.problems_of(ticket, plan.record)
        if not candidates:
            return None, plan
        cluster, problem = join_problem(
            self._clusters,
            candidates,
            self._policy.alerting.group_complaint,
            customer=str(ticket.requester_id),
            ticket_id=ticket.id,
            at=ticket.created_at,
        )
        record = plan.record.model_copy(update={"problem": problem.key})
        return cluster, replace(plan, record=record)

    def _leave_cluster(self, ticket: ZendeskTicket, record: ComplaintRecord | None) -> ComplaintRecord | None:
        """An agent tagged the ticket as not part of its group: take it out and count again, once."""
        group = self._policy.alerting.group_complaint
        if (
            self._clusters is None
            or record is None
            or not record.problem
            or group.not_in_group_tag not in ticket.tags
        ):
            return record
        self._clusters.leave(
            record.problem,
            ticket_id=ticket.id,
            at=self._clock(),
            window=timedelta(hours=group.window_hours),
            min_customers=group.min_customers,
        )
        return self._records.save(record.model_copy(update={"problem": None}))

    def _send(self, alert: Alert, event: TicketEvent) -> None:
        """Publish an alert and archive it: every alert is part of the complaint's record (R-LOOP-3)."""
        assert self._alerts is not None
        self._alerts.publish(alert)
        if self._archive is not None:
            self._archive.put(alert_entry(alert, event.event_id, event.occurred_at, self._policy_version))

    def _alerted(
        self, event: TicketEvent, plan: Plan, cluster: ClusterState | None = None
    ) -> ComplaintRecord:
        """Tell whoever must hear of this complaint now; the record remembers what was sent.

        Runs after the ticket write and before the record is saved: if it fails, the event is
        retried, its write is found in the audits (not repeated), and this runs again.
        - a group complaint just formed: the cluster's other tickets (queued events), and PR +
          compliance once for the cluster (R-GRADE-1b);
        - each critical cause not alerted yet (R-ROUTE-1/4);
        - a new complaint counts towards its category's red/yellow light (R-REVIEW-2).
        """
        record = plan.record
        if cluster is not None and cluster.needs_fan_out and self._clusters is not None:
            if self._group_queue is not None:
                # Stamped when the cluster formed, to the microsecond: the raise it causes on an earlier
                # ticket then sorts after that ticket's own triage in the archive.
                tell_the_others(self._group_queue, cluster, record.ticket_id, self._clock())
            if self._alerts is not None:
                self._send(cluster_alert(self._policy, record, cluster, self._ticket_url), event)
            self._clusters.mark_fanned_out(cluster.key)
        if self._alerts is None:
            return record
        pending = critical_alerts(
            self._policy,
            record,
            plan.evidence,
            ticket_url=self._ticket_url(record.ticket_id),
            mask=self._mask,
        )
        for cause, alert in pending:
            self._send(alert, event)
            record = record.model_copy(update={"alerted": [*record.alerted, cause]})
        if self._surges is not None and record.version == 0 and record.is_complaint:  # a new complaint
            for alert in self._surges.on_new_complaint(record):
                self._send(alert, event)
        return record


def _awaits_outreach(ticket: ZendeskTicket, event: TicketEvent) -> bool:
    """A ticket the social outreach created and has not triaged yet: Zendesk's events for it are
    left to the outreach, whose intake reads every comment anyway (two intakes would race)."""
    return SOCIAL_OUTREACH_TAG in ticket.tags and event.source != EventSource.PLUGIN


def _our_own_grade(event: TicketEvent, record: ComplaintRecord) -> bool:
    """A grade drop-down changed to the value the record holds: the plugin's own write, echoed."""
    if event.event_type is not EventType.FIELD_CHANGED:
        return False
    title = event.changed_field_title
    if title is None:
        return False  # the payload does not say which field: read the ticket
    name = grade_field_titled(title)
    if name is None:
        return True  # not a grade field: nothing tracked (the webhook drops these before queueing)
    return grade_of_option(name, event.detail.get("current")) == record.grade_value(name)


def acknowledged_of(event: TicketEvent) -> Acknowledged | None:
    """The chat acknowledgement a notifier event reports (issue 17), if any."""
    detail = event.detail.get(ACKNOWLEDGED_DETAIL) if event.source == EventSource.PLUGIN else None
    return None if detail is None else Acknowledged.model_validate(detail)


def contact_of(event: TicketEvent) -> ContactMade | None:
    """The private contact an outreach event reports (R-SLA-9), if any."""
    detail = event.detail.get(CONTACT_DETAIL) if event.source == EventSource.PLUGIN else None
    return None if detail is None else ContactMade.model_validate(detail)


def _response_summary(ticket: dict[str, Any]) -> dict[str, Any]:
    """What Zendesk answered to our write: the ticket's state after it, for the archive."""
    keys = ("id", "updated_at", "status", "priority", "group_id", "tags", "custom_fields")
    return {key: ticket.get(key) for key in keys}
