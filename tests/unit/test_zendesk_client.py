"""Edge cases of the Zendesk client, against canned HTTP responses."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import responses
from responses import matchers
from urllib3.exceptions import MaxRetryError, NewConnectionError

from integrations.zendesk.client import DEFAULT_RETRY_AFTER_SECONDS, ZendeskClient, parse_retry_after
from integrations.zendesk.credentials import ZendeskCredentials
from integrations.zendesk.errors import (
    WriteBudgetExhausted,
    ZendeskAuthError,
    ZendeskConflict,
    ZendeskError,
    ZendeskRateLimited,
    ZendeskRetryLater,
    ZendeskUnavailable,
    ZendeskValidationError,
)
from integrations.zendesk.write_budget import InMemoryWriteBudget

BASE = "https://acme.zendesk.com"
TOKEN = "tok-SECRET-9f8e7d6c"
TICKET = {"id": 7, "updated_at": "2026-01-01T00:00:00Z", "priority": None}


class Sleeps(list[float]):
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(**kwargs: Any) -> tuple[ZendeskClient, Sleeps]:
    sleeps = Sleeps()
    kwargs.setdefault("sleep", sleeps)
    return ZendeskClient(BASE, "agent@acme.example", TOKEN, **kwargs), sleeps


def _refused() -> requests.ConnectionError:
    """What requests raises when nothing listens: the request never left."""
    cause = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.ConnectionError(MaxRetryError(None, "/api", cause))


# ---- 429 and Retry-After ------------------------------------------------------


@responses.activate
def test_429_without_retry_after_defaults_to_a_full_minute_and_never_sleeps() -> None:
    # GIVEN Zendesk answering 429 without Retry-After
    responses.get(f"{BASE}/api/v2/tickets/7.json", status=429, json={"error": "TooManyRequests"})
    client, sleeps = make_client()
    # WHEN a ticket is read
    with pytest.raises(ZendeskRateLimited) as limited:
        client.get_ticket(7)
    # THEN the caller is told to wait a minute, and nothing was retried or slept
    assert limited.value.retry_after_seconds == DEFAULT_RETRY_AFTER_SECONDS == 60
    assert isinstance(limited.value, ZendeskRetryLater)
    assert len(responses.calls) == 1
    assert sleeps == []


@responses.activate
def test_429_retry_after_seconds_are_used() -> None:
    # GIVEN a 429 that says to wait 17 seconds
    responses.put(f"{BASE}/api/v2/tickets/7.json", status=429, headers={"Retry-After": "17"}, json={})
    client, _ = make_client()
    # WHEN the ticket is updated
    with pytest.raises(ZendeskRateLimited) as limited:
        client.update_ticket(7, {"priority": "high"})
    # THEN the wait is 17 s
    assert limited.value.retry_after_seconds == 17


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", 60),
        ("0", 1),
        ("2.2", 3),
        ("soon", 60),
        ("nan", 60),
        ("Thu, 01 Jan 2026 00:00:30 GMT", 30),
    ],
)
def test_parse_retry_after(header: str, expected: int) -> None:
    # GIVEN a Retry-After value WHEN parsed at 2026-01-01T00:00:00Z THEN whole seconds, at least 1
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after({"Retry-After": header}, now=now) == expected


# ---- retries ---------------------------------------------------------------


@responses.activate
def test_connection_errors_on_reads_are_retried_then_reported_unavailable() -> None:
    # GIVEN a connection that always fails
    responses.get(f"{BASE}/api/v2/tickets/7.json", body=requests.ConnectionError("reset by peer"))
    client, sleeps = make_client(max_retries=3)
    # WHEN a ticket is read
    with pytest.raises(ZendeskUnavailable) as unavailable:
        client.get_ticket(7)
    # THEN it tried 1 + 3 times with exponential backoff, then gave up
    assert unavailable.value.attempts == 4
    assert len(responses.calls) == 4
    assert sleeps == [0.5, 1.0, 2.0]


@responses.activate
def test_timeouts_on_reads_are_retried_and_can_recover() -> None:
    # GIVEN one read timeout, then an answer
    url = f"{BASE}/api/v2/tickets/7.json"
    responses.get(url, body=requests.ReadTimeout("slow"))
    responses.get(url, json={"ticket": TICKET})
    client, sleeps = make_client()
    # WHEN a ticket is read THEN the second attempt answers
    assert client.get_ticket(7) == TICKET
    assert sleeps == [0.5]


@responses.activate
def test_a_create_that_may_have_reached_zendesk_is_not_repeated() -> None:
    # GIVEN a create whose connection broke after sending (Zendesk may have created the ticket)
    responses.post(f"{BASE}/api/v2/tickets.json", body=requests.ConnectionError("Connection aborted."))
    client, sleeps = make_client()
    # WHEN a ticket is created
    with pytest.raises(ZendeskUnavailable) as unavailable:
        client.create_ticket({"subject": "s", "comment": {"body": "b"}})
    # THEN it is not repeated (no duplicate ticket): the caller finds it by external_id or requeues
    assert unavailable.value.attempts == 1
    assert len(responses.calls) == 1
    assert sleeps == []


@responses.activate
def test_a_create_that_never_connected_is_retried() -> None:
    # GIVEN a refused connection, then success
    url = f"{BASE}/api/v2/tickets.json"
    responses.post(url, body=_refused())
    responses.post(url, status=201, json={"ticket": TICKET})
    client, sleeps = make_client()
    # WHEN a ticket is created THEN the retry creates it
    assert client.create_ticket({"subject": "s", "comment": {"body": "b"}}) == TICKET
    assert sleeps == [0.5]


@responses.activate
@pytest.mark.parametrize(("status", "calls"), [(500, 1), (503, 2)])
def test_server_errors_on_creates_retry_only_when_unprocessed(status: int, calls: int) -> None:
    # GIVEN a create that fails once with `status`, then succeeds
    url = f"{BASE}/api/v2/tickets.json"
    responses.post(url, status=status, json={"error": "ServerError"})
    responses.post(url, status=201, json={"ticket": TICKET})
    client, _ = make_client()
    # WHEN a ticket is created
    try:
        client.create_ticket({"subject": "s", "comment": {"body": "b"}})
    except ZendeskUnavailable as exc:
        assert exc.status == 500
    # THEN a 500 (maybe applied) is not repeated, a 503 (not processed) is
    assert len(responses.calls) == calls


@responses.activate
@pytest.mark.parametrize(("stamp", "calls"), [(None, 1), ("2026-01-01T00:00:00Z", 2)])
def test_updates_are_retried_on_500_only_with_safe_update(stamp: str | None, calls: int) -> None:
    # GIVEN an update endpoint that fails with 500 once, then succeeds
    url = f"{BASE}/api/v2/tickets/7.json"
    responses.put(url, status=500, json={})
    responses.put(url, json={"ticket": TICKET})
    client, _ = make_client()
    # WHEN an internal note is written, with or without a stamp
    try:
        client.update_ticket(7, {"comment": {"body": "note", "public": False}}, updated_stamp=stamp)
    except ZendeskUnavailable:
        assert stamp is None
    # THEN without a stamp it is not repeated (the note could land twice); with one it is
    # (a repeat of an applied safe update gets 409 instead of a second note)
    assert len(responses.calls) == calls


@responses.activate
def test_max_retries_zero_means_one_attempt() -> None:
    responses.get(f"{BASE}/api/v2/users/me.json", status=502, json={})
    client, sleeps = make_client(max_retries=0)
    # WHEN the call fails once THEN it is reported at once
    with pytest.raises(ZendeskUnavailable) as unavailable:
        client.me()
    assert (unavailable.value.attempts, unavailable.value.status, sleeps) == (1, 502, [])


# ---- requests and responses -----------------------------------------------------


@responses.activate
def test_update_with_stamp_sends_safe_update_in_the_ticket_envelope() -> None:
    # GIVEN Zendesk expecting exactly the safe-update body
    expected = {"ticket": {"priority": "high", "safe_update": True, "updated_stamp": "2026-01-01T00:00:00Z"}}
    responses.put(
        f"{BASE}/api/v2/tickets/7.json",
        match=[matchers.json_params_matcher(expected)],
        json={"ticket": {**TICKET, "priority": "high"}},
    )
    client, _ = make_client()
    # WHEN updated with a stamp THEN the body matched and the inner ticket comes back
    assert (
        client.update_ticket(7, {"priority": "high"}, updated_stamp="2026-01-01T00:00:00Z")["priority"]
        == "high"
    )
    # AND the credentials went as API-token basic auth
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@responses.activate
@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (401, {"error": "Couldn't authenticate you"}, ZendeskAuthError),
        (403, {"error": "Forbidden", "description": "You do not have access"}, ZendeskAuthError),
        (409, {"error": "UpdateConflict", "description": "stale"}, ZendeskConflict),
        (400, {"errors": [{"code": "InvalidValue", "title": "endpoint is required"}]}, ZendeskError),
    ],
)
def test_status_codes_map_to_typed_errors(status: int, body: dict[str, Any], error_type: type) -> None:
    responses.get(f"{BASE}/api/v2/users/me.json", status=status, json=body)
    client, _ = make_client()
    # WHEN the call fails THEN the error has the right type and code
    with pytest.raises(error_type) as failed:
        client.me()
    assert failed.value.status == status
    assert failed.value.error_code is not None


@responses.activate
def test_validation_error_carries_details() -> None:
    details = {"priority": [{"description": "Priority: critical is not valid", "error": "InvalidValue"}]}
    responses.put(
        f"{BASE}/api/v2/tickets/7.json",
        status=422,
        json={"error": "RecordInvalid", "description": "Record validation errors", "details": details},
    )
    client, _ = make_client()
    with pytest.raises(ZendeskValidationError) as invalid:
        client.update_ticket(7, {"priority": "critical"})
    assert invalid.value.details == details


@responses.activate
def test_lists_follow_next_page_links() -> None:
    # GIVEN audits spread over two pages
    first = f"{BASE}/api/v2/tickets/7/audits.json"
    responses.get(
        first,
        match=[matchers.query_string_matcher("")],
        json={"audits": [{"id": 1}], "next_page": f"{first}?page=2"},
    )
    responses.get(
        first,
        match=[matchers.query_string_matcher("page=2")],
        json={"audits": [{"id": 2}], "next_page": None},
    )
    client, _ = make_client()
    # WHEN listed THEN both pages are returned
    assert [a["id"] for a in client.list_audits(7)] == [1, 2]


@responses.activate
def test_cursor_pagination_is_followed() -> None:
    url = f"{BASE}/api/v2/webhooks"
    responses.get(
        url,
        match=[matchers.query_string_matcher("")],
        json={
            "webhooks": [{"id": "a"}],
            "meta": {"has_more": True},
            "links": {"next": f"{url}?page[after]=x"},
        },
    )
    responses.get(
        url,
        match=[matchers.query_string_matcher("page[after]=x")],
        json={"webhooks": [{"id": "b"}], "meta": {"has_more": False}, "links": {"next": None}},
    )
    client, _ = make_client()
    assert [w["id"] for w in client.list_webhooks()] == ["a", "b"]


@responses.activate
def test_pagination_never_sends_credentials_to_another_host() -> None:
    # GIVEN a next_page link to a different host
    responses.get(
        f"{BASE}/api/v2/groups.json", json={"groups": [], "next_page": "https://evil.example/steal"}
    )
    client, _ = make_client()
    # WHEN listed THEN it stops with an error instead of following
    with pytest.raises(ZendeskError, match="outside"):
        client.list_groups()
    assert len(responses.calls) == 1


@responses.activate
def test_signing_secret_is_returned_as_text() -> None:
    responses.get(
        f"{BASE}/api/v2/webhooks/01ABC/signing_secret",
        json={"signing_secret": {"algorithm": "SHA256", "secret": "s3cr3t"}},
    )
    client, _ = make_client()
    assert client.get_webhook_signing_secret("01ABC") == "s3cr3t"


# ---- budget and secrecy --------------------------------------------------------------


@responses.activate
def test_spent_budget_blocks_writes_before_any_request() -> None:
    # GIVEN a budget with no writes left
    budget = InMemoryWriteBudget(limit=1, clock=lambda: 100.0)
    budget.acquire()
    client, _ = make_client(write_budget=budget)
    # WHEN a write is attempted THEN it fails without touching the network
    with pytest.raises(WriteBudgetExhausted):
        client.create_ticket({"subject": "s", "comment": {"body": "b"}})
    with pytest.raises(WriteBudgetExhausted):
        client.update_ticket(7, {"priority": "low"})
    assert len(responses.calls) == 0


@responses.activate
def test_token_never_appears_in_reprs_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN calls that fail in every way the client reports
    caplog.set_level(logging.DEBUG)
    responses.get(f"{BASE}/api/v2/users/me.json", status=401, json={"error": "Couldn't authenticate you"})
    responses.get(f"{BASE}/api/v2/tickets/1.json", body=requests.ConnectionError(f"boom {BASE}"))
    responses.get(f"{BASE}/api/v2/tickets/2.json", status=429, json={})
    client, _ = make_client(max_retries=1)
    texts = [repr(client)]
    for call in (client.me, lambda: client.get_ticket(1), lambda: client.get_ticket(2)):
        with pytest.raises(ZendeskError) as failed:
            call()
        texts += [
            str(failed.value),
            repr(failed.value),
            repr(failed.value.__cause__),
            repr(vars(failed.value)),
        ]
    texts.append(caplog.text)
    # THEN the token is nowhere (and neither is its base64 form)
    import base64

    encoded = base64.b64encode(f"agent@acme.example/token:{TOKEN}".encode()).decode()
    for text in texts:
        assert TOKEN not in text
        assert encoded not in text


def test_client_from_credentials_keeps_the_token_hidden() -> None:
    # GIVEN credentials from a secret
    creds = ZendeskCredentials(subdomain="acme", email="agent@acme.example", api_token=TOKEN)
    # WHEN a client is built from them
    client = ZendeskClient.from_credentials(creds)
    # THEN it points at the account and neither repr shows the token
    assert client.base_url == BASE
    assert TOKEN not in repr(client) + repr(creds) + str(creds) + json.dumps(creds.model_dump(mode="json"))
