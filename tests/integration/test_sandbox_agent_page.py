"""The sandbox's agent page (issue 15, local/zendesk/sandbox_agent.py): a ticket as an agent sees it,
hosting the ticket sidebar app; a 404 for a ticket the account does not have; the page's session
signs its own API calls in, and a write needs the session's CSRF token, as in Zendesk."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from integrations.zendesk.client import ZendeskClient
from local.zendesk.sandbox import ZendeskSandbox
from local.zendesk.sandbox_agent import LOCAL_SDK_PATH, SESSION_COOKIE


@pytest.fixture
def sandbox() -> Iterator[ZendeskSandbox]:
    with ZendeskSandbox() as started:
        yield started


def _ticket(sandbox: ZendeskSandbox, subject: str, body: str) -> int:
    with ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token) as client:
        ticket = client.create_ticket(
            {
                "subject": subject,
                "comment": {"body": body},
                "requester": {"name": "Li", "email": "li@example.com"},
            }
        )
    return int(ticket["id"])


def _csrf_token(page: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert found, page
    return found.group(1)


def test_an_unknown_ticket_has_no_agent_page(sandbox: ZendeskSandbox) -> None:
    # GIVEN an account with one ticket
    known = _ticket(sandbox, "Kettle", "It leaks.")
    # WHEN the agent page of another id is opened
    answer = requests.get(f"{sandbox.url}/agent/tickets/{known + 1000}", timeout=10)
    # THEN it is not found, and nobody is signed in
    assert answer.status_code == 404
    assert "Set-Cookie" not in answer.headers
    # AND a path the agent pages do not serve is not found either
    assert requests.get(f"{sandbox.url}/agent/nothing-here", timeout=10).status_code == 404


def test_the_agent_page_shows_the_ticket_and_hosts_the_app(sandbox: ZendeskSandbox) -> None:
    # GIVEN a ticket whose subject and words look like markup
    ticket_id = _ticket(
        sandbox, "<b>Kettle</b> burned me", "The lid flew off & <script>boiling</script> water."
    )
    # WHEN its agent page is opened
    answer = requests.get(f"{sandbox.url}/agent/tickets/{ticket_id}", timeout=10)
    # THEN it shows the subject and the conversation as text, never as markup
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert "&lt;b&gt;Kettle&lt;/b&gt; burned me" in answer.text and "<b>Kettle" not in answer.text
    assert "The lid flew off &amp; &lt;script&gt;boiling&lt;/script&gt; water." in answer.text
    # AND it hosts the app's sidebar page from the manifest, told the page's origin as Zendesk does
    frame = re.search(r'<iframe id="app-frame"[^>]* src="([^"]+)"', answer.text)
    assert frame and frame.group(1).startswith("/agent/app/assets/iframe.html?origin=http%3A%2F%2F127.0.0.1")
    # AND the app's page loads the sandbox's ZAF client in place of Zendesk's SDK
    iframe = requests.get(f"{sandbox.url}/agent/app/assets/iframe.html", timeout=10)
    assert iframe.status_code == 200 and f'src="{LOCAL_SDK_PATH}"' in iframe.text
    assert "static.zdassets.com" not in iframe.text
    sdk = requests.get(f"{sandbox.url}{LOCAL_SDK_PATH}", timeout=10)
    assert sdk.status_code == 200 and "window.ZAFClient" in sdk.text
    # AND nothing outside the app's assets is served
    assert (
        requests.get(f"{sandbox.url}/agent/app/assets/%2e%2e%2fmanifest.json", timeout=10).status_code == 404
    )


def test_the_pages_session_signs_its_api_calls_in_and_writes_need_its_csrf_token(
    sandbox: ZendeskSandbox,
) -> None:
    # GIVEN an agent page opened in a browser (its session cookie kept)
    ticket_id = _ticket(sandbox, "Kettle", "It leaks.")
    browser = requests.Session()
    page = browser.get(f"{sandbox.url}/agent/tickets/{ticket_id}", timeout=10)
    assert SESSION_COOKIE in browser.cookies
    url = f"{sandbox.url}/api/v2/tickets/{ticket_id}.json"
    update = {"ticket": {"priority": "high"}}
    # WHEN the page reads the ticket THEN the session signs it in
    assert browser.get(url, timeout=10).status_code == 200
    # WHEN it writes without the CSRF token THEN Zendesk's refusal, and nothing changes
    assert browser.put(url, json=update, timeout=10).status_code == 403
    assert browser.get(url, timeout=10).json()["ticket"]["priority"] != "high"
    # WHEN it writes with the token THEN the write is the signed-in admin's
    saved = browser.put(url, json=update, headers={"X-CSRF-Token": _csrf_token(page.text)}, timeout=10)
    assert saved.status_code == 200 and saved.json()["ticket"]["priority"] == "high"
    assert saved.json()["audit"]["author_id"] == sandbox.admin_user_id
    # AND without the session, or with a session the sandbox never issued, the API refuses
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, cookies={SESSION_COOKIE: "forged"}, timeout=10).status_code == 401
