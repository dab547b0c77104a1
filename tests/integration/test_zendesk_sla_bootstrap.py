"""The bootstrap's native SLA policies against the sandbox: created once, updated in place, nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.zendesk.bootstrap import (
    NOTHING_TO_DO,
    SLA_UNAVAILABLE,
    bootstrap_zendesk,
    plan_bootstrap,
    plan_sla_policies,
)
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.errors import ZendeskAuthError
from integrations.zendesk.sla_policies import native_sla_policies
from local.zendesk.sandbox import RequestRecord, ZendeskSandbox
from local.zendesk.sandbox_settings import SandboxSettings
from policies.loader import Policy, load_policy
from tests.policy_copy import copy_policies

HOOK = "https://example.test/zendesk/webhook"
GROUPS = ["Complaints - A"]
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FOREIGN = {
    "title": "VIP customers",
    "description": "The account's own policy",
    "filter": {"all": [{"field": "current_tags", "operator": "includes", "value": "vip"}], "any": []},
    "policy_metrics": [
        {"priority": "urgent", "metric": "first_reply_time", "target": 15, "business_hours": False}
    ],
}


@pytest.fixture
def sandbox() -> Iterator[ZendeskSandbox]:
    with ZendeskSandbox() as zd:
        yield zd


@pytest.fixture
def client(sandbox: ZendeskSandbox) -> ZendeskClient:
    return ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    return copy_policies(tmp_path)


def _edit_sla(directory: Path, old: str, new: str) -> Policy:
    path = directory / "sla.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_policy(directory)


def _writes(sandbox: ZendeskSandbox, since: int = 0) -> list[RequestRecord]:
    return [r for r in sandbox.requests()[since:] if r.method in WRITES]


def _by_title(client: ZendeskClient) -> dict[str, dict[str, Any]]:
    return {p["title"]: p for p in client.list_sla_policies()}


def _targets(policy: dict[str, Any]) -> set[tuple[str, int]]:
    return {(m["metric"], m["target"]) for m in policy["policy_metrics"]}


def _bootstrap(client: ZendeskClient, policy: Policy):
    return bootstrap_zendesk(client, webhook_url=HOOK, group_names=GROUPS, policy=policy)


def test_first_run_creates_the_policies_ahead_of_the_accounts_own_and_a_second_run_writes_nothing(
    sandbox: ZendeskSandbox, client: ZendeskClient
) -> None:
    # GIVEN an account with its own SLA policy
    foreign = client.create_sla_policy(FOREIGN)
    policy = load_policy()
    wanted = [p.title for p in native_sla_policies(policy, working_day_minutes=None).policies]
    # WHEN bootstrapped
    first = _bootstrap(client, policy)
    # THEN every desired policy exists, first in the list, and the account's own comes after them
    listed = client.list_sla_policies()
    assert [p["title"] for p in listed] == [*wanted, "VIP customers"]
    assert [p["position"] for p in listed] == list(range(1, len(wanted) + 2))
    assert [line.split("'")[1] for line in first.created if line.startswith("SLA policy")] == wanted
    # WHEN bootstrapped again
    seen = len(sandbox.requests())
    second = _bootstrap(client, policy)
    # THEN nothing is written, and the plan says each policy is left as it is
    assert _writes(sandbox, seen) == []
    assert (second.created, second.updated, second.deleted) == ((), (), ())
    assert sum(note.startswith("leave SLA policy") for note in second.notes) == len(wanted)
    # AND the account's own policy was never addressed
    # (a path segment, not a substring: another resource's id may contain the same digits)
    foreign_id = str(foreign["id"])
    assert not any(
        foreign_id in r.path.split("?")[0].removesuffix(".json").split("/") for r in sandbox.requests()
    )


def test_a_changed_policy_file_updates_only_the_policies_it_changes_in_place(
    sandbox: ZendeskSandbox, client: ZendeskClient, policy_copy: Path
) -> None:
    # GIVEN a bootstrapped account with a foreign policy
    foreign = client.create_sla_policy(FOREIGN)
    _bootstrap(client, load_policy(policy_copy))
    before = _by_title(client)
    # WHEN the logistics follow-up (R-SLA-2) changes from 2 h to 3 h and the bootstrap runs again
    changed = _edit_sla(
        policy_copy,
        "      when: {categories: [logistics]}\n      after: {hours: 2}",
        "      when: {categories: [logistics]}\n      after: {hours: 3}",
    )
    seen = len(sandbox.requests())
    result = _bootstrap(client, changed)
    # THEN exactly the three logistics policies were PUT, under their old ids, with the new target
    logistics = {t: p for t, p in before.items() if ", logistics " in t}
    assert len(logistics) == 3
    puts = _writes(sandbox, seen)
    assert {r.method for r in puts} == {"PUT"}
    assert sorted(r.path for r in puts) == sorted(
        f"/api/v2/slas/policies/{p['id']}" for p in logistics.values()
    )
    after = _by_title(client)
    for title, old in logistics.items():
        assert after[title]["id"] == old["id"]
        assert ("periodic_update_time", 180) in _targets(after[title])
        assert ("periodic_update_time", 120) not in _targets(after[title])
    assert len(result.updated) == 3 and result.created == () and result.deleted == ()
    # AND the foreign policy is exactly as it was
    assert after["VIP customers"] == {**foreign, "position": len(after)}


def test_a_rule_that_no_longer_splits_a_category_deletes_only_the_plugins_stale_policies(
    sandbox: ZendeskSandbox, client: ZendeskClient, policy_copy: Path
) -> None:
    foreign = client.create_sla_policy(FOREIGN)
    _bootstrap(client, load_policy(policy_copy))
    # GIVEN the product follow-up rule removed from sla.yaml
    changed = _edit_sla(
        policy_copy,
        "    - rule: R-SLA-2\n      when: {categories: [product]}  # product quality\n"
        "      after: {hours: 4}\n",
        "",
    )
    seen = len(sandbox.requests())
    result = _bootstrap(client, changed)
    # THEN the three product policies are deleted and the level policies now cover product too
    after = _by_title(client)
    assert not any(", product " in title for title in after)
    assert {r.method for r in _writes(sandbox, seen)} == {"DELETE", "PUT"}
    assert len(result.deleted) == 3
    level_1 = after["Complaint level 1 (complaint-triage)"]
    exclusions = [c["value"] for c in level_1["filter"]["all"] if c["operator"] == "not_includes"]
    assert exclusions == ["complaint_category_logistics"]
    assert after["VIP customers"]["updated_at"] == foreign["updated_at"]


def test_an_admins_edit_of_a_plugin_policy_is_put_back(
    sandbox: ZendeskSandbox, client: ZendeskClient
) -> None:
    policy = load_policy()
    _bootstrap(client, policy)
    # GIVEN an admin changed a target of a plugin policy by hand
    level_3 = _by_title(client)["Complaint level 3 (complaint-triage)"]
    edited = [{**m, "target": 999} for m in level_3["policy_metrics"]]
    client.update_sla_policy(level_3["id"], {"policy_metrics": edited})
    # WHEN the bootstrap runs THEN it is PUT back to sla.yaml's targets, and only it
    seen = len(sandbox.requests())
    _bootstrap(client, policy)
    assert [r.path for r in _writes(sandbox, seen)] == [f"/api/v2/slas/policies/{level_3['id']}"]
    assert ("first_reply_time", 60) in _targets(_by_title(client)["Complaint level 3 (complaint-triage)"])


def test_a_business_hours_schedule_lets_working_day_rules_become_native(client: ZendeskClient) -> None:
    # GIVEN an account with a nine-to-five schedule (Zendesk's default intervals)
    client.create_schedule({"name": "Support hours", "time_zone": "Beijing"})
    # WHEN bootstrapped
    result = _bootstrap(client, load_policy())
    # THEN level 2's 3 working days (R-SLA-3) are 3 x 8 business hours
    level_2 = _by_title(client)["Complaint level 2 (complaint-triage)"]
    resolution = {
        m["business_hours"] for m in level_2["policy_metrics"] if m["metric"] == "total_resolution_time"
    }
    assert ("total_resolution_time", 3 * 480) in _targets(level_2) and resolution == {True}
    assert not any("working days" in note for note in result.notes)


@pytest.mark.parametrize("refusal", [403, 404])
def test_an_account_without_sla_policies_is_told_so_and_the_rest_is_set_up(refusal: int) -> None:
    with ZendeskSandbox(settings=SandboxSettings(sla_policies_refusal=refusal)) as sandbox:
        client = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)
        # WHEN bootstrapped on a plan without SLA policies
        result = _bootstrap(client, load_policy())
        # THEN fields, groups and the webhook are there, and the result says why SLAs are not
        assert result.catalog.missing_fields() == [] and client.list_webhooks() != []
        assert SLA_UNAVAILABLE in result.notes
        assert not any(r.path.startswith("/api/v2/slas") and r.method in WRITES for r in sandbox.requests())
        plan = plan_bootstrap(client, webhook_url=HOOK, group_names=GROUPS, policy=load_policy())
        assert plan.describe() == [NOTHING_TO_DO, SLA_UNAVAILABLE]


def test_a_wrong_token_on_the_sla_endpoint_is_not_mistaken_for_the_plan() -> None:
    class WrongToken:
        def list_sla_policies(self) -> list[dict[str, Any]]:
            raise ZendeskAuthError("GET /api/v2/slas/policies: HTTP 401", status=401)

    with pytest.raises(ZendeskAuthError):
        plan_sla_policies(WrongToken(), load_policy())  # type: ignore[arg-type]


def test_dry_run_prints_the_sla_lines_and_writes_nothing(
    sandbox: ZendeskSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    for name, value in {
        "ZENDESK_URL": sandbox.url,
        "ZENDESK_EMAIL": sandbox.email,
        "ZENDESK_API_TOKEN": sandbox.api_token,
    }.items():
        monkeypatch.setenv(name, value)
    # WHEN the plan is asked for on an empty account
    assert main(["zendesk", "bootstrap", "--webhook-url", HOOK, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    # THEN it lists the SLA policies to create, and what stays with the watcher
    assert any(line.startswith("create SLA policy 'Complaint level 1 (complaint-triage)'") for line in out)
    assert any(line.startswith("leave to the plugin's watcher: private_contact (R-SLA-9)") for line in out)
    assert any(line.startswith("leave to the plugin's watcher: satisfaction_check (R-SLA-8)") for line in out)
    # AND nothing was written
    assert _writes(sandbox) == []
    # WHEN run for real and planned again THEN the plan creates or updates nothing, and says so
    assert main(["zendesk", "bootstrap", "--webhook-url", HOOK]) == 0
    assert any(line.startswith("created SLA policy") for line in capsys.readouterr().out.splitlines())
    assert main(["zendesk", "bootstrap", "--webhook-url", HOOK, "--dry-run"]) == 0
    replanned = capsys.readouterr().out.splitlines()
    assert replanned[0] == NOTHING_TO_DO
    assert not any(line.startswith(("create ", "update ", "delete ")) for line in replanned)
    assert any(
        line.startswith("leave SLA policy 'Complaint level 3 (complaint-triage)'") for line in replanned
    )


def test_the_cli_reports_a_plan_without_sla_policies_and_succeeds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    with ZendeskSandbox(settings=SandboxSettings(sla_policies_refusal=403)) as sandbox:
        for name, value in {
            "ZENDESK_URL": sandbox.url,
            "ZENDESK_EMAIL": sandbox.email,
            "ZENDESK_API_TOKEN": sandbox.api_token,
        }.items():
            monkeypatch.setenv(name, value)
        assert main(["zendesk", "bootstrap", "--webhook-url", HOOK]) == 0
        out = capsys.readouterr().out
        assert SLA_UNAVAILABLE in out and "created webhook" in out
