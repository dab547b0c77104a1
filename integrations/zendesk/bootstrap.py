"""Creates the Zendesk side of the plugin, idempotently: fields, route groups, the webhook.

Running it twice changes nothing the second time: fields are found by title, groups by name,
the webhook by name and endpoint. The webhook subscribes to the ticket events the triage
consumes; its signing secret is returned for the intake Lambda's settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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


def bootstrap_zendesk(
    client: ZendeskClient, *, webhook_url: str, group_names: Iterable[str]
) -> BootstrapResult:
    created: list[str] = []
    existing_titles = {f.get("title") for f in client.list_ticket_fields()}
    for definition in plugin_field_definitions():
        if definition["title"] not in existing_titles:
            client.create_ticket_field(definition)
            created.append(f"field {definition['title']!r}")

    existing_groups = {g.get("name") for g in client.list_groups()}
    for name in dict.fromkeys(group_names):
        if name not in existing_groups:
            client.create_group({"name": name})
            created.append(f"group {name!r}")

    hook = next(
        (
            h
            for h in client.list_webhooks()
            if h.get("name") == WEBHOOK_NAME and h.get("endpoint") == webhook_url
        ),
        None,
    )
    if hook is None:
        hook = client.create_webhook(
            {
                "name": WEBHOOK_NAME,
                "endpoint": webhook_url,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": list(WEBHOOK_SUBSCRIPTIONS),
            }
        )
        created.append(f"webhook {WEBHOOK_NAME!r}")
    catalog = FieldCatalog.from_account(client.list_ticket_fields(), client.list_groups())
    return BootstrapResult(
        catalog=catalog,
        webhook_id=str(hook["id"]),
        signing_secret=client.get_webhook_signing_secret(str(hook["id"])),
        created=tuple(created),
    )
