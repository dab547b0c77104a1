"""The review from the analytics copy the real triage writes (issue 14): tickets triaged through
the Lambda on moto and the sandbox, then `triage report` runs the SQL on DuckDB. (moto cannot
serve Athena to this botocore, whose Athena client speaks a protocol moto does not: the Athena
engine is tested against a recorded client in tests/unit/test_review.py.)"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest

from cli.main import main
from infra.analytics import ANALYTICS_PREFIX
from integrations.zendesk.events import EventType
from integrations.zendesk.ticket_fields import LEVEL_FIELD, FieldCatalog, level_value
from tests.integration.triage_stack import (
    REGION,
    Stack,
    agent_client,
    new_ticket,
    triage_event,
)

ZONE = ZoneInfo("Asia/Shanghai")


def test_the_monthly_report_counts_what_the_triage_wrote(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN three complaints triaged this month, one of them corrected by an agent from level 1 to 2
    burn = new_ticket(stack, "Kettle burned me", "The kettle lid flew off and boiling water burned my hand.")
    late = new_ticket(
        stack, "Parcel late", "My parcel is two weeks late and nobody answers.", requester="b@example.com"
    )
    rude = new_ticket(
        stack, "Rude agent", "Your agent was rude and hung up on me.", requester="c@example.com"
    )
    for ticket_id in (burn, late, rude):
        triage_event(ticket_id, f"ev-{ticket_id}")
    catalog = FieldCatalog.from_account(stack.zendesk.list_ticket_fields(), [])
    agent, _ = agent_client(stack)
    agent.update_ticket(
        burn, {"custom_fields": [{"id": catalog.field_ids[LEVEL_FIELD], "value": level_value(2)}]}
    )
    triage_event(burn, "ev-fix", EventType.FIELD_CHANGED)
    # AND the analytics copy holds one complaints row per triage, none of the customer's words
    s3 = boto3.client("s3", region_name=REGION)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="review-bucket", Prefix=ANALYTICS_PREFIX)["Contents"]]
    complaint_rows = [k for k in keys if k.startswith(f"{ANALYTICS_PREFIX}/complaints/month=")]
    assert len(complaint_rows) == 4
    assert all(b"boiling" not in s3.get_object(Bucket="review-bucket", Key=k)["Body"].read() for k in keys)
    # WHEN this month's report is made from the bucket
    month = datetime.now(UTC).astimezone(ZONE).strftime("%Y-%m")
    out = tmp_path / "review.html"
    capsys.readouterr()
    code = main(["report", "monthly", "--month", month, "--bucket", "review-bucket", "--out", str(out)])
    printed = capsys.readouterr().out
    # THEN it counts the three complaints, the agent's correction, and writes the page
    assert code == 0 and f"report: {out.resolve()}" in printed
    assert f"Monthly review {month}: 3 complaints" in printed
    assert "grades corrected by agents: 1" in printed
    page = out.read_text(encoding="utf-8")
    assert 'id="chart-grading"' in page and "vegaEmbed" in page
    # AND this week's review lists all three as typical complaints: fewer than review.yaml's minimum
    # (the burn is no longer level 1: the agent's correction stands) (R-REVIEW-3)
    year, week, _ = datetime.now(UTC).astimezone(ZONE).isocalendar()
    weekly = tmp_path / "weekly.html"
    code = main(
        [
            "report",
            "weekly",
            "--week",
            f"{year}-W{week:02d}",
            "--bucket",
            "review-bucket",
            "--out",
            str(weekly),
        ]
    )
    printed = capsys.readouterr().out
    typical = next(line for line in printed.splitlines() if "Typical complaints:" in line)
    assert code == 0 and all(f"#{t} (" in typical for t in (burn, late, rude)) and "level 1" not in typical
    assert "典型投诉 Typical complaints" in weekly.read_text(encoding="utf-8")
