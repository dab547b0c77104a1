"""Group complaints (R-GRADE-1b): when a problem reaches enough distinct customers, every ticket
of the cluster becomes level 1, is tagged and noted with the others, and PR and compliance get
one alert for the cluster.

The ticket that completes the cluster is raised in its own write; the earlier tickets are told
through the queue (one `group_complaint` event each), so each still gets exactly one write per
event under the same rate limits, idempotency and retries as every other event.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Protocol

from functions.triage.ticket_plan import GroupFinding
from infra.alerts import Alert
from infra.problem_clusters import ClusterState
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from policies.alerting import GroupComplaintPolicy
from policies.complaint_state import ComplaintRecord
from policies.loader import Policy
from policies.problems import Problem


class EventQueue(Protocol):
    def enqueue(self, event: Any, raw_body: bytes) -> str: ...


class Clusters(Protocol):
    def customers(self, key: str, *, at: datetime, window: timedelta) -> int: ...

    def join(
        self,
        key: str,
        *,
        customer: str,
        ticket_id: int,
        at: datetime,
        window: timedelta,
        min_customers: int,
        quote: str = "",
    ) -> ClusterState: ...


def join_problem(
    clusters: Clusters,
    candidates: list[Problem],
    group: GroupComplaintPolicy,
    *,
    customer: str,
    ticket_id: int,
    at: datetime,
) -> tuple[ClusterState, Problem]:
    """Count a customer under one of the problems their text may be (R-GRADE-1b).

    A text showing several failures (a lid that burst, and a scald) joins the one most customers
    already reported, so one incident described by different signs gathers in one group."""
    window = timedelta(hours=group.window_hours)
    problem = candidates[0]
    if len(candidates) > 1:
        considered = candidates[: group.candidates_considered]
        sizes = [clusters.customers(p.key, at=at, window=window) for p in considered]
        problem = considered[max(range(len(considered)), key=lambda i: (sizes[i], -i))]
    cluster = clusters.join(
        problem.key,
        customer=customer,
        ticket_id=ticket_id,
        at=at,
        window=window,
        min_customers=group.min_customers,
        quote=problem.quote,
    )
    return cluster, problem


def finding_of(cluster: ClusterState) -> GroupFinding:
    return GroupFinding(
        key=cluster.key, customers=cluster.customers, tickets=cluster.tickets, quotes=cluster.quotes
    )


def finding_from_event(event: TicketEvent) -> GroupFinding | None:
    if event.event_type is not EventType.GROUP_COMPLAINT:
        return None
    detail = event.detail
    return GroupFinding(
        key=str(detail["key"]),
        customers=int(detail["customers"]),
        tickets=tuple(int(t) for t in detail["tickets"]),
        quotes=tuple((int(t), str(q)) for t, q in detail.get("quotes", [])),
    )


def tell_the_others(queue: EventQueue, cluster: ClusterState, from_ticket: int, at: datetime) -> int:
    """Queue a group_complaint event for every other ticket of the cluster; return how many."""
    finding = finding_of(cluster)
    told = 0
    for ticket_id in cluster.tickets:
        if ticket_id == from_ticket:
            continue
        event = TicketEvent(
            event_id=f"group:{finding.tag}:{ticket_id}",  # stable: a retry is deduplicated
            event_type=EventType.GROUP_COMPLAINT,
            ticket_id=ticket_id,
            occurred_at=at,
            source=EventSource.PLUGIN,
            zendesk_type="plugin.group_complaint",
            detail={
                "key": cluster.key,
                "customers": cluster.customers,
                "tickets": list(cluster.tickets),
                "quotes": [list(q) for q in cluster.quotes],
            },
        )
        queue.enqueue(event, json.dumps(event.model_dump(mode="json")).encode("utf-8"))
        told += 1
    return told


def cluster_alert(policy: Policy, record: ComplaintRecord, cluster: ClusterState, ticket_url: Any) -> Alert:
    """One alert for the cluster: what the customers have in common, and each one's words and ticket."""
    group = policy.alerting.group_complaint
    quotes = dict(cluster.quotes)
    problem = policy.problems.describe(cluster.key)
    body = "\n".join(
        [
            f"{group.title.zh} / {group.title.en} ({group.rule}): {cluster.customers} × {problem}",
            *[f"- #{t} 「{quotes.get(t, '')}」 {ticket_url(t)}" for t in cluster.tickets],
            *[f"* {step.zh} / {step.en}" for step in policy.routing.levels[1].steps],
        ]
    )
    return Alert(
        topic="critical",
        cause="group_complaint",
        ticket_id=record.ticket_id,
        level=1,
        subject=f"[L1] {group.title.en}: {cluster.customers} customers - {problem}"[:200],
        body=body,
        attributes={
            "rule": group.rule,
            "problem": cluster.key[:200],
            "tickets": ",".join(map(str, cluster.tickets)),
        },
    )
