"""The ticket sidebar app (issue 15) in headless Chromium, beside a ticket the real triage graded:
the grade and why, deadlines counting down (amber in the warning, red once due, met ticked), a
forbidden phrase flagged with its replacement while the agent types, a remedy inserted into the
reply, and the agent's correction written to the level drop-down. The ZAF SDK is replaced by a
stand-in (tests/e2e/zaf/) that answers the calls the app makes as ZAF v2 does."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from functions.triage.ticket_triage import TicketTriage
from integrations.zendesk.ticket_fields import LEVEL_FIELD, SIDEBAR_FIELD
from policies.engine import TriageEngine
from tests.e2e.test_review_page import CHROMIUM, CHROMIUM_ARGS
from tests.fakes import FakeTicketApi, InMemoryComplaintRecords, ticket_event
from tests.unit.test_ticket_triage import CATALOG

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "zendesk_app" / "assets"
ZAF_SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"
STAND_IN = Path(__file__).parent / "zaf" / "zaf_client_stand_in.js"
POLICY = TriageEngine.from_directory().policy


@pytest.fixture(scope="module")
def app_server() -> Iterator[str]:
    if not (APP / "triage.json").is_file():
        pytest.fail("zendesk_app/assets/triage.json missing: `make install` exports it from the policies")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(APP))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _graded_ticket() -> dict:
    """A safety complaint through the real triage: the sidebar field it wrote, and its other fields."""
    api = FakeTicketApi()
    ticket_id = api.add_ticket("热水器漏电", "热水器漏电把我电了一下,手都麻了。这是第二次了。")
    TicketTriage(TriageEngine.from_directory(), api, InMemoryComplaintRecords(), lambda: CATALOG).handle(
        ticket_event(ticket_id)
    )
    return {f["id"]: f["value"] for f in api.get_ticket(ticket_id)["custom_fields"]}


def _now_relative(data: dict) -> dict:
    """The triage's deadlines moved to now: one inside its warning, one overdue, one met."""
    now = datetime.now(UTC)
    moved = {**data, "deadlines": [dict(d) for d in data["deadlines"]]}
    first, second, *rest = moved["deadlines"]
    first.update(
        due_at=(now + timedelta(minutes=20)).isoformat(), warn_at=(now - timedelta(minutes=5)).isoformat()
    )
    second.update(due_at=(now - timedelta(minutes=3)).isoformat(), state="breached")
    for d in rest:
        d.update(state="met")
    return moved


def test_the_sidebar_shows_the_grade_counts_down_checks_the_reply_inserts_and_corrects(
    browser: Browser, app_server: str, tmp_path: Path
) -> None:
    # GIVEN a ticket graded level 1 by the triage, and an agent whose Zendesk speaks Chinese
    fields = _graded_ticket()
    sidebar_id, level_id = CATALOG.field_ids[SIDEBAR_FIELD], CATALOG.field_ids[LEVEL_FIELD]
    data = _now_relative(json.loads(fields[sidebar_id]))
    ticket = {
        "id": 1000,
        "locale": "zh-CN",
        "fields": {
            str(k): v for k, v in {**fields, sidebar_id: json.dumps(data, ensure_ascii=False)}.items()
        },
        "ticket_fields": [{"id": i, "title": t} for t, i in CATALOG.field_ids.items()],
    }
    page = browser.new_page(viewport={"width": 360, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.route(
        ZAF_SDK,
        lambda route: route.fulfill(
            content_type="application/javascript",
            body=f"window.__ticket = {json.dumps(ticket, ensure_ascii=False)};\n"
            + STAND_IN.read_text("utf-8"),
        ),
    )
    # WHEN the app opens in the ticket sidebar
    started = time.monotonic()
    page.goto(f"{app_server}/iframe.html")
    page.wait_for_selector("#deadlines li")
    loaded_ms = (time.monotonic() - started) * 1000
    # THEN the level and why, in the agent's language, with the customer's words
    labels = POLICY.ticket_note.labels["zh"]
    assert page.inner_text("#level") == labels.level_names[1]
    assert "R-GRADE-1a" in page.inner_text("#reasons") and "漏电" in page.inner_text("#reasons")
    # AND the deadlines: amber inside the warning, red once due, met ticked; and the clock ticks
    items = page.locator("#deadlines li")
    classes = [items.nth(i).get_attribute("class") for i in range(items.count())]
    assert "amber" in classes[0] and "red" in classes[1] and all("met" in c for c in classes[2:])
    before = items.nth(0).locator(".left").inner_text()
    page.wait_for_timeout(1200)
    assert items.nth(0).locator(".left").inner_text() != before
    # WHEN the agent types a deflection the SOP forbids (R-COMP-2)
    page.evaluate("window.__zaf.emit('comment.text.changed', '亲,这是公司规定,没办法')")
    # THEN it is flagged with what to say instead (compliance.yaml, exported)
    finding = page.locator("#findings .finding")
    assert finding.count() == 1 and finding.get_attribute("data-rule") == "R-COMP-2"
    instead = next(e.instead["zh"] for e in POLICY.compliance.forbidden if e.rule == "R-COMP-2")
    assert instead in finding.inner_text()
    # WHEN the agent inserts the main remedy and corrects the level to 2
    page.click("button[data-remedy=main]")
    page.click("#correct button[data-level='2']")
    # THEN the remedy's words go into the reply editor and the level drop-down gets level 2
    invoked = page.evaluate("window.__zaf.invoked")
    assert ["ticket.comment.appendText", data["remedies"]["main"]] in invoked
    assert page.evaluate("window.__zaf.sets") == [
        {"path": f"ticket.customField:custom_field_{level_id}", "value": "complaint_level_2"}
    ]
    assert problems == []
    shot = tmp_path / "sidebar.png"
    page.screenshot(path=str(shot), full_page=True)
    app_bytes = sum(p.stat().st_size for p in APP.iterdir() if p.suffix in (".js", ".css", ".html", ".json"))
    assert shot.stat().st_size > 5_000 and app_bytes < 100_000 and loaded_ms < 30_000
