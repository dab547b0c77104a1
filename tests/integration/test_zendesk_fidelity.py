"""The sandbox answers every endpoint the product and its bootstrap use the way Zendesk documents it
(local/zendesk/FIDELITY.md). These tests speak plain HTTP in the documented shapes, never through our
client, so a sandbox that drifts towards our client's dialect fails here."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from integrations.zendesk.client import ZendeskClient
from local.zendesk.sandbox import ZendeskSandbox
from local.zendesk.sandbox_clock import parse_iso
from local.zendesk.sandbox_settings import SandboxSettings

Json = dict[str, Any]
_FORBIDDEN_MESSAGE_START = "You do not have access to this page"


class Api:
    """Plain requests against the sandbox, authenticated as its admin (or another user's e-mail)."""

    def __init__(self, sandbox: ZendeskSandbox, email: str | None = None) -> None:
        self.base = sandbox.url
        self.session = requests.Session()
        self.session.trust_env = False  # loopback calls must not go through a proxy from the environment
        self.session.auth = (f"{email or sandbox.email}/token", sandbox.api_token)
        self.session.headers["Accept"] = "application/json"

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        target = path if path.startswith("http") else self.base + path
        return self.session.request(method, target, timeout=10, **kwargs)


@pytest.fixture
def sandbox() -> Iterator[ZendeskSandbox]:
    with ZendeskSandbox() as zd:
        yield zd


@pytest.fixture
def api(sandbox: ZendeskSandbox) -> Api:
    return Api(sandbox)


def _ticket(api: Api, **extra: Any) -> Json:
    created = api(
        "POST",
        "/api/v2/tickets.json",
        json={
            "ticket": {
                "subject": "Parcel never arrived",
                "comment": {"body": "Order 12345 was never delivered."},
                "requester": {"name": "Li Wei", "email": "li.wei@example.com"},
                **extra,
            }
        },
    )
    assert created.status_code == 201, created.text
    return created.json()["ticket"]


def _app_package() -> bytes:
    """The smallest private app Zendesk's validator accepts (manifest, default locale, its page)."""
    manifest = {
        "name": "Fidelity",
        "author": {"name": "Test", "email": "test@example.com"},
        "defaultLocale": "en",
        "private": True,
        "location": {"support": {"ticket_sidebar": {"url": "assets/iframe.html"}}},
        "frameworkVersion": "2.0",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("translations/en.json", json.dumps({"app": {"name": "Fidelity"}}))
        archive.writestr("assets/iframe.html", "<html></html>")
    return buffer.getvalue()


# ---- every endpoint: method, path, envelope, status ------------------------------------------------


def test_ticket_endpoints_answer_with_the_documented_statuses_and_envelopes(api: Api) -> None:
    # GIVEN a ticket created as Zendesk documents it: 201 with the ticket and the audit of the write
    ticket = _ticket(api, external_id="order-12345")
    # WHEN it is shown  THEN 200 {"ticket"}
    shown = api("GET", f"/api/v2/tickets/{ticket['id']}.json")
    assert shown.status_code == 200 and set(shown.json()) == {"ticket"}
    # WHEN it is updated safely with its own updated_at  THEN 200 with the ticket and its audit
    updated = api(
        "PUT",
        f"/api/v2/tickets/{ticket['id']}.json",
        json={
            "ticket": {
                "additional_tags": ["complaint"],
                "safe_update": True,
                "updated_stamp": ticket["updated_at"],
            }
        },
    )
    assert updated.status_code == 200 and set(updated.json()) == {"ticket", "audit"}
    # WHEN the same stale stamp is sent again  THEN 409 UpdateConflict with a description
    stale = api(
        "PUT",
        f"/api/v2/tickets/{ticket['id']}.json",
        json={"ticket": {"status": "open", "safe_update": True, "updated_stamp": ticket["updated_at"]}},
    )
    assert stale.status_code == 409
    assert stale.json()["error"] == "UpdateConflict" and isinstance(stale.json()["description"], str)
    # WHEN tickets are listed by external id, and the audits and comments of the ticket
    for path, key, expected in (
        ("/api/v2/tickets.json?external_id=order-12345", "tickets", 1),
        (f"/api/v2/tickets/{ticket['id']}/audits.json", "audits", 2),
        (f"/api/v2/tickets/{ticket['id']}/comments.json", "comments", 1),
    ):
        listed = api("GET", path)
        # THEN each is 200 in the offset envelope
        assert listed.status_code == 200
        body = listed.json()
        assert len(body[key]) == expected and body["count"] == expected
        assert body["next_page"] is None and body["previous_page"] is None


def test_an_upload_answers_201_with_a_token_that_expires(api: Api) -> None:
    # WHEN a file is uploaded as the body, named by `filename`
    before = datetime.now(UTC).replace(microsecond=0)
    uploaded = api(
        "POST",
        "/api/v2/uploads.json?filename=receipt.png",
        data=b"\x89PNG...",
        headers={"Content-Type": "image/png"},
    )
    # THEN 201 {"upload": {token, expires_at, attachment(s)}}; expires_at is a time, not null
    assert uploaded.status_code == 201
    upload = uploaded.json()["upload"]
    assert upload["token"] and upload["attachments"][0]["content_type"] == "image/png"
    expires = parse_iso(upload["expires_at"] or "")
    assert expires is not None and expires > before


def test_account_setup_endpoints_answer_with_the_documented_statuses_and_envelopes(api: Api) -> None:
    # WHEN each object the bootstrap sets up is created, changed and listed
    field = api("POST", "/api/v2/ticket_fields.json", json={"ticket_field": {"type": "text", "title": "Due"}})
    assert field.status_code == 201 and set(field.json()) == {"ticket_field"}
    field_id = field.json()["ticket_field"]["id"]
    changed = api("PUT", f"/api/v2/ticket_fields/{field_id}.json", json={"ticket_field": {"title": "Due at"}})
    assert changed.status_code == 200 and changed.json()["ticket_field"]["title"] == "Due at"
    group = api("POST", "/api/v2/groups.json", json={"group": {"name": "PR desk"}})
    assert group.status_code == 201 and set(group.json()) == {"group"}
    macro = api(
        "POST",
        "/api/v2/macros.json",
        json={"macro": {"title": "Plan proposed", "actions": [{"field": "current_tags", "value": "plan"}]}},
    )
    assert macro.status_code == 201 and set(macro.json()) == {"macro"}
    schedule = api(
        "POST",
        "/api/v2/business_hours/schedules.json",
        json={"schedule": {"name": "Beijing", "time_zone": "Beijing"}},
    )
    assert schedule.status_code == 201 and set(schedule.json()) == {"schedule"}
    # THEN the paginated lists answer in the offset envelope, and schedules (not paginated) as a plain list
    for path, key in (
        ("/api/v2/ticket_fields.json", "ticket_fields"),
        ("/api/v2/groups.json", "groups"),
        ("/api/v2/macros.json", "macros"),
    ):
        body = api("GET", path).json()
        assert {key, "next_page", "previous_page", "count"} <= set(body)
    assert api("GET", "/api/v2/business_hours/schedules.json").json()["schedules"][0]["name"] == "Beijing"
    # AND users: me is 200 {"user"}; create_or_update is 201 when it creates and 200 when it updates
    assert set(api("GET", "/api/v2/users/me.json").json()) == {"user"}
    user = {"user": {"name": "Agent Wang", "email": "wang@example.com", "role": "agent"}}
    assert api("POST", "/api/v2/users/create_or_update.json", json=user).status_code == 201
    assert api("POST", "/api/v2/users/create_or_update.json", json=user).status_code == 200


def test_sla_policy_and_webhook_endpoints_answer_with_the_documented_statuses(api: Api) -> None:
    policy = {
        "title": "Level 1",
        "filter": {"all": [{"field": "current_tags", "operator": "includes", "value": "level_1"}], "any": []},
        "policy_metrics": [{"priority": "urgent", "metric": "first_reply_time", "target": 60}],
    }
    # WHEN an SLA policy is created, listed, updated and deleted
    created = api("POST", "/api/v2/slas/policies", json={"sla_policy": policy})
    assert created.status_code == 201 and set(created.json()) == {"sla_policy"}
    policy_id = created.json()["sla_policy"]["id"]
    listed = api("GET", "/api/v2/slas/policies").json()
    assert [p["id"] for p in listed["sla_policies"]] == [policy_id] and listed["next_page"] is None
    put = api("PUT", f"/api/v2/slas/policies/{policy_id}", json={"sla_policy": {"title": "Level one"}})
    assert put.status_code == 200 and put.json()["sla_policy"]["title"] == "Level one"
    # THEN delete is 204 with no body
    deleted = api("DELETE", f"/api/v2/slas/policies/{policy_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    # WHEN a webhook is created, patched with a JSON merge patch, listed and its secret read
    hook = {
        "name": "Triage",
        "endpoint": "https://example.com/zendesk/events",
        "http_method": "POST",
        "request_format": "json",
        "status": "active",
        "subscriptions": ["zen:event-type:ticket.created"],
    }
    made = api("POST", "/api/v2/webhooks", json={"webhook": hook})
    assert made.status_code == 201 and set(made.json()) == {"webhook"}
    hook_id = made.json()["webhook"]["id"]
    patched = api(
        "PATCH",
        f"/api/v2/webhooks/{hook_id}",
        data=json.dumps({"webhook": {"name": "Triage (renamed)"}}),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    # THEN the patch is 204 with no body, the list is cursor-paginated, the secret is SHA256
    assert patched.status_code == 204 and patched.content == b""
    webhooks = api("GET", "/api/v2/webhooks").json()
    assert webhooks["webhooks"][0]["name"] == "Triage (renamed)"
    assert webhooks["meta"]["has_more"] is False and "next" in webhooks["links"]
    secret = api("GET", f"/api/v2/webhooks/{hook_id}/signing_secret").json()["signing_secret"]
    assert secret["algorithm"] == "SHA256" and secret["secret"]


def test_the_requester_rates_a_solved_ticket(sandbox: ZendeskSandbox, api: Api) -> None:
    # GIVEN a solved ticket of Li Wei's
    ticket = _ticket(api)
    api("PUT", f"/api/v2/tickets/{ticket['id']}.json", json={"ticket": {"status": "solved"}})
    rating = {"satisfaction_rating": {"score": "good", "comment": "Thanks"}}
    # WHEN Li Wei rates it  THEN 200 {"satisfaction_rating"}
    rated = Api(sandbox, "li.wei@example.com")(
        "POST", f"/api/v2/tickets/{ticket['id']}/satisfaction_rating", json=rating
    )
    assert rated.status_code == 200 and rated.json()["satisfaction_rating"]["score"] == "good"


def test_app_endpoints_build_and_install_an_app(api: Api) -> None:
    package = _app_package()
    # WHEN zcli's validation is asked  THEN 200
    files = {"file": ("app.zip", package, "application/zip")}
    assert api("POST", "/api/v2/apps/validate", files=files).status_code == 200
    # WHEN the package is uploaded and an app created from it
    upload = api("POST", "/api/v2/apps/uploads.json", files={"uploaded_data": ("app.zip", package)})
    assert upload.ok and isinstance(upload.json()["id"], int)
    created = api("POST", "/api/v2/apps.json", json={"name": "Fidelity", "upload_id": upload.json()["id"]})
    # THEN the build is accepted (202) with a job whose status is in the documented job-status shape
    assert created.status_code == 202
    job = api("GET", f"/api/v2/apps/job_statuses/{created.json()['job_id']}.json").json()
    assert {"id", "url", "total", "progress", "status", "message"} <= set(job)
    assert job["status"] == "completed" and isinstance(job["app_id"], int)
    # AND the app installs with a name, and the installation is listed
    installed = api(
        "POST",
        "/api/v2/apps/installations.json",
        json={"app_id": job["app_id"], "settings": {"name": "Fidelity"}},
    )
    assert installed.ok and installed.json()["app_id"] == job["app_id"]
    assert [i["app_id"] for i in api("GET", "/api/v2/apps/installations.json").json()["installations"]] == [
        job["app_id"]
    ]


# ---- pagination ----------------------------------------------------------------------------------


def test_offset_pages_hold_at_most_per_page_items_and_link_the_next_page(
    sandbox: ZendeskSandbox, api: Api
) -> None:
    # GIVEN three groups
    for name in ("A", "B", "C"):
        api("POST", "/api/v2/groups.json", json={"group": {"name": name}})
    # WHEN two per page are asked, on the host name the client used
    first = api("GET", "/api/v2/groups.json?per_page=2", headers={"Host": "acme.zendesk.test"}).json()
    # THEN the first page has two, counts three and links page 2 on that host
    assert [g["name"] for g in first["groups"]] == ["A", "B"] and first["count"] == 3
    assert first["previous_page"] is None
    assert first["next_page"].startswith("http://acme.zendesk.test/api/v2/groups.json?")
    # AND page 2 (asked for as the link says, on the sandbox's own address) has the last and links back
    second = api("GET", first["next_page"].replace("http://acme.zendesk.test", sandbox.url)).json()
    assert [g["name"] for g in second["groups"]] == ["C"]
    assert second["next_page"] is None and "page=1" in second["previous_page"]


def test_a_list_longer_than_a_page_is_split_at_100_and_our_client_reads_it_all(
    sandbox: ZendeskSandbox, api: Api
) -> None:
    # GIVEN 101 groups
    for number in range(101):
        api("POST", "/api/v2/groups.json", json={"group": {"name": f"Group {number}"}})
    # WHEN listed without paging parameters  THEN Zendesk's default page of 100, and a next page
    first = api("GET", "/api/v2/groups.json").json()
    assert len(first["groups"]) == 100 and first["count"] == 101 and first["next_page"]
    # AND a client that follows next_page (ours) gets all 101
    client = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token, session=api.session)
    assert len(client.list_groups()) == 101


def test_cursor_pages_follow_links_next_until_has_more_is_false(api: Api) -> None:
    # GIVEN a ticket written three times (three audits)
    ticket = _ticket(api)
    for tag in ("one", "two"):
        api("PUT", f"/api/v2/tickets/{ticket['id']}.json", json={"ticket": {"additional_tags": [tag]}})
    everything = [a["id"] for a in api("GET", f"/api/v2/tickets/{ticket['id']}/audits.json").json()["audits"]]
    # WHEN the audits are read one per page with cursor pagination
    seen: list[int] = []
    page = api("GET", f"/api/v2/tickets/{ticket['id']}/audits.json?page[size]=1").json()
    while True:
        # THEN each page is in the cursor envelope (meta and links, no offset keys)
        assert "next_page" not in page and len(page["audits"]) == 1
        seen += [a["id"] for a in page["audits"]]
        if not page["meta"]["has_more"]:
            break
        page = api("GET", page["links"]["next"]).json()
    # AND following links.next gives every audit once, in order
    assert seen == everything
    # AND a cursor that is not one of ours is refused with 400
    assert api("GET", f"/api/v2/tickets/{ticket['id']}/audits.json?page[after]=nonsense").status_code == 400


def test_webhooks_are_listed_with_cursor_pages(api: Api) -> None:
    # GIVEN two webhooks
    for name in ("First", "Second"):
        hook = {
            "name": name,
            "endpoint": "https://example.com/hook",
            "http_method": "POST",
            "request_format": "json",
            "status": "active",
        }
        api("POST", "/api/v2/webhooks", json={"webhook": hook})
    # WHEN one per page is asked  THEN the first says there is more and links the second
    first = api("GET", "/api/v2/webhooks?page[size]=1").json()
    assert [h["name"] for h in first["webhooks"]] == ["First"] and first["meta"]["has_more"] is True
    second = api("GET", first["links"]["next"]).json()
    assert [h["name"] for h in second["webhooks"]] == ["Second"] and second["meta"]["has_more"] is False


# ---- error bodies --------------------------------------------------------------------------------


def test_forbidden_nests_title_and_message_under_error_like_zendesk() -> None:
    # GIVEN an account whose plan has no SLA policies
    with ZendeskSandbox(settings=SandboxSettings(sla_policies_refusal=403)) as zd:
        # WHEN an SLA policy list is asked for
        refused = Api(zd)("GET", "/api/v2/slas/policies")
    # THEN 403 {"error": {"title": "Forbidden", "message": ...}}, Zendesk's shape for Forbidden
    assert refused.status_code == 403
    assert refused.json()["error"]["title"] == "Forbidden"
    assert refused.json()["error"]["message"].startswith(_FORBIDDEN_MESSAGE_START)


def test_rating_someone_elses_ticket_is_forbidden_in_zendesks_shape(
    sandbox: ZendeskSandbox, api: Api
) -> None:
    # GIVEN a solved ticket of Li Wei's and another end user
    ticket = _ticket(api)
    api("PUT", f"/api/v2/tickets/{ticket['id']}.json", json={"ticket": {"status": "solved"}})
    api("POST", "/api/v2/users.json", json={"user": {"name": "Other", "email": "other@example.com"}})
    # WHEN the other user rates it
    rating = {"satisfaction_rating": {"score": "bad"}}
    refused = Api(sandbox, "other@example.com")(
        "POST", f"/api/v2/tickets/{ticket['id']}/satisfaction_rating", json=rating
    )
    # THEN 403 with title and message under error
    assert refused.status_code == 403 and refused.json()["error"]["title"] == "Forbidden"


def test_client_errors_carry_zendesks_error_bodies(sandbox: ZendeskSandbox, api: Api) -> None:
    # WHEN a ticket does not exist  THEN 404 {"error": "RecordNotFound", "description"}
    missing = api("GET", "/api/v2/tickets/999999.json").json()
    assert missing == {"error": "RecordNotFound", "description": "Not found"}
    # WHEN a value is invalid  THEN 422 RecordInvalid with details per field
    invalid = api(
        "POST", "/api/v2/tickets.json", json={"ticket": {"comment": {"body": "x"}, "priority": "asap"}}
    )
    assert invalid.status_code == 422
    assert (
        invalid.json()["error"] == "RecordInvalid" and invalid.json()["details"]["priority"][0]["description"]
    )
    # WHEN the token is wrong  THEN 401 {"error": "Couldn't authenticate you"}
    stranger = Api(sandbox)
    stranger.session.auth = (f"{sandbox.email}/token", "not-the-token")
    wrong = stranger("GET", "/api/v2/users/me.json")
    assert wrong.status_code == 401 and wrong.json() == {"error": "Couldn't authenticate you"}


def test_too_many_requests_is_429_with_retry_after_in_seconds() -> None:
    # GIVEN an account allowed one request a minute
    with ZendeskSandbox(settings=SandboxSettings(requests_per_minute=1)) as zd:
        api = Api(zd)
        api("GET", "/api/v2/users/me.json")
        # WHEN a second comes  THEN 429 with Retry-After in whole seconds
        throttled = api("GET", "/api/v2/users/me.json")
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
