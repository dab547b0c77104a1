"""`triage demo` end to end: a separate process, as a user runs it after `make install`."""

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
TICKETS_TITLE = "Tickets in Zendesk after triage"
AGENT_PAGE_TITLE = "The agent's view: a level-1 ticket with the ticket sidebar app (Zendesk sandbox)"
AGENT_PAGE_LINE = re.compile(
    r"^  Ticket #(\d+) · ([\w-]+): (http://127\.0\.0\.1:\d+/agent/tickets/\d+)$", re.M
)
DUE_TIME = re.compile(r"^[A-Z][a-z]{2} \d\d-\d\d \d\d:\d\d$")
GUARD_SECONDS = 240  # a guard against a hang, not a speed test (the demo takes about half a minute)


def _demo_environment() -> dict[str, str]:
    """Run from an unrelated directory: the demo must need nothing but the installed package."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TRIAGE_POLICY_DIR", None)
    return env


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "demo"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path_factory.mktemp("elsewhere"),
        env=_demo_environment(),
        check=False,
        timeout=GUARD_SECONDS,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def table_rows(output: str, section: str) -> dict[str, list[str]]:
    """The rows of a section's table by id, cells split on the two-space column gap."""
    lines = output.splitlines()
    start = lines.index(section)
    rows = {}
    for line in lines[start + 3 :]:  # title, header, rule
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        rows[cells[0]] = cells
    return rows


def test_demo_shows_every_section_in_under_sixty_odd_lines(demo_output: str) -> None:
    # GIVEN the demo's output WHEN read THEN it has its sections and stays short enough to read
    for title in ("Grading", "Deadlines"):
        assert title in demo_output.splitlines()
    assert "Remedies" in demo_output
    summary = demo_output.split(TICKETS_TITLE)[0]
    assert len(summary.splitlines()) <= 66


def ticket_block(output: str, case_id: str) -> str:
    """The lines shown for one demo case's Zendesk ticket."""
    match = re.search(rf"^Ticket #\d+ · {re.escape(case_id)}\n(.*?)(?=^Ticket #|\Z)", output, re.M | re.S)
    assert match, case_id
    return match.group(1)


def test_every_case_became_an_enriched_zendesk_ticket(demo_output: str) -> None:
    # GIVEN the tickets part of the demo (created in the sandbox, triaged through webhook + queue)
    from cli.demo_cases import DEMO_CASES

    # THEN every ticket was enriched by the plugin
    assert f"{len(DEMO_CASES)} of {len(DEMO_CASES)} tickets enriched" in demo_output
    # AND the electric leakage is urgent, routed to supervisor + compliance, with its reason and deadline
    heater = ticket_block(demo_output, "heater-leak")
    assert "priority: urgent" in heater and "Supervisor and Compliance" in heater
    assert "R-GRADE-1a" in heater and "Complaint due: escalation: 20" in heater
    # AND the public Weibo post carries its private-contact due time (R-SLA-9)
    assert "Complaint due: private contact: 20" in ticket_block(demo_output, "wedding-dress")
    # AND a trap stays routine
    assert "priority: normal" in ticket_block(demo_output, "trap-en")


def test_wedding_dress_posted_publicly_gets_a_private_contact_due_time(demo_output: str) -> None:
    # GIVEN the wedding-dress case, posted on Weibo (channel social_public)
    deadlines = table_rows(demo_output, "Deadlines")
    header = re.split(
        r"\s{2,}", demo_output.splitlines()[demo_output.splitlines().index("Deadlines") + 1].strip()
    )
    row = dict(zip(header, deadlines["wedding-dress"], strict=True))
    # THEN it has a private-contact due time (R-SLA-9) in the short local format
    assert DUE_TIME.match(row["private contact"]), row
    # AND a case that did not come from a public post has none
    assert dict(zip(header, deadlines["heater-leak"], strict=True))["private contact"] == "—"


def test_figurative_traps_stay_routine(demo_output: str) -> None:
    # GIVEN the figurative traps ('差到爆炸', "fire stick keeps freezing")
    grading = table_rows(demo_output, "Grading")
    # THEN neither is read as a safety case: both stay level 3
    assert grading["trap-zh"][1] == "3"
    assert grading["trap-en"][1] == "3"
    # AND the electric leakage in traditional characters is urgent
    assert grading["heater-leak"][1] == "1"


