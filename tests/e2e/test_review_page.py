"""The review page in headless Chromium (issue 14): it loads with no console error, every chart
renders as SVG with marks, it fits a phone's width, and a screenshot is taken."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, sync_playwright

from cli.duckdb_queries import DuckDbQueries
from functions.reporter.page import render_page
from functions.reporter.periods import monthly_period
from functions.reporter.review import build_review
from infra.analytics import AnalyticsWriter
from policies.complaint_state import ComplaintRecord, Correction, Obligation
from policies.engine import TriageEngine
from tests.fakes import DirectoryS3

CHROMIUM = "/usr/bin/chromium"  # Debian's package; `make test` installs it where missing
# Headless in a closed network: no first-run, no background fetches (env notes: they are refused).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ZONE = ZoneInfo("Asia/Shanghai")
CHART_IDS = (
    "chart-types",
    "chart-levels",
    "chart-stages",
    "chart-satisfaction",
    "chart-deadlines",
    "chart-grading",
)


def _month_of_complaints(root: Path) -> None:
    """Sixty complaints of November 2026 with every figure the page charts."""
    writer = AnalyticsWriter(DirectoryS3(root), "bucket", ZONE)
    kinds = [
        ("product", "quality_defect"),
        ("logistics", "late_delivery"),
        ("service", "attitude"),
        ("other", "other"),
    ]
    start = datetime(2026, 11, 2, 2, tzinfo=UTC)
    for i in range(60):
        received = start + timedelta(days=i % 27, hours=i % 5)
        category, subtype = kinds[i % 4] if i % 3 else kinds[0]
        stages = {
            "accepted": received,
            "first_response": received + timedelta(minutes=30 + i),
            "plan_proposed": received + timedelta(hours=3 + i % 4),
            "solved": received + timedelta(hours=20 + i % 9),
        }
        due = received + timedelta(hours=1)
        record = ComplaintRecord(
            ticket_id=1000 + i,
            level=1 if i % 10 == 0 else 2 if i % 4 == 0 else 3,
            category=category,  # type: ignore[arg-type]
            subtype=subtype,  # type: ignore[arg-type]
            emotion="normal",
            language="zh",
            policy_version="test",
            received_at=received,
            stages=stages,
            satisfaction="good" if i % 5 else "bad",
            corrections=[Correction(field="level", before="1", after="2", at=received, noticed_by="e")]
            if i == 4
            else [],
            obligations={
                "first_response": Obligation(
                    kind="first_response",
                    rule="R-SLA-1",
                    due_at=due,
                    opened_at=received,
                    opened_by="x",
                    state="met" if i % 6 else "breached",
                    closed_at=received + timedelta(minutes=30 + i) if i % 6 else None,
                )
            },
        )
        writer.put(record, received + timedelta(days=1), f"ev-{i}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_the_monthly_page_renders_every_chart_without_errors_and_fits_a_phone(
    browser: Browser, tmp_path: Path
) -> None:
    # GIVEN November's review page, built by DuckDB from analytics rows written by the real writer
    _month_of_complaints(tmp_path)
    review = build_review(
        DuckDbQueries(tmp_path), monthly_period("2026-11", ZONE), TriageEngine.from_directory().policy
    )
    page_file = tmp_path / "review-2026-11.html"
    page_file.write_text(
        render_page(review, lambda t: f"https://example.zendesk.com/agent/tickets/{t}"), "utf-8"
    )
    # WHEN a phone-sized headless Chromium opens it
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    started = datetime.now(UTC)
    page.goto(page_file.as_uri())
    assert page.evaluate("window.chartsRendered.then(() => true)") is True
    loaded_ms = (datetime.now(UTC) - started).total_seconds() * 1000
    # THEN nothing went wrong, and every chart is an SVG with drawn marks
    assert problems == []
    for chart_id in CHART_IDS:
        marks = page.locator(
            f"#{chart_id} svg .mark-rect path, #{chart_id} svg .mark-line path, "
            f"#{chart_id} svg .mark-symbol path"
        )
        assert marks.count() > 0, f"{chart_id} drew nothing"
    # AND the page is as wide as the phone (no sideways scrolling), with the bilingual figures
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "投诉 Complaints" in page.inner_text(".cards") and "60" in page.inner_text(".cards")
    # AND a screenshot is kept with the test's files
    shot = tmp_path / "review-2026-11.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000 and loaded_ms < 60_000
    page.close()
