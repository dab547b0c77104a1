"""The lifecycle through the triage Lambda, moto and the Zendesk sandbox (issue 14): an agent's
macros mark plans, the customer rejects two of them, and compliance is alerted once (R-SLA-5)."""

from __future__ import annotations

import json

import boto3

from integrations.zendesk.events import EventType
from policies.lifecycle import load_lifecycle_policy
from tests.integration.triage_stack import (
    REGION,
    Stack,
    new_ticket,
    triage_event,
)

TAGS = {action: spec.tag for action, spec in load_lifecycle_policy().actions.items()}


class Flow:
    def __init__(self, stack: Stack, ticket_id: int) -> None:
        self.stack, self.ticket_id, self.count = stack, ticket_id, 0
        self.requester = int(stack.zendesk.get_ticket(ticket_id)["requester_id"])

    def triage(self, kind: EventType) -> None:
        self.count += 1
        triage_event(self.ticket_id, f"ev-{self.count}", kind)

    def propose_plan(self) -> None:
        # The macro's reply and its action tag arrive in one update, as Zendesk applies a macro.
        self.stack.zendesk.update_ticket(
            self.ticket_id,
            {
                "comment": {"body": "We offer a refund of the delivery fee.", "public": True},
                "additional_tags": [TAGS["plan_proposed"]],
            },
        )
        self.triage(EventType.TAGS_CHANGED)

    def customer_says(self, text: str) -> None:
        self.stack.zendesk.update_ticket(
            self.ticket_id, {"comment": {"body": text, "author_id": self.requester}}
        )
        self.triage(EventType.COMMENT_ADDED)


def _archived_alerts(cause: str) -> list[dict]:
    s3 = boto3.client("s3", region_name=REGION)
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket="archive-bucket").get("Contents", [])
        if "-alert-" in o["Key"]
    ]
    bodies = [json.loads(s3.get_object(Bucket="archive-bucket", Key=k)["Body"].read())["body"] for k in keys]
    return [b for b in bodies if b["cause"] == cause]


def test_two_rejected_plans_alert_compliance_once_and_the_macro_tags_are_consumed(stack: Stack) -> None:
    # GIVEN a complaint about a late parcel, triaged
    ticket_id = new_ticket(
        stack, "Parcel late", "My parcel is two weeks late and nobody answers my messages."
    )
    flow = Flow(stack, ticket_id)
    flow.triage(EventType.CREATED)
    # WHEN a plan is proposed by macro and the customer rejects it, twice, then a third time
    for _ in range(3):
        flow.propose_plan()
        flow.customer_says("I do not accept the offer. This is not an acceptable solution.")
    # THEN compliance was alerted exactly once to assess the legal risk (R-SLA-5)
    (alert,) = _archived_alerts("legal_risk")
    assert alert["topic"] == "critical" and "R-SLA-5" in alert["body"]
    # AND the macro's tag is gone from the ticket: the next application is a new step
    assert TAGS["plan_proposed"] not in stack.zendesk.get_ticket(ticket_id)["tags"]
    # AND the plugin's notes say a re-investigation is due
    notes = [c["body"] for c in stack.zendesk.list_comments(ticket_id) if not c["public"]]
    assert sum("re-investigate" in n or "重新调查" in n for n in notes) >= 2
