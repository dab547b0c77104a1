"""The Zendesk client against a started sandbox: the API behaviours the plugin relies on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.errors import (
    WriteBudgetExhausted,
    ZendeskAuthError,
    ZendeskConflict,
    ZendeskError,
    ZendeskNotFound,
    ZendeskRateLimited,
    ZendeskValidationError,
)
from integrations.zendesk.write_budget import InMemoryWriteBudget
from local.zendesk.sandbox import ZendeskSandbox
from local.zendesk.sandbox_settings import SandboxSettings

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class FakeClock:
    """A wall clock that only moves when the test says so."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class SleepRecorder:
    """Stands in for time.sleep so retry tests do not wait."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback calls must not go through a proxy from the environment
    return session


def _client(zd: ZendeskSandbox, **kwargs: Any) -> ZendeskClient:
    kwargs.setdefault("session", _session())
    kwargs.setdefault("sleep", SleepRecorder())
    return ZendeskClient(zd.url, zd.email, zd.api_token, **kwargs)


@pytest.fixture
def sandbox() -> Iterator[ZendeskSandbox]:
    with ZendeskSandbox() as zd:
        yield zd


@pytest.fixture
def client(sandbox: ZendeskSandbox) -> ZendeskClient:
    return _client(sandbox)


def _new_ticket(client: ZendeskClient, **extra: Any) -> dict[str, Any]:
    return client.create_ticket(
        {
            "subject": "Parcel never arrived",
            "comment": {"body": "Order 12345 was never delivered."},
            "requester": {"name": "Li Wei", "email": "li.wei@example.com"},
            "tags": ["complaint"],
            **extra,
        }
    )


# ---- tickets, audits, comments ----------------------------------------------


def test_create_show_update_keeps_one_audit_per_write_by_the_caller(client: ZendeskClient) -> None:
    # GIVEN a text field for the due time, a drop-down for the level, a group and a new ticket
    due_field = client.create_ticket_field({"type": "text", "title": "Resolution due"})
    level_field = client.create_ticket_field(
        {
            "type": "tagger",
            "title": "Complaint level",
            "custom_field_options": [
                {"name": "Level 1", "value": "complaint_level_1"},
                {"name": "Level 3", "value": "complaint_level_3"},
            ],
        }
    )
    group = client.create_group({"name": "Complaints L1"})
    me = client.me()
    created = _new_ticket(client, tags=["complaint", "social"], external_id="weibo:42")

    # WHEN the plugin enriches it in one write
    updated = client.update_ticket(
        created["id"],
        {
            "priority": "urgent",
            "group_id": group["id"],
            "additional_tags": ["complaint_level_1"],
            "remove_tags": ["social"],
            "custom_fields": [
                {"id": due_field["id"], "value": "2026-01-01T02:00:00Z"},
                {"id": level_field["id"], "value": "complaint_level_1"},
            ],
            "comment": {"body": "Level 1: call the customer within 2 hours.", "public": False},
            "metadata": {"decision_id": "d-1"},
        },
        updated_stamp=created["updated_at"],
    )

    # THEN the ticket shows every change, read back through the API too
    shown = client.get_ticket(created["id"])
    assert shown == updated
    assert shown["priority"] == "urgent"
    assert shown["group_id"] == group["id"]
    assert shown["tags"] == ["complaint", "complaint_level_1"]
    values = {f["id"]: f["value"] for f in shown["custom_fields"]}
    assert values == {due_field["id"]: "2026-01-01T02:00:00Z", level_field["id"]: "complaint_level_1"}
    assert shown["description"] == "Order 12345 was never delivered."
    assert shown["updated_at"] > created["updated_at"]
    # AND the internal note is a private comment
    comments = client.list_comments(created["id"])
    assert [(c["body"], c["public"]) for c in comments] == [
        ("Order 12345 was never delivered.", True),
        ("Level 1: call the customer within 2 hours.", False),
    ]
    # AND there is exactly one audit per write, authored by the caller, carrying our metadata
    audits = client.list_audits(created["id"])
    assert len(audits) == 2
    assert {a["author_id"] for a in audits} == {me["id"]}
    assert audits[1]["metadata"]["custom"] == {"decision_id": "d-1"}
    create_events = {e["field_name"] for e in audits[0]["events"] if e["type"] == "Create"}
    assert {"subject", "status", "tags", "requester_id"} <= create_events
    changes = {
        e["field_name"]: (e["previous_value"], e["value"])
        for e in audits[1]["events"]
        if e["type"] == "Change"
    }
    assert changes["priority"] == (None, "urgent")
    assert changes["tags"] == (["complaint", "social"], ["complaint", "complaint_level_1"])
    assert changes[str(due_field["id"])] == (None, "2026-01-01T02:00:00Z")
    notes = [e for e in audits[1]["events"] if e["type"] == "Comment"]
    assert [(n["public"], n["author_id"]) for n in notes] == [(False, me["id"])]
    # AND the ticket can be found by its external id
    assert [t["id"] for t in client.find_tickets_by_external_id("weibo:42")] == [created["id"]]
    assert client.find_tickets_by_external_id("weibo:43") == []


def test_plain_tags_overwrite_while_additional_tags_add(client: ZendeskClient) -> None:
    # GIVEN a ticket with an agent's tag
    ticket = _new_ticket(client, tags=["agent_tag"])
    # WHEN tags are added, then overwritten
    added = client.update_ticket(ticket["id"], {"additional_tags": ["Mine Too"]})
    replaced = client.update_ticket(ticket["id"], {"tags": ["only_this"]})
    # THEN additional_tags kept the agent's tag (and split/lower-cased ours) while tags replaced all
    assert added["tags"] == ["agent_tag", "mine", "too"]
    assert replaced["tags"] == ["only_this"]


def test_safe_update_refuses_a_stale_stamp_and_accepts_a_fresh_one() -> None:
    # GIVEN a frozen clock, so two writes land in the same second
    with ZendeskSandbox(settings=SandboxSettings(clock=FakeClock())) as zd:
        client = _client(zd)
        ticket = _new_ticket(client)
        stale = ticket["updated_at"]
        agent_write = client.update_ticket(ticket["id"], {"status": "open"})
        # THEN updated_at still moved forward
        assert agent_write["updated_at"] > stale

        # WHEN the plugin writes with the stamp it read before the agent's write
        with pytest.raises(ZendeskConflict) as conflict:
            client.update_ticket(ticket["id"], {"priority": "high"}, updated_stamp=stale)
        # THEN Zendesk's 409 comes back and nothing changed
        assert conflict.value.status == 409
        assert conflict.value.error_code == "UpdateConflict"
        assert client.get_ticket(ticket["id"])["priority"] is None
        assert len(client.list_audits(ticket["id"])) == 2

        # WHEN it re-reads and retries with the fresh stamp
        fresh = client.get_ticket(ticket["id"])["updated_at"]
        done = client.update_ticket(ticket["id"], {"priority": "high"}, updated_stamp=fresh)
        # THEN the write lands
        assert done["priority"] == "high"
        assert len(client.list_audits(ticket["id"])) == 3


def test_invalid_priority_is_422_with_details_and_writes_nothing(client: ZendeskClient) -> None:
    # GIVEN a ticket
    ticket = _new_ticket(client)
    # WHEN an update carries a priority Zendesk does not know, alongside a valid change
    with pytest.raises(ZendeskValidationError) as invalid:
        client.update_ticket(ticket["id"], {"priority": "critical", "additional_tags": ["x"]})
    # THEN the error names the field and the ticket is untouched
    assert invalid.value.status == 422
    assert invalid.value.error_code == "RecordInvalid"
    assert "priority" in invalid.value.details
    assert client.get_ticket(ticket["id"]) == ticket
    assert len(client.list_audits(ticket["id"])) == 1


def test_ticket_without_a_comment_is_refused(client: ZendeskClient) -> None:
    # WHEN a ticket is created without a first comment
    with pytest.raises(ZendeskValidationError) as invalid:
        client.create_ticket({"subject": "No body"})
    # THEN the description is reported blank
    assert "description" in invalid.value.details


def test_closed_ticket_cannot_be_updated(client: ZendeskClient) -> None:
    # GIVEN a closed ticket
    ticket = _new_ticket(client)
    client.update_ticket(ticket["id"], {"status": "closed"})
    # WHEN anything is written to it
    with pytest.raises(ZendeskValidationError) as invalid:
        client.update_ticket(ticket["id"], {"additional_tags": ["late"]})
    # THEN Zendesk refuses
    assert "status" in invalid.value.details


def test_unknown_dropdown_value_is_dropped_silently_like_zendesk(
    sandbox: ZendeskSandbox, client: ZendeskClient
) -> None:
    # GIVEN a drop-down field and a ticket
    level = client.create_ticket_field(
        {"type": "tagger", "title": "Level", "custom_field_options": [{"name": "L1", "value": "level_1"}]}
    )
    ticket = _new_ticket(client)
    # WHEN a value outside its options is written
    updated = client.update_ticket(ticket["id"], {"custom_fields": [{"id": level["id"], "value": "level_9"}]})
    # THEN the write succeeds but the field stays empty, and the sandbox says what it dropped
    assert {f["id"]: f["value"] for f in updated["custom_fields"]}[level["id"]] is None
    assert [(i.ticket_id, i.field_id, i.value) for i in sandbox.ignored_field_values] == [
        (ticket["id"], level["id"], "level_9")
    ]


def test_missing_ticket_is_not_found(client: ZendeskClient) -> None:
    # WHEN a ticket that does not exist is read
    with pytest.raises(ZendeskNotFound) as missing:
        client.get_ticket(999_999)
    # THEN Zendesk's RecordNotFound comes back
    assert missing.value.status == 404
    assert missing.value.error_code == "RecordNotFound"


def test_concurrent_writes_are_serialised(sandbox: ZendeskSandbox) -> None:
    # GIVEN one ticket and eight threads, each with its own connection
    ticket = _new_ticket(_client(sandbox))

    def tag(n: int) -> None:
        _client(sandbox).update_ticket(ticket["id"], {"additional_tags": [f"t{n}"]})

    # WHEN they all add a tag at once
    threads = [threading.Thread(target=tag, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # THEN no write was lost, each made one audit, and every audit has its own, later stamp
    client = _client(sandbox)
    assert client.get_ticket(ticket["id"])["tags"] == ["complaint", *sorted(f"t{n}" for n in range(8))]
    stamps = [a["created_at"] for a in client.list_audits(ticket["id"])]
    assert len(stamps) == 9
    assert stamps == sorted(set(stamps))


# ---- auth, errors, limits -----------------------------------------------------


def test_wrong_token_is_an_auth_error_that_does_not_echo_the_token(sandbox: ZendeskSandbox) -> None:
    # GIVEN a client with a wrong token
    client = ZendeskClient(sandbox.url, sandbox.email, "wrong-token-123", session=_session())
    # WHEN it calls the API
    with pytest.raises(ZendeskAuthError) as denied:
        client.me()
    # THEN it gets Zendesk's 401, and neither the message nor the repr shows the token
    assert denied.value.status == 401
    assert "Couldn't authenticate you" in str(denied.value)
    assert "wrong-token-123" not in str(denied.value) + repr(denied.value) + repr(client)


def test_password_style_basic_auth_is_refused(sandbox: ZendeskSandbox) -> None:
    # WHEN the right token is sent as a password (without the /token suffix)
    response = _session().get(f"{sandbox.url}/api/v2/users/me.json", auth=(sandbox.email, sandbox.api_token))
    # THEN only API-token auth is accepted
    assert response.status_code == 401
    assert response.json() == {"error": "Couldn't authenticate you"}


def test_account_rate_limit_gives_429_with_exact_retry_after() -> None:
    # GIVEN an account allowed 2 requests a minute, and a clock the test controls
    clock = FakeClock()
    with ZendeskSandbox(settings=SandboxSettings(requests_per_minute=2, clock=clock)) as zd:
        sleep = SleepRecorder()
        client = _client(zd, sleep=sleep)
        client.me()
        clock.advance(15)
        client.me()
        clock.advance(5)
        # WHEN a third request comes 20 s after the first
        with pytest.raises(ZendeskRateLimited) as limited:
            client.me()
        # THEN the wait is what is left of the first request's minute, and the client did not sleep
        assert limited.value.retry_after_seconds == 40
        assert limited.value.status == 429
        assert sleep.calls == []
        # AND once that minute has passed, requests go through again
        clock.advance(40)
        assert client.me()["email"] == zd.email


def test_rate_limit_headers_count_down() -> None:
    # GIVEN an account allowed 3 requests a minute
    with ZendeskSandbox(settings=SandboxSettings(requests_per_minute=3, clock=FakeClock())) as zd:
        session = _session()
        auth = (f"{zd.email}/token", zd.api_token)
        # WHEN two requests are made
        first = session.get(f"{zd.url}/api/v2/users/me.json", auth=auth)
        second = session.get(f"{zd.url}/api/v2/users/me.json", auth=auth)
        # THEN the headers show the limit and what is left
        assert (first.headers["X-Rate-Limit"], first.headers["X-Rate-Limit-Remaining"]) == ("3", "2")
        assert second.headers["X-Rate-Limit-Remaining"] == "1"


def test_update_ticket_limit_is_separate_from_the_account_limit() -> None:
    # GIVEN Update Ticket allowed once a minute
    clock = FakeClock()
    with ZendeskSandbox(settings=SandboxSettings(update_ticket_per_minute=1, clock=clock)) as zd:
        client = _client(zd)
        ticket = _new_ticket(client)
        client.update_ticket(ticket["id"], {"priority": "low"})
        clock.advance(10)
        # WHEN a second update follows 10 s later
        with pytest.raises(ZendeskRateLimited) as limited:
            client.update_ticket(ticket["id"], {"priority": "high"})
        # THEN it waits out the update window, while reads still work
        assert limited.value.retry_after_seconds == 50
        assert client.get_ticket(ticket["id"])["priority"] == "low"


def test_server_errors_are_retried_with_backoff_then_succeed(sandbox: ZendeskSandbox) -> None:
    # GIVEN a ticket, and Zendesk failing the next two requests with 503
    sleep = SleepRecorder()
    client = _client(sandbox, sleep=sleep)
    ticket = _new_ticket(client)
    sandbox.fail_next(503, count=2)
    # WHEN the plugin makes a safe update
    updated = client.update_ticket(ticket["id"], {"priority": "high"}, updated_stamp=ticket["updated_at"])
    # THEN it retried twice, backing off exponentially, and the write landed once
    assert updated["priority"] == "high"
    assert sleep.calls == [0.5, 1.0]
    statuses = [r.status for r in sandbox.requests() if r.method == "PUT"]
    assert statuses == [503, 503, 200]
    assert len(client.list_audits(ticket["id"])) == 2


def test_exhausted_write_budget_sends_nothing(sandbox: ZendeskSandbox) -> None:
    # GIVEN a write budget of one write per minute
    budget = InMemoryWriteBudget(limit=1, window_seconds=60, clock=FakeClock())
    client = _client(sandbox, write_budget=budget)
    ticket = _new_ticket(client)  # spends the one write
    before = len(sandbox.requests())
    # WHEN another write is attempted
    with pytest.raises(WriteBudgetExhausted) as exhausted:
        client.update_ticket(ticket["id"], {"priority": "high"})
    # THEN it fails before any request, telling the caller how long to requeue for
    assert exhausted.value.retry_after_seconds == 60
    assert len(sandbox.requests()) == before
    # AND reads are not budgeted
    assert client.get_ticket(ticket["id"])["priority"] is None


def test_malformed_json_is_400_and_unknown_routes_are_404(sandbox: ZendeskSandbox) -> None:
    session = _session()
    auth = (f"{sandbox.email}/token", sandbox.api_token)
    # WHEN a body is not JSON
    bad = session.post(
        f"{sandbox.url}/api/v2/tickets.json",
        data=b"{not json",
        auth=auth,
        headers={"Content-Type": "application/json"},
    )
    # THEN 400 with a JSON error
    assert bad.status_code == 400
    assert "error" in bad.json()
    # WHEN a route does not exist
    unknown = session.get(f"{sandbox.url}/api/v2/nothing_here.json", auth=auth)
    # THEN 404 with a JSON error
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "InvalidEndpoint"


# ---- users, groups, fields, schedules ------------------------------------------


def test_create_or_update_user_upserts_by_email(client: ZendeskClient) -> None:
    # WHEN the same e-mail is upserted twice with different names
    first = client.create_or_update_user({"name": "Wang Fang", "email": "wang@example.com"})
    second = client.create_or_update_user({"name": "Wang Fang (VIP)", "email": "WANG@example.com"})
    # THEN it is one user, renamed
    assert second["id"] == first["id"]
    assert second["name"] == "Wang Fang (VIP)"


def test_ticket_field_update_and_listing(client: ZendeskClient) -> None:
    # GIVEN a drop-down field
    created = client.create_ticket_field(
        {"type": "tagger", "title": "Emotion", "custom_field_options": [{"name": "Calm", "value": "calm"}]}
    )
    # WHEN an option is added
    updated = client.update_ticket_field(
        created["id"],
        {"custom_field_options": [{"name": "Calm", "value": "calm"}, {"name": "Angry", "value": "angry"}]},
    )
    # THEN the kept option keeps its id and the list shows the field next to the system fields
    assert [o["value"] for o in updated["custom_field_options"]] == ["calm", "angry"]
    assert updated["custom_field_options"][0]["id"] == created["custom_field_options"][0]["id"]
    listed = {f["title"]: f["type"] for f in client.list_ticket_fields()}
    assert listed["Emotion"] == "tagger"
    assert listed["Priority"] == "priority"
    # AND an invalid type is refused
    with pytest.raises(ZendeskValidationError):
        client.create_ticket_field({"type": "hologram", "title": "Nope"})


def test_groups_and_business_hours(client: ZendeskClient) -> None:
    # WHEN a group and a schedule are created
    group = client.create_group({"name": "PR desk"})
    schedule = client.create_schedule({"name": "Beijing office", "time_zone": "Beijing"})
    # THEN they are listed, and the schedule defaults to Monday-Friday 09:00-17:00
    assert [g["id"] for g in client.list_groups()] == [group["id"]]
    assert [s["id"] for s in client.list_schedules()] == [schedule["id"]]
    assert schedule["intervals"][0] == {"start_time": 1980, "end_time": 2460}
    assert len(schedule["intervals"]) == 5


# ---- SLA policies ---------------------------------------------------------------

_SLA_FILTER = {
    "all": [{"field": "current_tags", "operator": "includes", "value": "complaint_level_1"}],
    "any": [],
}


def _sla_policy(title: str = "Complaint level 1", **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "filter": _SLA_FILTER,
        "policy_metrics": [
            {"priority": "urgent", "metric": "first_reply_time", "target": 60, "business_hours": False}
        ],
        **extra,
    }


def test_sla_policies_keep_api_shape_positions_and_timestamps() -> None:
    clock = FakeClock()
    with ZendeskSandbox(settings=SandboxSettings(clock=clock)) as zd:
        client = _client(zd)
        # WHEN two policies are created, the second asking for the top position
        first = client.create_sla_policy(_sla_policy("First"))
        clock.advance(60)
        second = client.create_sla_policy(_sla_policy("Second", position=1))
        # THEN the second comes first and the first moved down, keeping its id
        assert [(p["title"], p["position"]) for p in client.list_sla_policies()] == [
            ("Second", 1),
            ("First", 2),
        ]
        assert first["id"] != second["id"]
        # AND a policy reads back in the documented shape, target also in seconds
        shown = client.list_sla_policies()[1]
        assert shown["url"] == f"{zd.url}/api/v2/slas/policies/{first['id']}.json"
        assert shown["filter"] == _SLA_FILTER
        assert shown["policy_metrics"] == [
            {
                "priority": "urgent",
                "metric": "first_reply_time",
                "target": 60,
                "target_in_seconds": 3600,
                "business_hours": False,
            }
        ]
        assert shown["created_at"] == shown["updated_at"] == "2026-01-01T00:00:00Z"
        # WHEN the first is updated a minute later THEN only what was sent changes, and updated_at
        clock.advance(60)
        updated = client.update_sla_policy(first["id"], {"title": "First, renamed"})
        assert updated["title"] == "First, renamed" and updated["filter"] == _SLA_FILTER
        assert (updated["created_at"], updated["updated_at"]) == (
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:02:00Z",
        )
        # WHEN the top one is deleted THEN it is gone, the other moves up, and a second delete is 404
        client.delete_sla_policy(second["id"])
        assert [(p["title"], p["position"]) for p in client.list_sla_policies()] == [("First, renamed", 1)]
        with pytest.raises(ZendeskNotFound):
            client.delete_sla_policy(second["id"])


@pytest.mark.parametrize(
    ("policy", "field", "error"),
    [
        (_sla_policy(title=" "), "title", "BlankValue"),
        ({"title": "No filter"}, "filter", "BlankValue"),
        (_sla_policy(filter={"all": [{"field": "current_tags"}]}), "filter", "InvalidValue"),
        (
            _sla_policy(policy_metrics=[{"priority": "urgent", "metric": "first_reply", "target": 60}]),
            "policy_metrics",
            "InvalidValue",
        ),
        (
            _sla_policy(policy_metrics=[{"priority": "asap", "metric": "first_reply_time", "target": 60}]),
            "policy_metrics",
            "InvalidValue",
        ),
        (
            _sla_policy(policy_metrics=[{"priority": "low", "metric": "first_reply_time", "target": 0}]),
            "policy_metrics",
            "InvalidValue",
        ),
        (
            _sla_policy(policy_metrics=[{"priority": "low", "metric": "first_reply_time", "target": "60"}]),
            "policy_metrics",
            "InvalidValue",
        ),
        (
            _sla_policy(policy_metrics=[{"priority": "low", "metric": "first_reply_time", "target": 1.5}]),
            "policy_metrics",
            "InvalidValue",
        ),
        (
            _sla_policy(policy_metrics=[{"priority": "low", "metric": "first_reply_time", "target": 60}] * 2),
            "policy_metrics",
            "DuplicateValue",
        ),
        (_sla_policy(position=0), "position", "InvalidValue"),
    ],
)
def test_invalid_sla_policy_is_422_in_zendesks_shape_and_stores_nothing(
    sandbox: ZendeskSandbox, policy: dict[str, Any], field: str, error: str
) -> None:
    session = _session()
    auth = (f"{sandbox.email}/token", sandbox.api_token)
    # WHEN an invalid policy is posted
    response = session.post(f"{sandbox.url}/api/v2/slas/policies", json={"sla_policy": policy}, auth=auth)
    # THEN 422 RecordInvalid names the field and the kind of error, and nothing was stored
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "RecordInvalid" and isinstance(body["description"], str)
    assert body["details"][field][0]["error"] == error
    assert session.get(f"{sandbox.url}/api/v2/slas/policies", auth=auth).json()["sla_policies"] == []


def test_an_invalid_sla_policy_update_changes_nothing(client: ZendeskClient) -> None:
    created = client.create_sla_policy(_sla_policy())
    with pytest.raises(ZendeskValidationError) as refused:
        client.update_sla_policy(created["id"], {"title": "Renamed", "policy_metrics": [{"metric": "nope"}]})
    assert "policy_metrics" in refused.value.details
    assert client.list_sla_policies()[0]["title"] == "Complaint level 1"


def test_sla_policy_requests_need_the_envelope_and_an_existing_id(sandbox: ZendeskSandbox) -> None:
    session = _session()
    auth = (f"{sandbox.email}/token", sandbox.api_token)
    missing = session.post(f"{sandbox.url}/api/v2/slas/policies", json=_sla_policy(), auth=auth)
    assert missing.status_code == 400 and missing.json()["error"] == "InvalidParameter"
    unknown = session.get(f"{sandbox.url}/api/v2/slas/policies/99999", auth=auth)
    assert unknown.status_code == 404 and unknown.json()["error"] == "RecordNotFound"


@pytest.mark.parametrize(("refusal", "error_type"), [(403, ZendeskAuthError), (404, ZendeskNotFound)])
def test_a_plan_without_sla_policies_refuses_every_sla_request(refusal: int, error_type: type) -> None:
    with ZendeskSandbox(settings=SandboxSettings(sla_policies_refusal=refusal)) as zd:
        client = _client(zd)
        for call in (client.list_sla_policies, lambda: client.create_sla_policy(_sla_policy())):
            with pytest.raises(error_type) as refused:
                call()
            assert refused.value.status == refusal
        # AND the rest of the account works
        assert client.me()["email"] == zd.email


def test_sla_policy_requests_count_against_the_account_rate_limit() -> None:
    with ZendeskSandbox(settings=SandboxSettings(requests_per_minute=1, clock=FakeClock())) as zd:
        client = _client(zd)
        client.create_sla_policy(_sla_policy())
        with pytest.raises(ZendeskRateLimited) as limited:
            client.list_sla_policies()
        assert limited.value.retry_after_seconds == 60


# ---- webhooks -----------------------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A tiny webhook endpoint that answers with the statuses it is given, then 200."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.received: queue.Queue[Received] = queue.Queue()
        self._statuses = list(statuses or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.put(Received(dict(self.headers.items()), body))
                status = receiver._statuses.pop(0) if receiver._statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/zendesk/events"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next(self, timeout: float = 5.0) -> Received:
        return self.received.get(timeout=timeout)


def _expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    ).decode()


def test_event_subscription_webhook_is_delivered_signed(
    sandbox: ZendeskSandbox, client: ZendeskClient
) -> None:
    with Receiver() as receiver:
        # GIVEN a webhook subscribed to ticket creation and comments, and its signing secret
        webhook = client.create_webhook(
            {
                "name": "complaint triage",
                "endpoint": receiver.url,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": ["zen:event-type:ticket.created", "zen:event-type:ticket.comment_added"],
            }
        )
        secret = client.get_webhook_signing_secret(webhook["id"])
        assert [w["id"] for w in client.list_webhooks()] == [webhook["id"]]

        # WHEN a ticket is created
        ticket = _new_ticket(client)

        # THEN a delivery arrives, signed over timestamp + raw body with that secret
        got = receiver.next()
        timestamp = got.headers["X-Zendesk-Webhook-Signature-Timestamp"]
        assert got.headers["X-Zendesk-Webhook-Signature"] == _expected_signature(secret, timestamp, got.body)
        assert timestamp.endswith("Z")
        assert got.headers["X-Zendesk-Webhook-Invocation-Id"]
        # AND it has the event-subscription shape
        event = json.loads(got.body)
        assert event["type"] == "zen:event-type:ticket.created"
        assert event["subject"] == f"zen:ticket:{ticket['id']}"
        assert event["account_id"] == sandbox.account_id
        assert event["detail"]["id"] == str(ticket["id"])
        assert event["detail"]["status"] == "NEW"
        assert event["zendesk_event_version"]
        assert event["id"] and event["time"]

        # WHEN an internal note is added
        client.update_ticket(ticket["id"], {"comment": {"body": "checking", "public": False}})
        # THEN a comment_added event follows with a different event id
        second = json.loads(receiver.next().body)
        assert second["type"] == "zen:event-type:ticket.comment_added"
        assert second["event"]["comment"]["is_public"] is False
        assert second["event"]["comment"]["body"] == "checking"
        assert second["id"] != event["id"]


def test_failed_delivery_is_retried_with_the_same_invocation_id(
    sandbox: ZendeskSandbox, client: ZendeskClient
) -> None:
    with Receiver(statuses=[500, 503]) as receiver:
        # GIVEN a receiver that fails twice, subscribed to priority changes only
        client.create_webhook(
            {
                "name": "priority",
                "endpoint": receiver.url,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": ["zen:event-type:ticket.priority_changed"],
            }
        )
        ticket = _new_ticket(client)
        # WHEN the priority changes
        client.update_ticket(ticket["id"], {"priority": "urgent"})
        # THEN the same invocation is attempted until it succeeds
        attempts = [receiver.next() for _ in range(3)]
        assert len({a.headers["X-Zendesk-Webhook-Invocation-Id"] for a in attempts}) == 1
        body = json.loads(attempts[-1].body)
        assert body["type"] == "zen:event-type:ticket.priority_changed"
        assert (body["event"]["previous"], body["event"]["current"]) == (None, "URGENT")
        assert sandbox.wait_for_deliveries(5.0)
        assert [(d.attempt, d.status) for d in sandbox.deliveries()] == [(1, 500), (2, 503), (3, 200)]


def test_event_subscriptions_require_post_and_json(client: ZendeskClient) -> None:
    # WHEN an event-subscription webhook asks for GET
    with pytest.raises(ZendeskError) as refused:
        client.create_webhook(
            {
                "name": "bad",
                "endpoint": "https://example.invalid/hook",
                "http_method": "GET",
                "request_format": "json",
                "status": "active",
                "subscriptions": ["zen:event-type:ticket.created"],
            }
        )
    # THEN the webhooks API refuses it with 400
    assert refused.value.status == 400


# ---- attachments ------------------------------------------------------------------


def test_an_upload_attaches_to_the_comment_that_names_its_token_once(client: ZendeskClient) -> None:
    # GIVEN a photo and a PDF uploaded (POST /api/v2/uploads), as a customer's mail client would
    photo = client.upload("crack.jpg", b"\xff\xd8\xff\xe0jpeg-bytes", "image/jpeg")
    receipt = client.upload("receipt.pdf", b"%PDF-1.4", "application/pdf")
    # WHEN a ticket is created with a comment naming both tokens
    ticket = client.create_ticket(
        {"subject": "Cracked", "comment": {"body": "See the photo", "uploads": [photo, receipt]}}
    )
    # THEN the comment carries both attachments, with their names, types and sizes
    [comment] = client.list_comments(ticket["id"])
    assert [(a["file_name"], a["content_type"], a["size"]) for a in comment["attachments"]] == [
        ("crack.jpg", "image/jpeg", 14),
        ("receipt.pdf", "application/pdf", 8),
    ]
    # AND a token is used once: naming it again is refused and writes nothing
    with pytest.raises(ZendeskError) as refused:
        client.update_ticket(ticket["id"], {"comment": {"body": "again", "uploads": [photo]}})
    assert refused.value.status == 422
    assert len(client.list_comments(ticket["id"])) == 1


def test_an_upload_without_a_file_name_is_refused_by_name(client: ZendeskClient) -> None:
    with pytest.raises(ZendeskError) as refused:
        client.upload("", b"bytes", "image/png")
    assert refused.value.status == 400 and "filename" in str(refused.value)
