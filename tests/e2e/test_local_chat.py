"""Alerts in chat under the local product (issue 17): a safety complaint's alert reaches PR's
groups, nobody acknowledges within the policy's minutes so it climbs the ladder, the card's link
acknowledges it over the HTTP API, and the ticket's note says so."""

from __future__ import annotations

import multiprocessing
import re
import shutil
import traceback
from pathlib import Path

import requests
import yaml

from integrations.zendesk.client import ZendeskClient
from local.product import LocalProduct
from policies.policy_files import DEFAULT_POLICY_DIR
from tests.waiting import wait_for

ACK_MINUTES = 0.05  # 3 s instead of 10 min: the ladder climbs while the test watches
_LINK = re.compile(r"https?://[A-Za-z0-9./?=&%_:-]+/alerts/ack\?[A-Za-z0-9./?=&%_:-]+")


def _policies_with_quick_escalation(tmp_path: Path) -> Path:
    directory = tmp_path / "policies"
    shutil.copytree(DEFAULT_POLICY_DIR, directory)
    channels = yaml.safe_load((directory / "channels.yaml").read_text(encoding="utf-8"))
    channels["escalation"]["ack_minutes"] = ACK_MINUTES
    (directory / "channels.yaml").write_text(yaml.safe_dump(channels, allow_unicode=True), encoding="utf-8")
    return directory


def test_a_safety_alert_climbs_the_ladder_and_its_acknowledgement_reaches_the_ticket(tmp_path: Path) -> None:
    # The scenario runs in a fresh interpreter, as `triage local` does: an earlier in-process local
    # product (tests/e2e/test_local.py's dead-letter run) leaves this process unable to triage in a
    # later one (seen before this test existed; see the closing note).
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_scenario_or_report, args=(str(tmp_path),))
    child.start()
    child.join(timeout=300)
    failure = tmp_path / "failure.txt"
    assert child.exitcode == 0, failure.read_text(encoding="utf-8") if failure.exists() else child.exitcode


def _scenario_or_report(directory: str) -> None:
    try:
        _scenario(Path(directory))
    except BaseException:
        (Path(directory) / "failure.txt").write_text(traceback.format_exc(), encoding="utf-8")
        raise


def _scenario(tmp_path: Path) -> None:
    # GIVEN the local product whose escalation runs every second and waits 3 s for an acknowledgement
    policies = _policies_with_quick_escalation(tmp_path)
    with LocalProduct(policy_dir=str(policies), escalate_every_seconds=1.0) as product:
        ready = product.ready
        assert ready is not None
        ladder = yaml.safe_load((policies / "channels.yaml").read_text(encoding="utf-8"))["escalation"][
            "ladder"
        ]
        with ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token) as zendesk:
            # WHEN a customer reports an electric shock
            ticket = zendesk.create_ticket(
                {
                    "subject": "热水器漏电",
                    "comment": {"body": "热水器漏电,我洗澡时被电了一下,手到现在还麻。"},
                    "requester": {"name": "王女士", "email": "wang@customers.example"},
                }
            )
            # THEN PR's groups get the card, and with nobody acknowledging it climbs to the first rung
            assert wait_for(lambda: product.chat.messages.get("pr_compliance"), timeout=60)
            assert wait_for(lambda: product.chat.messages.get(ladder[0]), timeout=60)
            # WHEN the supervisor opens the card's link (the HTTP API's GET /alerts/ack)
            card = str(product.chat.messages[ladder[0]][0])
            link = _LINK.search(card.replace("\\u0026", "&"))
            assert link is not None, card
            page = requests.get(link.group(0).replace("&amp;", "&"), timeout=10)
            # THEN it is acknowledged, and the ticket's note says who, where and when
            assert page.status_code == 200 and "Acknowledged by" in page.text

            def noted() -> bool:
                notes = [c["body"] for c in zendesk.list_comments(int(ticket["id"])) if not c["public"]]
                return any(ladder[0] in n and ("acknowledged" in n or "确认" in n) for n in notes)

            assert wait_for(noted, timeout=60)
