"""`triage local` end to end: the ready line, a ticket enriched through the signed webhook, clean stop;
and a message that keeps failing reaching the DLQ and coming back with `triage replay-dlq`."""

from __future__ import annotations

import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
import requests

from cli.main import main
from infra.queue import QueuedEvent, deduplication_id
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.errors import ZendeskAuthError
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from local.product import LocalProduct
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
READY_KEYS = {
    "webhook_url",
    "zendesk_url",
    "zendesk_email",
    "zendesk_token",
    "aws_endpoint_url",
    "signing_secret",
    "social_webhook_url",
    "social_signing_secret",
}


def read_line(process: subprocess.Popen[str], timeout: float) -> str:
    selector = selectors.DefaultSelector()
    assert process.stdout is not None
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout):
        process.kill()
        raise AssertionError(
            f"no ready line within {timeout} s; stderr: {process.stderr.read() if process.stderr else ''}"
        )
    return process.stdout.readline()


def test_triage_local_runs_the_product_until_sigterm(tmp_path: Path) -> None:
    # GIVEN `triage local` started as a user starts it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("AWS_ENDPOINT_URL", "QUEUE_URL", "ZENDESK_URL", "TRIAGE_POLICY_DIR"):
        env.pop(name, None)
    # Its logs go to a file: a pipe nobody reads fills up and blocks the product mid-stop.
    logs = (tmp_path / "triage-local.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "local"],
        stdout=subprocess.PIPE,
        stderr=logs,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        # WHEN it is ready THEN it prints one JSON line with everything a client needs
        ready = json.loads(read_line(process, timeout=60))
        assert set(ready) == READY_KEYS
        zendesk = ZendeskClient(ready["zendesk_url"], ready["zendesk_email"], ready["zendesk_token"])
        # AND the sandbox answers other credentials with 401, like Zendesk
        with pytest.raises(ZendeskAuthError):
            ZendeskClient(ready["zendesk_url"], ready["zendesk_email"], "wrong-token").me()
        # AND an unsigned request to the webhook is refused
        assert requests.post(ready["webhook_url"], data=b"{}", timeout=5).status_code == 401
        # AND a new ticket is enriched through the signed webhook, the queue and the triage
        ticket = zendesk.create_ticket(
            {
                "subject": "Charger caught fire",
                "comment": {"body": "The charger caught fire and burned my hand."},
            }
        )
        enriched = wait_for(
            lambda: zendesk.get_ticket(ticket["id"])["priority"] == "urgent", 30, "enrichment"
        )
        assert enriched
        # WHEN SIGTERM arrives THEN it stops cleanly
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        logs.close()


def test_a_message_that_keeps_failing_reaches_the_dlq_and_is_replayed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN the product running with short redelivery, and a triaged ticket
    with LocalProduct(visibility_timeout=1, max_receive_count=2) as product:
        ready = product.ready
        assert ready is not None and product.stack is not None
        zendesk = ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token)
        ticket = zendesk.create_ticket({"subject": "Late", "comment": {"body": "My parcel is a week late."}})
        wait_for(lambda: zendesk.get_ticket(ticket["id"])["priority"], 30, "enrichment")
        sqs = boto3.client("sqs", endpoint_url=ready.aws_endpoint_url, region_name=product.stack.region)
        idempotency = boto3.resource(
            "dynamodb", endpoint_url=ready.aws_endpoint_url, region_name=product.stack.region
        ).Table(product.stack.idempotency_table)
        # WHEN Zendesk fails every call while an event for the ticket is on the queue
        product.sandbox.fail_next(500, count=100_000)
        event = TicketEvent(
            event_id=f"outage-{uuid.uuid4()}",
            event_type=EventType.STATUS_CHANGED,
            ticket_id=int(ticket["id"]),
            occurred_at=datetime.now(UTC),
            source=EventSource.EVENT_SUBSCRIPTION,
            zendesk_type="zen:event-type:ticket.status_changed",
        )
        sqs.send_message(
            QueueUrl=product.stack.queue_url,
            MessageBody=QueuedEvent.wrap(event, b"{}").to_message_body(),
            MessageGroupId=str(ticket["id"]),
            MessageDeduplicationId=deduplication_id(event.event_id),
        )

        # THEN after its receives run out it sits in the dead-letter queue
        def dlq_depth() -> int:
            attributes = sqs.get_queue_attributes(
                QueueUrl=product.stack.dead_letter_queue_url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            return int(attributes["ApproximateNumberOfMessages"])

        wait_for(dlq_depth, 90, "the dead-letter queue")
        # WHEN Zendesk recovers and the DLQ is replayed
        product.sandbox.clear_failures()
        status = main(
            [
                "replay-dlq",
                "--queue-url",
                product.stack.queue_url,
                "--dlq-url",
                product.stack.dead_letter_queue_url,
            ]
        )
        assert status == 0, capsys.readouterr()

        # THEN the event is handled to completion and nothing is left on either queue
        # Powertools keys a record by the MD5 of the JSON of the idempotency key (the event id).
        key_hash = hashlib.md5(json.dumps(event.event_id).encode()).hexdigest()

        def completed() -> bool:
            items = idempotency.scan().get("Items", [])
            return any(str(i["id"]).endswith(key_hash) and i.get("status") == "COMPLETED" for i in items)

        wait_for(completed, 60, "the replayed event to complete")
        assert dlq_depth() == 0
