"""Creates the Zendesk side of the plugin, idempotently: fields, route groups, the webhook.

Running it twice changes nothing the second time: fields are found by title, groups by name,
the webhook by name and endpoint. The webhook subscribes to the ticket events the triage
consumes; its signing secret is returned for the intake Lambda's settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.ticket_fields import FieldCatalog, plugin_field_definitions

WEBHOOK_NAME = "Complaint triage"
WEBHOOK_SUBSCRIPTIONS = (
    "zen:event-type:ticket.created",
    "zen:event-type:ticket.comment_added",
    "zen:event-type:ticket.status_changed",
)


@dataclass(frozen=True)
class BootstrapResult:
    catalog: FieldCatalog
    webhook_id: str
    signing_secret: str = field(repr=False)
    created: tuple[str, ...]


@dataclass(frozen=True)
class BootstrapPlan:
    """What the account lacks: the bootstrap creates exactly this (`--dry-run` prints it)."""

    fields: tuple[dict[str, Any], ...]
    groups: tuple[str, ...]
    webhook: dict[str, Any] | None
    existing_webhook_id: str | None

    def describe(self) -> list[str]:
        lines = [f"create field {f['title']!r} ({f['type']})" for f in self.fields]
        lines += [f"create group {name!r}" for name in self.groups]
        if self.webhook is not None:
            events = ", ".join(WEBHOOK_SUBSCRIPTIONS)
            lines.append(f"create webhook {WEBHOOK_NAME!r} -> {self.webhook['endpoint']} ({events})")
        return lines or ["nothing to do: the account is set up"]


def plan_bootstrap(client: ZendeskClient, *, webhook_url: str, group_names: Iterable[str]) -> BootstrapPlan:
    existing_titles = {f.get("title") for f in client.list_ticket_fields()}
    existing_groups = {g.get("name") for g in client.list_groups()}
    hook = next(
        (
            h
            for h in client.list_webhooks()
            if h.get("name") == WEBHOOK_NAME and h.get("endpoint") == webhook_url
        ),
        None,
    )
    return BootstrapPlan(
        fields=tuple(d for d in plugin_field_definitions() if d["title"] not in existing_titles),
        groups=tuple(name for name in dict.fromkeys(group_names) if name not in existing_groups),
        webhook=None
        if hook is not None
        else {
            "name": WEBHOOK_NAME,
            "endpoint": webhook_url,
            "http_method": "POST",
            "request_format": "json",
            "status": "active",
            "subscriptions": list(WEBHOOK_SUBSCRIPTIONS),
        },
        existing_webhook_id=None if hook is None else str(hook["id"]),
    )


def bootstrap_zendesk(
    client: ZendeskClient, *, webhook_url: str, group_names: Iterable[str]
) -> BootstrapResult:
    plan = plan_bootstrap(client, webhook_url=webhook_url, group_names=group_names)
    for definition in plan.fields:
        client.create_ticket_field(definition)
    for name in plan.groups:
        client.create_group({"name": name})
    webhook_id = plan.existing_webhook_id
    if plan.webhook is not None:
        webhook_id = str(client.create_webhook(plan.webhook)["id"])
    created = [line.removeprefix("create ") for line in plan.describe() if line.startswith("create ")]
    assert webhook_id is not None  # found or just created
    catalog = FieldCatalog.from_account(client.list_ticket_fields(), client.list_groups())
    return BootstrapResult(
        catalog=catalog,
        webhook_id=webhook_id,
        signing_secret=client.get_webhook_signing_secret(webhook_id),
        created=tuple(created),
    )
