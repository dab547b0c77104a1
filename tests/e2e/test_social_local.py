"""The social flow end to end on the local product: monitors, the listening-tool webhook, the outreach
Lambda on its FIFO queue, Zendesk (sandbox) and AWS (moto server) — R-SLA-9."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests

from infra.social_ledger import MonitorCursor, SocialLedger
from integrations.social.inbound_webhook import signature_headers
from integrations.social.models import SocialAuthor, SocialPost
from integrations.zendesk.client import ZendeskClient
from local.product import LocalProduct
from tests.waiting import wait_for


@pytest.fixture(scope="module")
def product() -> Iterator[LocalProduct]:
    # moto in a child process: its state ends with this module (in-process moto state is global).
    with LocalProduct(
        monitor_every_seconds=3600, watch_every_seconds=3600, aws_in_child_process=True
    ) as running:
        yield running


@pytest.fixture(scope="module")
def zendesk(product: LocalProduct) -> Iterator[ZendeskClient]:
    ready = product.ready
    assert ready is not None
    with ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token) as client:
        yield client


def test_overlapping_monitor_runs_contact_once_and_ticket_once(product, zendesk) -> None:
    # GIVEN a Mastodon complaint, and two monitor runs racing over it (the cursor saved by neither yet)
    toot = SocialPost(
        platform="mastodon",
        post_id="110000000000000001",
        author=SocialAuthor(id="9001", handle="sam@mastodon.example"),
        text="@shopco the kettle I bought leaks everywhere and support never answered. Terrible.",
        posted_at=datetime.now(UTC) - timedelta(minutes=2),
    )
    platform = product.social_platforms["mastodon"]
    platform.publish(toot)
    monitor = product.social_monitors["mastodon"]
    # WHEN both runs read it (the second from a cursor rewound, as an overlapping run would)
    monitor.run_once()
    SocialLedger(boto3.resource("dynamodb").Table(product.stack.complaints_table)).save_cursor(
        "mastodon", MonitorCursor(), datetime.now(UTC)
    )
    monitor.run_once()
    # THEN the poster gets one direct message and Zendesk one ticket
    ticket = wait_for(lambda: zendesk.find_tickets_by_external_id(toot.key))
    wait_for(lambda: platform.sent)
    time.sleep(1.0)
    assert len([d for p, d in platform.sent if p.key == toot.key]) == 1
    assert len(zendesk.find_tickets_by_external_id(toot.key)) == 1
    assert platform.sent[-1][1].route == "direct_message"
    assert "social_public_post" in ticket[0]["tags"]


def test_a_listening_tool_pushes_a_xiaohongshu_post_and_people_are_told(product, zendesk) -> None:
    # GIVEN a signed delivery from a listening tool, with a post from a platform we cannot write to
    ready = product.ready
    url = ready.social_webhook_url.replace("<tool>", "sprinklr")
    body = json.dumps(
        {
            "source": "sprinklr",
            "posts": [
                {
                    "platform": "xiaohongshu",
                    "id": "64f0c2aa",
                    "author": {"id": "xhs-1", "handle": "mia"},
                    "text": "买的面霜用了三天脸就过敏红肿,客服一直不回,太失望了",
                    "url": "https://www.xiaohongshu.com/explore/64f0c2aa",
                    "posted_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
                }
            ],
        },
        ensure_ascii=False,
    ).encode()
    headers = signature_headers(ready.social_signing_secret, body, int(time.time()))
    product.received_alerts()  # start from an empty inbox
    # WHEN it is posted, signed, then once more with a wrong signature and once under another source
    accepted = requests.post(url, data=body, headers=headers, timeout=10)
    forged = requests.post(url, data=body, headers={**headers, "X-Triage-Signature": "sha256=00"}, timeout=10)
    other = requests.post(url.replace("sprinklr", "brandwatch"), data=body, headers=headers, timeout=10)
    # THEN the genuine one is accepted, the forged one refused, the mismatched source refused
    assert (accepted.status_code, accepted.json()) == (202, {"accepted": 1, "source": "sprinklr"})
    assert forged.status_code == 401
    assert other.status_code == 400 and "does not match" in other.json()["message"]
    # AND the post became a ticket, and the social team and PR were told to write by hand
    wait_for(lambda: zendesk.find_tickets_by_external_id("xiaohongshu:64f0c2aa"))
    alerts = wait_for(lambda: product.received_alerts())
    causes = [a["MessageAttributes"]["cause"]["Value"] for a in alerts]
    assert "private_contact_failed" in causes
