"""The Zendesk bootstrap against the sandbox: fields, groups, webhook; twice is the same as once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from integrations.zendesk.bootstrap import (
    WEBHOOK_NAME,
    WEBHOOK_SUBSCRIPTIONS,
    bootstrap_zendesk,
    lifecycle_macros,
)
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.ticket_fields import plugin_field_definitions
from local.zendesk.sandbox import ZendeskSandbox
from policies.lifecycle import load_lifecycle_policy

GROUPS = ["Complaints - A", "Complaints - B"]


def test_bootstrap_creates_everything_once_and_returns_the_signing_secret() -> None:
    with ZendeskSandbox() as sandbox:
        client = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)
        # GIVEN an empty account WHEN bootstrapped twice
        first = bootstrap_zendesk(client, webhook_url="https://example.test/hook", group_names=GROUPS)
        second = bootstrap_zendesk(client, webhook_url="https://example.test/hook", group_names=GROUPS)
        # THEN the first run created every field, group, lifecycle macro and the webhook, the second nothing
        macros = lifecycle_macros(load_lifecycle_policy())
        assert len(first.created) == len(plugin_field_definitions()) + len(GROUPS) + len(macros) + 1
        assert second.created == ()
        assert first.catalog.missing_fields() == [] and set(GROUPS) <= set(first.catalog.group_ids)
        assert first.catalog == second.catalog and first.webhook_id == second.webhook_id
        # AND the webhook subscribes to the ticket events the triage consumes, signed with the returned secret
        (hook,) = client.list_webhooks()
        assert hook["subscriptions"] == list(WEBHOOK_SUBSCRIPTIONS)
        assert first.signing_secret == client.get_webhook_signing_secret(hook["id"])


@contextmanager
def _sandbox_in_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[ZendeskSandbox]:
    """A running sandbox that the `triage` command finds through the environment, as in production."""
    with ZendeskSandbox() as sandbox:
        monkeypatch.setenv("ZENDESK_URL", sandbox.url)
        monkeypatch.setenv("ZENDESK_EMAIL", sandbox.email)
        monkeypatch.setenv("ZENDESK_API_TOKEN", sandbox.api_token)
        yield sandbox


def test_triage_zendesk_bootstrap_plans_creates_and_stores_the_secret(
    monkeypatch, capsys, mocked_aws
) -> None:
    import boto3

    from cli.main import main

    with _sandbox_in_environment(monkeypatch) as sandbox:
        secrets = boto3.client("secretsmanager")
        secrets.create_secret(Name="signing")
        client = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)
        url = "https://example.test/zendesk/webhook"
        # GIVEN an empty account WHEN the plan is asked for THEN it lists everything and creates nothing
        assert main(["zendesk", "bootstrap", "--webhook-url", url, "--dry-run"]) == 0
        plan = capsys.readouterr().out
        assert "create field 'Complaint level'" in plan and "create webhook" in plan
        assert client.list_webhooks() == []
        # WHEN run for real THEN the account is set up and the secret stored, never printed
        assert main(["zendesk", "bootstrap", "--webhook-url", url, "--store-signing-secret", "signing"]) == 0
        output = capsys.readouterr().out
        (hook,) = client.list_webhooks()
        secret = client.get_webhook_signing_secret(hook["id"])
        assert secrets.get_secret_value(SecretId="signing")["SecretString"] == secret
        assert secret not in output
        # AND a second run has nothing to do (the lines after the verdict say what is left as it is)
        assert main(["zendesk", "bootstrap", "--webhook-url", url, "--dry-run"]) == 0
        replanned = capsys.readouterr().out.splitlines()
        assert replanned[0] == "nothing to do: the account is set up"
        assert all(line.startswith("leave ") for line in replanned[1:])


def test_an_older_webhook_is_subscribed_to_the_new_events_and_the_macros_add_their_tags() -> None:
    with ZendeskSandbox() as sandbox:
        client = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)
        url = "https://example.test/hook"
        # GIVEN the webhook an earlier version created, subscribed to three ticket events only
        older = list(WEBHOOK_SUBSCRIPTIONS[:3])
        client.create_webhook(
            {
                "name": WEBHOOK_NAME,
                "endpoint": url,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": older,
            }
        )
        # WHEN the bootstrap runs
        result = bootstrap_zendesk(client, webhook_url=url, group_names=GROUPS)
        # THEN the same webhook now subscribes to every event the triage consumes, and says so
        (hook,) = client.list_webhooks()
        assert hook["id"] == result.webhook_id and hook["subscriptions"] == list(WEBHOOK_SUBSCRIPTIONS)
        assert any("subscribe to" in line and "ticket.tags_changed" in line for line in result.updated)
        # AND each lifecycle macro adds exactly its action tag
        by_title = {m["title"]: m for m in client.list_macros()}
        for spec in load_lifecycle_policy().actions.values():
            (macro,) = [m for title, m in by_title.items() if title.startswith(spec.macro.en)]
            assert macro["actions"] == [{"field": "current_tags", "value": spec.tag}]


def test_the_sidebar_app_is_validated_installed_once_and_a_broken_package_refused(
    monkeypatch, capsys, tmp_path
) -> None:
    import shutil
    from pathlib import Path

    from cli.main import main
    from integrations.zendesk.app_package import APP_NAME, app_package
    from integrations.zendesk.errors import ZendeskError

    app_dir = tmp_path / "zendesk_app"
    shutil.copytree(Path(__file__).resolve().parents[2] / "zendesk_app", app_dir)
    with _sandbox_in_environment(monkeypatch) as sandbox:
        client = ZendeskClient(sandbox.url, sandbox.email, sandbox.api_token)
        url = "https://example.test/hook"
        args = ["zendesk", "bootstrap", "--webhook-url", url, "--install-app", "--app-dir", str(app_dir)]
        # GIVEN an account without the app  WHEN the plan is asked for THEN it would install it
        assert main([*args, "--dry-run"]) == 0
        assert f"install app {APP_NAME!r}" in capsys.readouterr().out
        # WHEN the bootstrap runs twice THEN the app is installed once, under its name
        assert main(args) == 0 and main(args) == 0
        out = capsys.readouterr().out
        assert f"installed app {APP_NAME!r}" in out and f"app {APP_NAME!r} already installed" in out
        assert [i["settings"]["name"] for i in client.list_app_installations()] == [APP_NAME]
        # AND Zendesk's validation accepts the package, and refuses one without a manifest author
        client.validate_app(app_package(app_dir))
        manifest = json.loads((app_dir / "manifest.json").read_text(encoding="utf-8"))
        del manifest["author"]
        (app_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(ZendeskError, match="author"):
            client.validate_app(app_package(app_dir))
