"""Builds the outreach's collaborators from settings, once per execution environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import boto3

from functions.outreach.post_outreach import PostOutreach
from functions.social_access import SocialConnectors
from functions.triage.services import build_ticket_triage
from functions.zendesk_access import CachedCatalog, zendesk_client
from infra.alerts import AlertPublisher
from infra.archive import ArchiveWriter
from infra.inbox import TicketEventInbox
from infra.settings import OutreachSettings
from infra.social_ledger import SocialLedger
from policies.engine import TriageEngine


@dataclass(frozen=True)
class OutreachServices:
    settings: OutreachSettings
    outreach: PostOutreach
    inbox: TicketEventInbox


def build_services(settings: OutreachSettings) -> OutreachServices:
    table = boto3.resource("dynamodb").Table(settings.complaints_table)
    zendesk = zendesk_client(
        secret_name=settings.zendesk_secret_name,
        complaints_table=table,
        writes_per_minute=settings.zendesk_writes_per_minute,
    )
    engine = TriageEngine.from_directory()
    sqs = boto3.client("sqs")
    outreach = PostOutreach(
        engine,
        SocialLedger(table),
        SocialConnectors(settings, engine.policy.social),
        zendesk,
        build_ticket_triage(settings, engine, zendesk, table, sqs),
        CachedCatalog(zendesk),
        alerts=AlertPublisher(
            boto3.client("sns"), {"critical": settings.critical_topic_arn, "sla": settings.sla_topic_arn}
        ),
        archive=ArchiveWriter.from_settings(settings, engine.policy.pii),
        ticket_url=zendesk.agent_url,
        mask=engine.policy.pii.mask,
        clock=lambda: datetime.now(UTC),
    )
    # The posts queue's inbox: the same delay-or-park moves as the ticket-events queue.
    inbox = TicketEventInbox(sqs, settings.social_queue_url, settings.social_dead_letter_queue_url)
    return OutreachServices(settings=settings, outreach=outreach, inbox=inbox)
