"""The deadline watcher: every minute, warn before deadlines (R-SLA-6) and mark breaches.

Zendesk's own automations run hourly; this runs each minute, reads only the obligations whose
time has come (an index query, not a scan), and acts once per state change:
- open → warned at the warning time; open/warned → breached at the due time;
- one alert per change to the `sla` topic (team leads), or one digest for the whole run when
  more changes came than alerting.yaml's `sla_digest_over`; then the new states are saved.
  Alerts and states never wait for Zendesk: a breach is known within the minute whatever the
  Zendesk load. If SNS fails, nothing is saved and the next run repeats the change;
- then one ticket write per changed ticket: a tag per change (`sla_warning_<kind>`,
  `sla_breach_<kind>`), the SLA state field and one internal note in the ticket's language.
  A change Zendesk defers (429, write budget) stays marked "not on the ticket" and is due again,
  so the next run writes it; tags are additive, so a repeated write changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from infra.alerts import Alert
from infra.archive import ArchiveEntry
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


class ArchiveSink(Protocol):
    def put(self, entry: ArchiveEntry) -> Any: ...


class AlertSink(Protocol):
    def publish(self, alert: Alert) -> str: ...


@dataclass
class WatchReport:
    checked: int = 0
    warned: int = 0
    breached: int = 0
    deferred: int = 0
    failed: list[int] = field(default_factory=list)


class AnalyticsSink(Protocol):
    def put(self, record: ComplaintRecord, snapshot_at: datetime, event_id: str) -> Any: ...


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
        archive: ArchiveSink | None = None,
        analytics: AnalyticsSink | None = None,
    ) -> None:
        self._policy = policy
        self._analytics = analytics
        self._records = records
        self._tickets = tickets
        self._alerts = alerts
        self._ticket_url = ticket_url
        self._catalog = catalog
        self._archive = archive

    def run(self, now: datetime) -> WatchReport:
        report = WatchReport()
        due = self._records.tickets_to_check(now)
        report.checked = len(due)
        # 1. Decide: every state change that has come, for every due ticket.
        changes: list[tuple[ComplaintRecord, list[Obligation], list[Alert]]] = []
        for ticket_id in due:
            try:
                record = self._records.get(ticket_id)
            except Exception:
                logger.exception("reading the complaint failed", extra={"ticket_id": ticket_id})
                report.failed.append(ticket_id)
                continue
            if record is not None:
                changed = _changes_at(record, now)
                changes.append((record, changed, [a for o in changed for a in self._alerts_for(record, o)]))
        # 2. Archive, tell people, then record: states and alerts never wait for Zendesk.
        alerts = [alert for _, _, ticket_alerts in changes for alert in ticket_alerts]
        if self._archive is not None:
            for record, changed, ticket_alerts in changes:
                if changed:
                    self._archive.put(self._archive_entry(record, changed, ticket_alerts, now))
        for o in (o for _, changed, _ in changes for o in changed):
            if o.state == "breached":
                report.breached += 1
            else:
                report.warned += 1
        for alert in (a for a in alerts if a.topic == "critical"):  # PR's: always one by one
            self._alerts.publish(alert)
        for_leads = [a for a in alerts if a.topic == "sla"]
        if len(for_leads) > self._policy.alerting.sla_digest_over:  # a backlog: one digest, not a storm
            self._alerts.publish(self._digest(for_leads))
        else:
            for alert in for_leads:
                self._alerts.publish(alert)
        recorded = []
        for record, changed, _ in changes:
            for obligation in changed:
                record = record.with_obligation(obligation)
            try:
                recorded.append(self._records.save(record) if changed else record)
                if changed and self._analytics is not None:  # the review counts breaches (issue 14)
                    # After the save: a save lost to the triage must not leave a snapshot that
                    # outranks the triage's (the row carries the version just saved).
                    self._analytics.put(record, now, f"watch:{record.ticket_id}:{now.isoformat()}")
            except Exception:  # the next run sees the same change again; nothing is lost
                logger.exception("saving the deadline state failed", extra={"ticket_id": record.ticket_id})
                report.failed.append(record.ticket_id)
        # 3. Show it on the tickets, within the write budget; what Zendesk defers, the next run shows.
        for position, record in enumerate(recorded):
            try:
                self._show_on_ticket(record)
            except ZendeskRetryLater:
                report.deferred = len(recorded) - position
                logger.warning("zendesk asked us to wait; the tickets catch up on the next run")
                break
            except Exception:
                logger.exception(
                    "writing the deadline state to the ticket failed", extra={"ticket_id": record.ticket_id}
                )
                report.failed.append(record.ticket_id)
        return report

    def _archive_entry(
        self, record: ComplaintRecord, changed: list[Obligation], alerts: list[Alert], now: datetime
    ) -> ArchiveEntry:
        """One archive record per ticket and change set; its id is the changes, so a retry finds it."""
        what = "+".join(f"{o.kind}:{o.state}" for o in changed)
        return ArchiveEntry(
            ticket_id=record.ticket_id,
            category=record.category,
            order_no=record.order_no,
            event="obligation",
            event_id=f"watch:{record.ticket_id}:{what}",
            occurred_at=min(o.due_at if o.state == "breached" else (o.warn_at or o.due_at) for o in changed),
            policy_version=self._policy.version,
            correlation_id=f"watch:{now.isoformat()}",
            body={
                "changes": [o.model_dump(mode="json") for o in changed],
                "alerts": [alert.as_record() for alert in alerts],
            },
        )

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

    def _show_on_ticket(self, record: ComplaintRecord) -> None:
        """One write with every state change the ticket does not show yet: tags, the SLA field, a note."""
        pending = [o for o in record.obligations.values() if not o.on_ticket]
        if not pending:
            return
        writer = NoteWriter.for_policy(self._policy, record.language)
        changes: dict[str, Any] = {
            "additional_tags": [
                (BREACH_TAG if o.state == "breached" else WARNING_TAG).format(o.kind) for o in pending
            ],
            "comment": {
                "body": join_sections(
                    [*(writer.deadline_state(o) for o in pending), writer.policy(self._policy.version)]
                ),
                "public": False,
            },
            "metadata": {METADATA_KEY: {"watch": [f"{o.kind}:{o.state}" for o in pending]}},
        }
        state_field = self._catalog().field_ids.get(SLA_STATE_FIELD)
        if state_field is not None:
            changes["custom_fields"] = [{"id": state_field, "value": _sla_state(record)}]
        try:
            self._tickets.update_ticket(record.ticket_id, changes)
        except (ZendeskNotFound, ZendeskValidationError):
            # Deleted or closed: nothing can be shown; stop trying (the state and the alert stand).
            logger.warning("ticket cannot take the deadline note", extra={"ticket_id": record.ticket_id})
        for obligation in pending:
            record = record.with_obligation(obligation.model_copy(update={"on_ticket": True}))
        self._records.save(record)

    def _alerts_for(self, record: ComplaintRecord, obligation: Obligation) -> list[Alert]:
        """The team leads' alert, and PR's too when this breach is theirs (alerting.yaml breach_to_pr)."""
        alert = self._alert(record, obligation)
        to_pr = self._policy.alerting.breach_to_pr
        if obligation.state != "breached" or obligation.kind not in to_pr.kinds:
            return [alert]
        for_pr = replace(
            alert,
            topic="critical",
            cause=f"{obligation.kind}_breach",
            subject=f"PR: {alert.subject}",
            attributes={**alert.attributes, "rule": to_pr.rule},
        )
        return [alert, for_pr]

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


def _changes_at(record: ComplaintRecord, now: datetime) -> list[Obligation]:
    changed = []
    for obligation in record.open_obligations():
        state = _state_at(obligation, now)
        if state != obligation.state:
            changed.append(
                obligation.model_copy(update={"state": state, "changed_at": now, "on_ticket": False})
            )
    return changed


def _sla_state(record: ComplaintRecord) -> str:
    """Every deadline of the ticket now warned or breached, for the SLA state field (views can sort on it)."""
    flagged = sorted(
        (o for o in record.obligations.values() if o.state in ("warned", "breached")), key=lambda o: o.due_at
    )
    return "; ".join(f"{o.state} {o.kind} {o.due_at.isoformat(timespec='minutes')}" for o in flagged)


def _state_at(obligation: Obligation, now: datetime) -> str:
    if now >= obligation.due_at:
        return "breached"
    if obligation.state == "open" and obligation.warn_at is not None and now >= obligation.warn_at:
        return "warned"
    return obligation.state
