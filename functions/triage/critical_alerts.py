"""Alerts for PR and compliance the moment a complaint is serious (R-ROUTE-1, R-ROUTE-4).

One alert per critical cause per ticket (alerting.yaml): safety incident, group complaint, media
or regulator. Each says what happened in the customer's own words (ID-card and bank-card numbers
masked), when the escalation is due, and what to do, in Chinese and English, with the ticket link.
"""

from __future__ import annotations

from collections.abc import Callable

from infra.alerts import Alert
from integrations.zendesk.internal_note import format_due
from policies.alerting import CriticalCause
from policies.complaint_state import ComplaintRecord
from policies.loader import Policy

_EVIDENCE_CHARS = 200


def critical_alerts(
    policy: Policy,
    record: ComplaintRecord,
    evidence: dict[str, str],
    *,
    ticket_url: str,
    mask: Callable[[str], str],
) -> list[tuple[str, Alert]]:
    """(cause, alert) for every critical cause of this complaint not alerted yet."""
    fired = [*record.reason_rules, *record.escalations]
    pending = [c for c in policy.alerting.critical_causes(fired) if c.cause not in record.alerted]
    return [(cause.cause, _alert(policy, record, cause, evidence, ticket_url, mask)) for cause in pending]


def _alert(
    policy: Policy,
    record: ComplaintRecord,
    cause: CriticalCause,
    evidence: dict[str, str],
    ticket_url: str,
    mask: Callable[[str], str],
) -> Alert:
    zh, en = policy.ticket_note.labels["zh"], policy.ticket_note.labels["en"]
    level = record.level
    reason = next(
        (rule for rule in cause.reasons if rule in (*record.reason_rules, *record.escalations)),
        cause.reasons[0],
    )
    quote = mask(evidence.get(reason, ""))[:_EVIDENCE_CHARS]
    route = policy.routing.levels[level]  # type: ignore[index]
    extra = policy.routing.by_reason.get(reason)
    escalation = record.obligations.get("escalation")
    lines = [
        f"{cause.title.zh} · {zh.level_names[level]} · {record.category} / {record.subtype}",  # type: ignore[index]
        f"{cause.title.en} · {en.level_names[level]} · {record.category} / {record.subtype}",  # type: ignore[index]
    ]
    if quote:
        lines.append(f"{reason}: “{quote}”")
    if escalation is not None:
        due = format_due(escalation.due_at)
        lines.append(f"{zh.kinds['escalation']} / {en.kinds['escalation']}: {due} ({escalation.rule})")
    for step in [*route.steps, *([extra] if extra else [])]:
        lines.append(f"- {step.zh} / {step.en}")
    lines.append(ticket_url)
    return Alert(
        topic=cause.topic,
        cause=cause.cause,
        ticket_id=record.ticket_id,
        level=level,
        subject=f"[L{level}] {cause.title.en} - ticket #{record.ticket_id} - {record.category}",
        body="\n".join(lines),
        attributes={"rule": cause.rule, "category": record.category},
    )
