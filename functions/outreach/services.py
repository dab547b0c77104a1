"""Builds the outreach's collaborators from settings, once per execution environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from functions.outreach.post_outreach import PostOutreach
from functions.social_access import SocialConnectors
from functions.triage.services import build_ticket_worker
from infra.inbox import TicketEventInbox
from infra.settings import OutreachSettings
from infra.social_ledger import SocialLedger


@dataclass(frozen=True)
class OutreachServices:
    settings: OutreachSettings
    outreach: PostOutreach
    inbox: TicketEventInbox


def build_services(settings: OutreachSettings) -> OutreachServices:
    worker = build_ticket_worker(settings)
    outreach = PostOutreach(
        worker.engine,
        SocialLedger(worker.complaints_table),
        SocialConnectors(settings, worker.engine.policy.social),
        worker.zendesk,
        worker.triage,
        worker.catalog,
        alerts=worker.alerts,
        archive=worker.archive,
        ticket_url=worker.zendesk.agent_url,
        mask=worker.engine.policy.pii.mask,
        clock=lambda: datetime.now(UTC),
    )
    # The posts queue's inbox: the same delay-or-park moves as the ticket-events queue.
    inbox = TicketEventInbox(worker.sqs, settings.social_queue_url, settings.social_dead_letter_queue_url)
    return OutreachServices(settings=settings, outreach=outreach, inbox=inbox)
