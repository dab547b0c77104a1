"""The ticket sidebar app (issue 15) in headless Chromium, on the Zendesk sandbox's agent page beside
a ticket the real triage graded: the grade and why, deadlines counting down (amber in the warning,
red once due, met ticked), a forbidden phrase typed into the reply editor flagged with its
replacement, a remedy inserted into the reply, and the agent's correction of the level, category
and subtype written to the plugin's drop-downs, saved on the sandbox ticket and read by the triage
as a correction. The app's iframe gets the sandbox's ZAF client (local/zendesk/agent/zaf_sdk.js);
the page answers its calls from the sandbox's REST API (local/zendesk/agent/agent_page.js)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, FrameLocator, Page, expect, sync_playwright

from integrations.zendesk.events import EventType
from integrations.zendesk.ticket_fields import (
    CATEGORY_FIELD,
    LEVEL_FIELD,
    SIDEBAR_FIELD,
    SUBTYPE_FIELD,
    FieldCatalog,
    category_value,
    level_value,
    subtype_value,
)
from integrations.zendesk.ticket_update import METADATA_KEY
from policies.engine import TriageEngine
from tests.e2e.test_review_page import CHROMIUM, CHROMIUM_ARGS
from tests.integration.triage_stack import Stack, event_body, invoke, new_ticket, sqs_record

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "zendesk_app" / "assets"
POLICY = TriageEngine.from_directory().policy
WORDS = {
    language: json.loads((ROOT / "zendesk_app" / "translations" / f"{locale}.json").read_text("utf-8"))[
        "sidebar"
    ]
    for language, locale in (("en", "en"), ("zh", "zh-cn"))
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not (APP / "triage.json").is_file():
        pytest.fail("zendesk_app/assets/triage.json missing: `make install` exports it from the policies")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _triage(ticket_id: int, event_id: str, kind: EventType = EventType.CREATED) -> None:
    """The triage Lambda handles one event of the ticket, as the queue delivers it."""
    assert invoke(sqs_record(event_body(ticket_id, event_id, kind), group=str(ticket_id))) == {
        "batchItemFailures": []
    }


def _graded_ticket(stack: Stack) -> int:
    """A safety complaint in the sandbox, graded by the real triage (level 1, R-GRADE-1a)."""
    ticket_id = new_ticket(stack, "热水器漏电", "热水器漏电把我电了一下,手都麻了。这是第二次了。")
    _triage(ticket_id, "created")
    return ticket_id


def _catalog(stack: Stack) -> FieldCatalog:
    return FieldCatalog.from_account(stack.zendesk.list_ticket_fields(), [])


def _now_relative(data: dict[str, Any]) -> dict[str, Any]:
    """The triage's deadlines moved to now: one inside its warning, one overdue, the rest met."""
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