def test_someone_elses_fire_from_the_news_is_not_the_customers_harm(demo_output: str) -> None:
    # GIVEN the news case: a stranger's power bank on fire in the news, then the customer's own
    # power bank that no longer charges (level 1 before grading.yaml had its `hearsay` context)
    grading = table_rows(demo_output, "Grading")
    row = grading["news-hearsay"]
    # THEN it is routine, and the reason quotes the customer's own fault, not the news
    assert row[1] == "3"
    assert "R-GRADE-3: 我跟你們買的" in row[-1] and "新聞" not in row[-1]
    # AND its ticket is neither urgent nor tagged as a personal-safety case
    block = ticket_block(demo_output, "news-hearsay")
    assert "priority: urgent" not in block and "人身安全" not in block


def test_harm_with_no_cause_named_is_level_1_with_the_customers_words(demo_output: str) -> None:
    # GIVEN the mattress case: acute symptoms and a hospital visit, no fumes or food named
    grading = table_rows(demo_output, "Grading")
    row = grading["mattress-model"]
    # THEN it is level 1 for R-GRADE-1a, quoting the customer
    assert row[1] == "1"
    assert "R-GRADE-1a: 新买的床垫" in row[-1]
    # AND its ticket is urgent and tagged as a personal-safety case
    block = ticket_block(demo_output, "mattress-model")
    assert "priority: urgent" in block and "人身安全" in block


def test_a_level_1_only_the_learned_reader_caught_shows_its_evidence(demo_output: str) -> None:
    # GIVEN the flight case: a collapse and an ambulance further apart than any rule's window
    grading = table_rows(demo_output, "Grading")
    row = grading["flight-collapse"]
    # THEN it is level 1, marked as the learned reader's, citing R-GRADE-1 with the customer's words
    # (if a retrained model no longer raises it, pick a case it does: the demo must show one)
    assert row[1] == "1"
    assert row[-1].startswith("[learned reader] R-GRADE-1: 父亲在航班")
    # AND its ticket is urgent, tagged for a supervisor's look, with that step in its note
    block = ticket_block(demo_output, "flight-collapse")
    assert "priority: urgent" in block and "complaint_level_1_model" in block
    assert "模型研判为一级" in block and "救护车" in block


def test_pr_compliance_and_team_leads_receive_their_alerts(demo_output: str) -> None:
    # GIVEN the alerts part of the demo (read back from a queue subscribed to both SNS topics)
    summary = next(line for line in demo_output.splitlines() if line.startswith("alerts received: "))
    # THEN the group complaint alerted once, the safety cases and the 12315 threat reached PR + compliance
    assert "group_complaint × 1" in summary
    assert "safety_incident" in summary and "media_or_regulator" in summary
    # AND the watcher's many first-response warnings reached the team leads as one digest, not a storm
    assert "sla_digest × 1" in summary and "sla_warning" not in summary
    assert "5 of 5 now urgent" in demo_output


def test_the_demo_ends_with_the_archive_listing_and_retention(demo_output: str) -> None:
    # GIVEN the last section of the demo
    tail = demo_output.split("Audit archive, filed by complaint type / order / ticket")[1]
    rows = [line.strip() for line in tail.splitlines() if line.strip().startswith("complaints/")]
    # THEN every worked case's triage is archived, filed by type, with its lock and retention date
    from cli.demo_cases import DEMO_CASES

    assert len(rows) >= len(DEMO_CASES)
    assert all(re.search(r"(GOVERNANCE|COMPLIANCE) until \d{4}-\d\d-\d\d$", row) for row in rows)
    assert {row.split("/")[1] for row in rows} >= {"product", "logistics"}


