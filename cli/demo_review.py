"""The demo's last section (issue 14): a few of the demo's complaints carried through their
lifecycle by an agent and the customers, then the month's review built from the demo's own data.

Every step goes through the sandbox's API as the person who does it (the agent with a macro's
action tag, the customer with a reply or a rating), and through the signed webhook to the triage,
which the section waits for. The review then runs `triage report`'s code on the local stack.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.demo_section import Section

if TYPE_CHECKING:
    from cli.demo_cases import DemoCase
    from integrations.zendesk.client import ZendeskClient
    from local.product import LocalProduct

TITLE = "The month's review from the demo's own tickets (R-REVIEW-1; triage report monthly)"
AGENT_EMAIL = "wang.fang@agents.example"
STEP_TIMEOUT_SECONDS = 60.0  # a step Zendesk throttles waits for its Retry-After
_POLL_SECONDS = 0.2


class _Actors:
    """The agent and the customers, each acting through the API as themselves."""

    def __init__(self, product: LocalProduct, admin: ZendeskClient) -> None:
        import boto3

        from integrations.zendesk.client import ZendeskClient

        ready = product.ready
        assert ready is not None
        self._url, self._token, self._admin = ready.zendesk_url, ready.zendesk_token, admin
        stack = product.stack
        self._s3 = boto3.client("s3", endpoint_url=stack.endpoint_url, region_name=stack.region)
        self._bucket = stack.review_bucket
        admin.create_or_update_user({"name": "Wang Fang", "email": AGENT_EMAIL, "role": "agent"})
        self.agent = ZendeskClient(self._url, AGENT_EMAIL, self._token)

    def customer(self, case_id: str) -> ZendeskClient:
        from integrations.zendesk.client import ZendeskClient

        return ZendeskClient(self._url, f"{case_id}@customers.example", self._token)

    def step(self, ticket_id: int, action: Any) -> bool:
        """Do one thing on a ticket and wait until the triage has recorded what it means (each
        change of the complaint adds a snapshot to the review's analytics copy, closed tickets
        included, which the plugin can no longer write to)."""
        before = self._snapshots(ticket_id)
        action()
        deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)
            if self._snapshots(ticket_id) > before:
                return True
        return False

    def _snapshots(self, ticket_id: int) -> int:
        from infra.analytics import ANALYTICS_PREFIX, COMPLAINTS_TABLE

        pages = self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=f"{ANALYTICS_PREFIX}/{COMPLAINTS_TABLE}/"
        )
        return sum(
            item["Key"].rsplit("/", 1)[-1].startswith(f"{ticket_id}-")
            for page in pages
            for item in page.get("Contents", [])
        )


def review_sections(
    product: LocalProduct, admin: ZendeskClient, created: Sequence[tuple[DemoCase, int]]
) -> list[Section]:
    from cli.duckdb_queries import DuckDbQueries, download_months
    from functions.reporter.page import render_page, summary_lines
    from functions.reporter.periods import monthly_period
    from functions.reporter.review import build_review
    from integrations.zendesk.ticket_fields import LEVEL_FIELD, FieldCatalog, level_value
    from policies.engine import TriageEngine
    from policies.lifecycle import load_lifecycle_policy

    tags = {action: spec.tag for action, spec in load_lifecycle_policy().actions.items()}
    tickets = {case["id"]: ticket_id for case, ticket_id in created}
    actors = _Actors(product, admin)
    agent = actors.agent
    done: list[str] = []

    def record(what: str, ok: bool) -> None:
        done.append(f"  {'✓' if ok else '✗ (no answer in time)'} {what}")

    # A late wardrobe: a plan, rejected by the customer in their words (R-SLA-5), a second plan.
    wardrobe = tickets["wardrobe"]
    plan = {
        "comment": {"body": "我们为您退还安装费并赠送一张50元券。", "public": True},
        "additional_tags": [tags["plan_proposed"]],
    }
    record(
        "wardrobe: agent proposes a plan (macro)",
        actors.step(wardrobe, lambda: agent.update_ticket(wardrobe, plan)),
    )
    # The customer's e-mail reply arrives as a comment they authored (Zendesk's mail channel).
    requester = int(admin.get_ticket(wardrobe)["requester_id"])
    reject = {"comment": {"body": "这个方案不行,我不接受。", "author_id": requester}}
    record(
        "wardrobe: the customer rejects it → re-investigation due in 1 h",
        actors.step(wardrobe, lambda: admin.update_ticket(wardrobe, reject)),
    )
    # The robot vacuum: the warehouse is asked (R-SLA-4, 2 h) and answers; solved; rated bad (R-SLA-8).
    vacuum = tickets["robot-vacuum"]
    ask = {"additional_tags": [tags["cross_dept_request"]]}
    record(
        "robot-vacuum: agent asks the repair centre (macro)",
        actors.step(vacuum, lambda: agent.update_ticket(vacuum, ask)),
    )
    answered = {"additional_tags": [tags["cross_dept_answered"]]}
    record(
        "robot-vacuum: the repair centre answered (macro)",
        actors.step(vacuum, lambda: agent.update_ticket(vacuum, answered)),
    )
    record(
        "robot-vacuum: solved", actors.step(vacuum, lambda: agent.update_ticket(vacuum, {"status": "solved"}))
    )
    unhappy = actors.customer("robot-vacuum")
    unhappy.rate_ticket(vacuum, "bad", "还是坏的")
    record(
        "robot-vacuum: rated bad, the agent reopens it → supervisors alerted",
        actors.step(vacuum, lambda: agent.update_ticket(vacuum, {"status": "open"})),
    )
    # The double charge: solved and rated good (the solution confirmed, R-LOOP-1).
    charge = tickets["double-charge"]
    record(
        "double-charge: solved",
        actors.step(charge, lambda: agent.update_ticket(charge, {"status": "solved"})),
    )
    actors.customer("double-charge").rate_ticket(charge, "good", "Refund received, thanks")
    record(
        "double-charge: rated good, closed",
        actors.step(charge, lambda: agent.update_ticket(charge, {"status": "closed"})),
    )
    # The rude-agent trap: an agent corrects the plugin's level (a labelled example).
    rude = tickets["trap-zh"]
    catalog = FieldCatalog.from_account(admin.list_ticket_fields(), [])
    shown = catalog.value_of(admin.get_ticket(rude), LEVEL_FIELD)
    corrected = level_value(2) if shown != level_value(2) else level_value(3)
    field = {"custom_fields": [{"id": catalog.field_ids[LEVEL_FIELD], "value": corrected}]}
    record(
        f"trap-zh: agent sets the level to {corrected}",
        actors.step(rude, lambda: agent.update_ticket(rude, field)),
    )

    engine = TriageEngine.from_directory()
    month = datetime.now(UTC).astimezone(engine.calendar.zone).strftime("%Y-%m")
    period = monthly_period(month, engine.calendar.zone)
    out = Path(tempfile.mkdtemp(prefix="complaint-review-")) / f"review-{month}.html"
    with tempfile.TemporaryDirectory(prefix="review-data-") as scratch:
        import boto3

        stack = product.stack
        s3 = boto3.client("s3", endpoint_url=stack.endpoint_url, region_name=stack.region)
        download_months(s3, stack.review_bucket, period.months, Path(scratch))
        review = build_review(DuckDbQueries(Path(scratch)), period, engine.policy)
    ready = product.ready
    assert ready is not None
    out.write_text(
        render_page(review, lambda t: f"{ready.zendesk_url}/agent/tickets/{int(t)}"), encoding="utf-8"
    )
    lines = [
        "What happened this month:",
        *done,
        f"The report page: {out}",
        *(f"  {line}" for line in summary_lines(review)),
    ]
    return [Section(TITLE, tuple(lines))]
