"""Builds the triage's collaborators from settings, once per execution environment.

Heavy imports (boto3 resources, Powertools idempotency, the policy engine) happen here, on the
first event, so that importing the handler stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from functions.triage.surge_watch import SurgeWatch
from functions.triage.ticket_triage import TicketTriage
from functions.zendesk_access import CachedCatalog, zendesk_client
from infra.alerts import AlertPublisher
from infra.analytics import AnalyticsWriter
from infra.archive import ArchiveWriter
from infra.category_counts import WeeklyCategoryCounts
from infra.complaints import ComplaintStore
from infra.inbox import TicketEventInbox
from infra.problem_clusters import ProblemClusters
from infra.queue import TicketEventQueue
from infra.settings import TicketWorkerSettings, TriageSettings
from integrations.zendesk.client import ZendeskClient
from policies.engine import TriageEngine


@dataclass(frozen=True)
class TriageServices:
    settings: TriageSettings
    triage: TicketTriage
    inbox: TicketEventInbox
    idempotency_store: Any
    zendesk: ZendeskClient


@dataclass(frozen=True)
class TicketWorker:
    """What every Lambda that triages tickets is built from (the triage and the outreach)."""

    engine: TriageEngine
    zendesk: ZendeskClient
    complaints_table: Any
    sqs: Any
    alerts: AlertPublisher
    catalog: CachedCatalog
    archive: ArchiveWriter
    triage: TicketTriage


def build_services(settings: TriageSettings) -> TriageServices:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    worker = build_ticket_worker(settings)
    return TriageServices(
        settings=settings,
        triage=worker.triage,
        inbox=TicketEventInbox(worker.sqs, settings.queue_url, settings.dead_letter_queue_url),
        idempotency_store=DynamoDBPersistenceLayer(table_name=settings.idempotency_table),
        zendesk=worker.zendesk,
    )


def build_ticket_worker(settings: TicketWorkerSettings) -> TicketWorker:
    """The triage use case with its real collaborators, and those collaborators for others to share."""
    table = boto3.resource("dynamodb").Table(settings.complaints_table)
    zendesk = zendesk_client(
        secret_name=settings.zendesk_secret_name,
        complaints_table=table,
        writes_per_minute=settings.zendesk_writes_per_minute,
    )
    engine = TriageEngine.from_directory()
    sqs = boto3.client("sqs")
    alerts = AlertPublisher(
        boto3.client("sns"), {"critical": settings.critical_topic_arn, "sla": settings.sla_topic_arn}
    )
    catalog = CachedCatalog(zendesk)
    archive = ArchiveWriter.from_settings(settings, engine.policy.pii)
    triage = TicketTriage(
        engine,
        zendesk,
        ComplaintStore(table),
        catalog,
        alerts=alerts,
        surges=SurgeWatch(engine.policy, WeeklyCategoryCounts(table), engine.calendar.zone),
        clusters=ProblemClusters(table),
        group_queue=TicketEventQueue(sqs, settings.queue_url),
        archive=archive,
        analytics=AnalyticsWriter(boto3.client("s3"), settings.review_bucket, engine.calendar.zone),
        ticket_url=zendesk.agent_url,
        mask=engine.policy.pii.mask,  # R-COMP-4: personal numbers and addresses never leave unmasked
    )
    return TicketWorker(engine, zendesk, table, sqs, alerts, catalog, archive, triage)