def test_public_posts_are_contacted_privately_well_inside_the_hour(demo_output: str) -> None:
    # GIVEN the demo's social section (the wedding-dress Weibo case and an English X complaint)
    section = demo_output.split("Social posts: private contact within the hour (R-SLA-9)", 1)[1]
    section = section.split("Audit archive", 1)[0]
    # THEN the bride got the SOP's private question by Weibo's fan-service reply, the X poster a DM
    assert "by fan_service_reply: “您好,看到您反馈的问题,能否提供订单号?我们会立刻核查”" in section
    assert "by direct_message: “Hi, we saw your post" in section
    # AND each ticket's private_contact deadline (post time + 1 h) is met with time to spare
    spare = [
        float(m)
        for m in re.findall(
            r"private_contact \(R-SLA-9\) due [^:]+:\d\d:\d\d UTC: met, ([\d.]+) min", section
        )
    ]
    assert len(spare) == 2 and all(minutes > 40 for minutes in spare), section
    # AND each ticket is graded as what happened: a delivery late by rain, a jug that arrived cracked
    assert re.findall(r"level (\d) · (\w+) / (\w+)", section) == [
        ("3", "logistics", "late_delivery"),
        ("3", "logistics", "lost_or_damaged"),
    ], section
    # AND the bride's reply in the thread became a comment on her ticket, not a new ticket
    assert re.search(r"reply in the Weibo thread → comment on ticket #\d+", section), section


def test_the_safety_incident_arrives_in_chat_climbs_and_is_acknowledged(demo_output: str) -> None:
    # GIVEN the demo's safety incident THEN PR's DingTalk group and Slack show it with an ack button
    assert "DingTalk card (pr_compliance)" in demo_output and "[ 确认收到 ]" in demo_output
    assert "Slack message (global_pr)" in demo_output and "[ Acknowledge ]" in demo_output
    # AND, unacknowledged for the policy's minutes, it climbed the ladder, then was acknowledged
    assert "nobody acknowledged within 10 min → escalated to supervisors" in demo_output
    acknowledged = r"acknowledged from the supervisors card by PR duty officer at \d\d:\d\d UTC"
    assert re.search(acknowledged, demo_output)


def test_the_demo_ends_with_the_months_review_of_its_own_tickets(demo_output: str) -> None:
    # GIVEN the demo's last section, where an agent and customers carry tickets through their lifecycle
    section = demo_output.split("The month's review from the demo's own tickets", 1)[1]
    # THEN every step was triaged, and the review counts what they did
    assert "✗" not in section and section.count("✓") == 9
    page = next(
        line.split(": ", 1)[1] for line in section.splitlines() if line.startswith("The report page: ")
    )
    assert Path(page).is_file() and "vegaEmbed" in Path(page).read_text(encoding="utf-8")
    assert "plans rejected: 1" in section and "grades corrected by agents: 1" in section
    assert "50% satisfied" in section and "cross-department answered within 2 h: 100%" in section


def test_the_demo_ends_with_the_agent_page_of_a_level_1_ticket_and_how_to_keep_it_open(
    demo_output: str,
) -> None:
    # GIVEN the demo's last section
    section = demo_output.split(AGENT_PAGE_TITLE, 1)[1]
    # THEN it gives the sandbox's agent page of a ticket the demo graded level 1
    found = AGENT_PAGE_LINE.search(section)
    assert found, section
    ticket_id, case_id, url = found.groups()
    assert url.endswith(f"/agent/tickets/{ticket_id}")
    assert table_rows(demo_output, "Grading")[case_id][1] == "1"
    assert f"Ticket #{ticket_id} · {case_id}" in demo_output.split(AGENT_PAGE_TITLE, 1)[0]
    # AND says which command keeps the page open (the sandbox stopped with the demo)
    assert "`make demo-serve`" in section


def test_demo_serve_keeps_the_agent_page_open_until_ctrl_c(tmp_path: Path) -> None:
    # GIVEN `triage demo --serve` running
    demo = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "demo", "--serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=_demo_environment(),
    )
    guard = threading.Timer(GUARD_SECONDS, demo.kill)
    guard.start()
    try:
        assert demo.stdout is not None
        lines = []
        for line in demo.stdout:  # up to the line that says it keeps serving
            lines.append(line)
            if "run until Ctrl-C" in line:
                break
        found = AGENT_PAGE_LINE.search("".join(lines))
        assert found, "".join(lines[-20:])
        # WHEN a person opens the agent page it printed
        page = requests.get(found.group(3), timeout=10)
        # THEN the ticket's page answers, hosting the sidebar app
        assert page.status_code == 200 and '<iframe id="app-frame"' in page.text
        # WHEN Ctrl-C is pressed THEN the demo stops cleanly, having said nothing on stderr
        demo.send_signal(signal.SIGINT)
        rest, errors = demo.communicate()
    finally:
        guard.cancel()
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 0, errors
    assert errors == "" and "triage demo: stopped" in rest
