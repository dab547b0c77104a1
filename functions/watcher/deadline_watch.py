"""The deadline watcher: every minute, warn before deadlines (R-SLA-6) and mark breaches.

Zendesk's own automations run hourly; this runs each minute, reads only the obligations whose
time has come (an index query, not a scan), and acts once per state change:
- open → warned at the warning time; open/warned → breached at the due time;
- one ticket write per ticket and run: a tag per change (`sla_warning_<kind>`,
  `sla_breach_<kind>`) and one internal note in the ticket's language;
- one alert per change to the `sla` topic (team leads), or one digest for the whole run when
  more tickets changed than alerting.yaml's `sla_digest_over`;
- the new state is saved last: if Zendesk or SNS fails, the next run tries the same change
  again (tags are additive, so a repeated write changes nothing on the ticket).
When Zendesk asks us to wait (429, write budget), the run stops and the rest waits a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from infra.alerts import Alert
from integrations.zendesk.errors import ZendeskNotFound, ZendeskRetryLater, ZendeskValidationError
from integrations.zendesk.internal_note import NoteWriter, format_due, join_sections
from integrations.zendesk.ticket_fields import SLA_STATE_FIELD, FieldCatalog
from integrations.zendesk.ticket_update import METADATA_KEY
from policies.complaint_state import ComplaintRecord, Obligation
from policies.loader import Policy

logger = logging.getLogger(__name__)

WARNING_TAG = "sla_warning_{}"
BREACH_TAG = "sla_breach_{}"


class WatchedRecords(Protocol):
    def tickets_to_check(self, now: datetime) -> list[int]: ...

    def get(self, ticket_id: int) -> ComplaintRecord | None: ...

    def save(self, record: ComplaintRecord) -> ComplaintRecord: ...


class TicketWriter(Protocol):
    def update_ticket(
        self, ticket_id: int, changes: dict[str, Any], *, updated_stamp: str | None = None
    ) -> dict[str, Any]: ...


class AlertSink(Protocol):
    def publish(self, alert: Alert) -> str: ...


@dataclass
class WatchReport:
    checked: int = 0
    warned: int = 0
    breached: int = 0
    deferred: int = 0
    failed: list[int] = field(default_factory=list)


class DeadlineWatch:
    def __init__(
        self,
        policy: Policy,
        records: WatchedRecords,
        tickets: TicketWriter,
        alerts: AlertSink,
        *,
        ticket_url: Callable[[int], str],
        catalog: Callable[[], FieldCatalog] = lambda: FieldCatalog(field_ids={}, group_ids={}),
    ) -> None:
        self._policy = policy
        self._records = records
        self._tickets = tickets
        self._alerts = alerts
        self._ticket_url = ticket_url
        self._catalog = catalog

    def run(self, now: datetime) -> WatchReport:
        report = WatchReport()
        due = self._records.tickets_to_check(now)
        # Many changes at once (an outage, a holiday backlog) go out as one digest, not a storm.
        digest = len(due) > self._policy.alerting.sla_digest_over
        held: list[tuple[ComplaintRecord, list[Alert]]] = []
        for position, ticket_id in enumerate(due):
            report.checked += 1
            try:
                checked = self._check(ticket_id, now, report)
            except ZendeskRetryLater:
                report.deferred = len(due) - position
                logger.warning("zendesk asked us to wait; the rest waits for the next run")
                break
            except Exception:  # one ticket's failure must not stop the others' warnings
                logger.exception("deadline check failed", extra={"ticket_id": ticket_id})
                report.failed.append(ticket_id)
                continue
            if checked is None:
                continue
            if digest:
                held.append(checked)
            else:
                self._deliver([checked])
        if held:
            self._deliver(held, as_digest=True)
        return report

    def _deliver(
        self, checked: list[tuple[ComplaintRecord, list[Alert]]], *, as_digest: bool = False
    ) -> None:
        """Alerts first, then the new states: a failed publish leaves the change for the next run."""
        alerts = [alert for _, batch in checked for alert in batch]
        if as_digest:
            self._alerts.publish(self._digest(alerts))
        else:
            for alert in alerts:
                self._alerts.publish(alert)
        for record, _ in checked:
            try:
                self._records.save(record)
            except Exception:  # the ticket's next check repeats the change; nothing is lost
                logger.exception("saving the deadline state failed", extra={"ticket_id": record.ticket_id})

    def _digest(self, alerts: list[Alert]) -> Alert:
        breaches = sum(a.cause == "sla_breach" for a in alerts)
        warnings = len(alerts) - breaches
        ordered = sorted(alerts, key=lambda a: (a.cause != "sla_breach", a.level, a.ticket_id))
        return Alert(
            topic="sla",
            cause="sla_digest",
            ticket_id=ordered[0].ticket_id,
            level=min(a.level for a in alerts),
            subject=f"SLA digest: {breaches} breaches, {warnings} warnings",
            body="\n\n".join(a.subject + "\n" + a.body.splitlines()[-1] for a in ordered),
            attributes={"breaches": str(breaches), "warnings": str(warnings)},
        )

    def _check(
        self, ticket_id: int, now: datetime, report: WatchReport
    ) -> tuple[ComplaintRecord, list[Alert]] | None:
        """Write the ticket for what changed; return the new record and its alerts (not sent yet)."""
        record = self._records.get(ticket_id)
        if record is None:
            return None
        changed: list[Obligation] = []
        for obligation in record.open_obligations():
            state = _state_at(obligation, now)
            if state != obligation.state:
                changed.append(obligation.model_copy(update={"state": state}))
        if not changed:
            return None
        writer = NoteWriter(self._policy.ticket_note, self._policy.compliance, record.language)
        tags = [(BREACH_TAG if o.state == "breached" else WARNING_TAG).format(o.kind) for o in changed]
        sections = [*(writer.deadline_state(o) for o in changed), writer.policy(self._policy.version)]
        note = join_sections(sections)
        changes: dict[str, Any] = {
            "additional_tags": tags,
            "comment": {"body": note, "public": False},
            "metadata": {METADATA_KEY: {"watch": [f"{o.kind}:{o.state}" for o in changed]}},
        }
        state_field = self._catalog().field_ids.get(SLA_STATE_FIELD)
        if state_field is not None:
            changes["custom_fields"] = [{"id": state_field, "value": _sla_state(record, changed)}]
        try:
            self._tickets.update_ticket(ticket_id, changes)
        except (ZendeskNotFound, ZendeskValidationError):
            # Deleted or closed: nothing to show on the ticket, but the state change and the alert stand.
            logger.warning("ticket cannot take the deadline note", extra={"ticket_id": ticket_id})
        alerts = []
        for obligation in changed:
            alerts.append(self._alert(record, obligation))
            record = record.with_obligation(obligation)
            if obligation.state == "breached":
                report.breached += 1
            else:
                report.warned += 1
        return record, alerts

    def _alert(self, record: ComplaintRecord, obligation: Obligation) -> Alert:
        zh = self._policy.ticket_note.labels["zh"]
        en = self._policy.ticket_note.labels["en"]
        breached = obligation.state == "breached"
        what_en = "SLA breach" if breached else "SLA warning"
        kind_en = en.kinds[obligation.kind]
        due = format_due(obligation.due_at)
        url = self._ticket_url(record.ticket_id)
        subject = f"[L{record.level}] {what_en}: {kind_en} due {due} - ticket #{record.ticket_id}"
        body = "\n".join(
            [
                f"{zh.sla_breach if breached else zh.sla_warning}: {zh.kinds[obligation.kind]} {due}",
                f"{en.sla_breach if breached else en.sla_warning}: {kind_en} {due}",
                f"{zh.level_names[record.level]} / {en.level_names[record.level]} · "  # type: ignore[index]
                f"{record.category} / {record.subtype} · {obligation.rule}",
                url,
            ]
        )
        return Alert(
            topic="sla",
            cause="sla_breach" if breached else "sla_warning",
            ticket_id=record.ticket_id,
            level=record.level,
            subject=subject,
            body=body,
            attributes={"deadline": obligation.kind, "rule": obligation.rule},
        )


def _sla_state(record: ComplaintRecord, changed: list[Obligation]) -> str:
    """Every deadline of the ticket now warned or breached, for the SLA state field (views can sort on it)."""
    current = {o.kind: o for o in record.obligations.values()} | {o.kind: o for o in changed}
    flagged = sorted(
        (o for o in current.values() if o.state in ("warned", "breached")), key=lambda o: o.due_at
    )
    return "; ".join(f"{o.state} {o.kind} {o.due_at.isoformat(timespec='minutes')}" for o in flagged)


def _state_at(obligation: Obligation, now: datetime) -> str:
    if now >= obligation.due_at:
        return "breached"
    if obligation.state == "open" and obligation.warn_at is not None and now >= obligation.warn_at:
        return "warned"
    return obligation.state