def _open_agent_page(browser: Browser, url: str) -> tuple[Page, FrameLocator, list[str]]:
    """The agent page at `url`, its app's frame, and the errors either logs."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    problems: list[str] = []

    def console_error(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", console_error)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(url)
    return page, page.frame_locator("#app-frame"), problems


def test_the_sidebar_shows_the_grade_counts_down_checks_the_reply_inserts_and_corrects(
    browser: Browser, stack: Stack, tmp_path: Path
) -> None:
    # GIVEN a ticket graded level 1 by the triage, its deadlines moved to now, and an agent whose
    # Zendesk speaks Chinese
    ticket_id = _graded_ticket(stack)
    catalog = _catalog(stack)
    sidebar_id, level_id = catalog.field_ids[SIDEBAR_FIELD], catalog.field_ids[LEVEL_FIELD]
    data = _now_relative(json.loads(catalog.value_of(stack.zendesk.get_ticket(ticket_id), SIDEBAR_FIELD)))
    stack.zendesk.update_ticket(
        ticket_id, {"custom_fields": [{"id": sidebar_id, "value": json.dumps(data, ensure_ascii=False)}]}
    )
    stack.zendesk.create_or_update_user({"email": stack.sandbox.email, "locale": "zh-CN"})
    # WHEN the agent opens the ticket, the app in its sidebar
    started = time.monotonic()
    page, app, problems = _open_agent_page(browser, f"{stack.sandbox.url}/agent/tickets/{ticket_id}")
    app.locator("#deadlines li").first.wait_for()
    loaded_ms = (time.monotonic() - started) * 1000
    # THEN the level and why, in the agent's language, with the customer's words
    labels = POLICY.ticket_note.labels["zh"]
    expect(app.locator("#level")).to_have_text(labels.level_names[1])
    expect(app.locator("#reasons")).to_contain_text("R-GRADE-1a")
    expect(app.locator("#reasons")).to_contain_text("漏电")
    # AND the deadlines: amber inside the warning, red once due, met ticked; and the clock ticks
    items = app.locator("#deadlines li")
    classes = [items.nth(i).get_attribute("class") or "" for i in range(items.count())]
    assert "amber" in classes[0] and "red" in classes[1] and all("met" in c for c in classes[2:])
    before = items.nth(0).locator(".left").inner_text()
    expect(items.nth(0).locator(".left")).not_to_have_text(before)
    # WHEN the agent types a deflection the SOP forbids (R-COMP-2) into the reply editor
    page.fill("#reply", "亲,这是公司规定,没办法")
    # THEN it is flagged with what to say instead (compliance.yaml, exported)
    finding = app.locator("#findings .finding")
    expect(finding).to_have_count(1)
    assert finding.get_attribute("data-rule") == "R-COMP-2"
    instead = next(e.instead["zh"] for e in POLICY.compliance.forbidden if e.rule == "R-COMP-2")
    expect(finding).to_contain_text(instead)
    # WHEN the agent inserts the main remedy and corrects the level to 2
    app.locator("button[data-remedy=main]").click()
    app.locator("#correct button[data-level='2']").click()
    # THEN the remedy's words go into the reply editor, and the page's level drop-down shows level 2,
    # not saved yet (the app says the ticket must be submitted)
    expect(page.locator("#reply")).to_have_value(re.compile(re.escape(data["remedies"]["main"])))
    level_field = page.locator(f"select[data-field-id='{level_id}']")
    expect(level_field).to_have_value(level_value(2))
    expect(level_field).to_have_class(re.compile("changed"))
    expect(app.locator("#correct-hint")).to_have_text(WORDS["zh"]["submit_to_save"])
    assert catalog.value_of(stack.zendesk.get_ticket(ticket_id), LEVEL_FIELD) == level_value(1)
    assert problems == []
    shot = tmp_path / "sidebar.png"
    page.screenshot(path=str(shot), full_page=True)
    app_bytes = sum(p.stat().st_size for p in APP.iterdir() if p.suffix in (".js", ".css", ".html", ".json"))
    assert shot.stat().st_size > 5_000 and app_bytes < 100_000 and loaded_ms < 30_000
    print(f"sidebar app: {app_bytes:,} bytes, page and app ready in {loaded_ms:.0f} ms, screenshot {shot}")
    page.close()


def test_a_category_and_subtype_corrected_in_the_app_land_on_the_ticket_as_the_agents_correction(
    browser: Browser, stack: Stack, tmp_path: Path
) -> None:
    # GIVEN a ticket the real triage graded (level 1, product / quality defect), opened by an agent
    # whose Zendesk speaks English
    ticket_id = _graded_ticket(stack)
    catalog = _catalog(stack)
    graded = stack.zendesk.get_ticket(ticket_id)
    assert catalog.value_of(graded, CATEGORY_FIELD) != category_value("logistics")
    page, app, problems = _open_agent_page(browser, f"{stack.sandbox.url}/agent/tickets/{ticket_id}")
    # THEN the app renders the grade, and the first deadline counts down
    expect(app.locator("#level")).to_have_text(POLICY.ticket_note.labels["en"].level_names[1])
    expect(app.locator("#deadlines li .left").first).to_contain_text(WORDS["en"]["left"])
    expect(page.locator("#subject")).to_have_text("热水器漏电")
    # WHEN the agent corrects the category to logistics and the subtype to lost or damaged in the
    # app, and submits the ticket
    app.locator("#correct-category").select_option("logistics")
    app.locator("#correct-subtype").select_option("lost_or_damaged")
    expect(app.locator("#correct-hint")).to_be_visible()
    category_id = catalog.field_ids[CATEGORY_FIELD]
    expect(page.locator(f"select[data-field-id='{category_id}']")).to_have_value(category_value("logistics"))
    with page.expect_response(lambda r: r.request.method == "PUT" and "/api/v2/tickets/" in r.url) as saved:
        page.click("#submit")
    assert saved.value.status == 200
    # THEN the sandbox ticket holds the agent's category and subtype, and the level is untouched
    ticket = stack.zendesk.get_ticket(ticket_id)
    assert catalog.value_of(ticket, CATEGORY_FIELD) == category_value("logistics")
    assert catalog.value_of(ticket, SUBTYPE_FIELD) == subtype_value("lost_or_damaged")
    assert catalog.value_of(ticket, LEVEL_FIELD) == catalog.value_of(graded, LEVEL_FIELD)
    # AND the write is the signed-in agent's, not the plugin's
    last = stack.zendesk.list_audits(ticket_id)[-1]
    assert last["author_id"] == stack.sandbox.admin_user_id
    assert METADATA_KEY not in (last.get("metadata") or {}).get("custom", {})
    # WHEN the triage reads the field change (Zendesk's custom_field_changed event)
    _triage(ticket_id, "field-changed", EventType.FIELD_CHANGED)
    # THEN it keeps the agent's values as a correction, and the app, opened again, says so
    # Opened again by address, not reload(): the submit may still be settling the page, and a reload
    # of a page in mid-navigation fails with "not attached to an active page".
    page.goto(f"{stack.sandbox.url}/agent/tickets/{ticket_id}")
    words = WORDS["en"]
    head = app.locator("#level + span")
    expect(head).to_contain_text(
        f"{words['categories']['logistics']} / {words['subtypes']['lost_or_damaged']}"
    )
    expect(app.locator("#app")).to_contain_text(words["corrected"])
    after = stack.zendesk.get_ticket(ticket_id)
    assert catalog.value_of(after, CATEGORY_FIELD) == category_value("logistics")
    assert catalog.value_of(after, SUBTYPE_FIELD) == subtype_value("lost_or_damaged")
    assert problems == []
    shot = tmp_path / "agent-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000
    page.close()
