"""Creates the Zendesk side of the plugin, idempotently: fields, route groups, the webhook, SLA policies.

Running it twice changes nothing the second time: fields are found by title, groups by name,
the webhook by name and endpoint, the plugin's SLA policies by the titles `sla_policies.py` gives
them; an SLA policy is written only when it differs from what the policy files call for. SLA
policies the plugin did not create are never written or deleted. The webhook subscribes to the
ticket events the triage consumes; its signing secret is returned for the intake Lambda's settings.

New SLA policies go to the top of the account's list: Zendesk applies the first policy that
matches, so an account-wide policy above them would hide the complaint targets. Updates leave
positions alone, so an administrator's later ordering stands (the plugin's policies never overlap
each other, so their own order does not matter). An account whose plan has no SLA policies answers
403 or 404; the plan then says so and the rest of the bootstrap goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.errors import ZendeskAuthError, ZendeskNotFound
from integrations.zendesk.sla_policies import (
    DesiredSlaPolicy,
    is_plugin_policy,
    native_sla_policies,
    working_day_minutes,
)
from integrations.zendesk.ticket_fields import FieldCatalog, plugin_field_definitions
from policies.lifecycle import LifecyclePolicy, load_lifecycle_policy
from policies.loader import Policy

WEBHOOK_NAME = "Complaint triage"
WEBHOOK_SUBSCRIPTIONS = (
    "zen:event-type:ticket.created",
    "zen:event-type:ticket.comment_added",
    "zen:event-type:ticket.status_changed",
    # An agent changing the plugin's level, category or subtype: a correction (issue 14).
    "zen:event-type:ticket.custom_field_changed",
    # An agent's lifecycle macro adding its action tag (lifecycle.yaml).
    "zen:event-type:ticket.tags_changed",
)
NOTHING_TO_DO = "nothing to do: the account is set up"
SLA_UNAVAILABLE = "SLA policies not available on this account; the plugin's own deadlines still apply"
_PLAN_REFUSALS = frozenset({403, 404})  # what Zendesk answers where the plan lacks a feature


@dataclass(frozen=True)
class BootstrapResult:
    catalog: FieldCatalog
    webhook_id: str
    signing_secret: str = field(repr=False)
    created: tuple[str, ...]
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlaPolicyPlan:
    """How the account's SLA policies must change to mirror sla.yaml."""

    available: bool = True
    create: tuple[DesiredSlaPolicy, ...] = ()
    update: tuple[tuple[int, DesiredSlaPolicy], ...] = ()
    delete: tuple[tuple[int, str], ...] = ()
    unchanged: tuple[str, ...] = ()
    left_to_plugin: tuple[str, ...] = ()

    def changes(self) -> list[str]:
        lines = [
            f"create SLA policy {p.title!r} at position {i}: {p.summary()}"
            for i, p in enumerate(self.create, start=1)
        ]
        lines += [f"update SLA policy {p.title!r} (id {pid}): {p.summary()}" for pid, p in self.update]
        lines += [
            f"delete SLA policy {title!r} (id {pid}): the policy files no longer call for it"
            for pid, title in self.delete
        ]
        return lines

    def notes(self) -> list[str]:
        if not self.available:
            return [SLA_UNAVAILABLE]
        return [
            f"leave SLA policy {title!r}: already as the policy files say" for title in self.unchanged
        ] + [f"leave to the plugin's watcher: {line}" for line in self.left_to_plugin]


@dataclass(frozen=True)
class BootstrapPlan:
    """What the account lacks: the bootstrap does exactly this (`--dry-run` prints it)."""

    fields: tuple[dict[str, Any], ...]
    groups: tuple[str, ...]
    webhook: dict[str, Any] | None
    existing_webhook_id: str | None
    sla: SlaPolicyPlan | None = None  # None: SLA policies were not asked for
    # Events an existing webhook does not subscribe to yet (a newer plugin listens to more).
    subscriptions_to_add: tuple[str, ...] = ()
    existing_subscriptions: tuple[str, ...] = ()
    macros: tuple[dict[str, Any], ...] = ()  # the lifecycle macros the account lacks (lifecycle.yaml)

    def changes(self) -> list[str]:
        lines = [f"create field {f['title']!r} ({f['type']})" for f in self.fields]
        lines += [f"create group {name!r}" for name in self.groups]
        lines += [f"create macro {m['title']!r}" for m in self.macros]
        if self.webhook is not None:
            events = ", ".join(WEBHOOK_SUBSCRIPTIONS)
            lines.append(f"create webhook {WEBHOOK_NAME!r} -> {self.webhook['endpoint']} ({events})")
        if self.subscriptions_to_add:
            added = ", ".join(self.subscriptions_to_add)
            lines.append(f"update webhook {WEBHOOK_NAME!r}: subscribe to {added}")
        return lines + ([] if self.sla is None else self.sla.changes())

    def notes(self) -> list[str]:
        return [] if self.sla is None else self.sla.notes()

    def describe(self) -> list[str]:
        return (self.changes() or [NOTHING_TO_DO]) + self.notes()


def plan_bootstrap(
    client: ZendeskClient, *, webhook_url: str, group_names: Iterable[str], policy: Policy | None = None
) -> BootstrapPlan:
    """Read the account and compare; with `policy`, SLA policies mirroring its sla.yaml are planned too."""
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
        sla=None if policy is None else plan_sla_policies(client, policy),
        subscriptions_to_add=()
        if hook is None
        else tuple(s for s in WEBHOOK_SUBSCRIPTIONS if s not in (hook.get("subscriptions") or [])),
        existing_subscriptions=() if hook is None else tuple(hook.get("subscriptions") or []),
        macros=_missing_macros(client, policy),
    )


def lifecycle_macros(lifecycle: LifecyclePolicy) -> list[dict[str, Any]]:
    """One macro per lifecycle action: it adds the action's tag (Zendesk's `current_tags` action
    adds tags), titled in both languages the product speaks."""
    return [
        {
            "title": f"{spec.macro.en} / {spec.macro.zh}",
            "description": f"{spec.rule}: marks this step for complaint triage (which removes the tag).",
            "actions": [{"field": "current_tags", "value": spec.tag}],
        }
        for spec in lifecycle.actions.values()
    ]


def _missing_macros(client: ZendeskClient, policy: Policy | None) -> tuple[dict[str, Any], ...]:
    lifecycle = policy.lifecycle if policy is not None else load_lifecycle_policy()
    existing = {m.get("title") for m in client.list_macros()}
    return tuple(m for m in lifecycle_macros(lifecycle) if m["title"] not in existing)


def plan_sla_policies(client: ZendeskClient, policy: Policy) -> SlaPolicyPlan:
    """Compare the plugin's SLA policies in the account with those sla.yaml calls for."""
    try:
        existing = client.list_sla_policies()
    except (ZendeskAuthError, ZendeskNotFound) as exc:
        if exc.status not in _PLAN_REFUSALS:
            raise  # 401: the credentials are wrong, not the plan
        return SlaPolicyPlan(available=False)
    native = native_sla_policies(policy, working_day_minutes=working_day_minutes(_schedules(client)))
    ours: dict[str, list[Mapping[str, Any]]] = {}
    for found in sorted(existing, key=lambda p: int(p.get("position") or 0)):
        title = str(found.get("title") or "")
        if is_plugin_policy(title):
            ours.setdefault(title, []).append(found)
    create: list[DesiredSlaPolicy] = []
    update: list[tuple[int, DesiredSlaPolicy]] = []
    unchanged: list[str] = []
    for desired in native.policies:
        first, *_ = ours.get(desired.title) or [None]
        if first is None:
            create.append(desired)
            continue
        ours[desired.title].remove(first)  # a duplicate of the same title is left to the delete below
        if _comparable(first) == _comparable(desired.payload()):
            unchanged.append(desired.title)
        else:
            update.append((int(first["id"]), desired))
    stale = [(int(p["id"]), title) for title, found in ours.items() for p in found]
    return SlaPolicyPlan(
        create=tuple(create),
        update=tuple(update),
        delete=tuple(stale),
        unchanged=tuple(unchanged),
        left_to_plugin=native.left_to_plugin,
    )


def _schedules(client: ZendeskClient) -> list[dict[str, Any]]:
    """The business-hours schedules, or none where the plan has no business hours."""
    try:
        return client.list_schedules()
    except (ZendeskAuthError, ZendeskNotFound) as exc:
        if exc.status not in _PLAN_REFUSALS:
            raise
        return []


def _comparable(policy: Mapping[str, Any]) -> tuple[Any, ...]:
    """What decides whether a PUT is needed, in a form that ignores order and read-only extras."""
    conditions = policy.get("filter") or {}
    return (
        policy.get("description") or "",
        tuple(frozenset(_condition(c) for c in conditions.get(key) or []) for key in ("all", "any")),
        frozenset(
            (m.get("priority"), m.get("metric"), int(m.get("target") or 0), bool(m.get("business_hours")))
            for m in policy.get("policy_metrics") or []
        ),
    )


def _condition(condition: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    # Tag values are a space-separated list; Zendesk may give it back reordered or as a JSON list.
    value = condition.get("value")
    items = value if isinstance(value, list) else str(value).split()
    return str(condition.get("field")), str(condition.get("operator")), tuple(sorted(map(str, items)))


def bootstrap_zendesk(
    client: ZendeskClient, *, webhook_url: str, group_names: Iterable[str], policy: Policy | None = None
) -> BootstrapResult:
    plan = plan_bootstrap(client, webhook_url=webhook_url, group_names=group_names, policy=policy)
    for definition in plan.fields:
        client.create_ticket_field(definition)
    for name in plan.groups:
        client.create_group({"name": name})
    for macro in plan.macros:
        client.create_macro(macro)
    webhook_id = plan.existing_webhook_id
    if plan.webhook is not None:
        webhook_id = str(client.create_webhook(plan.webhook)["id"])
    assert webhook_id is not None  # found or just created
    if plan.subscriptions_to_add and plan.existing_webhook_id is not None:
        subscriptions = [*plan.existing_subscriptions, *plan.subscriptions_to_add]
        client.patch_webhook(plan.existing_webhook_id, {"subscriptions": subscriptions})
    if plan.sla is not None:
        _apply_sla_policies(client, plan.sla)
    changes = plan.changes()
    catalog = FieldCatalog.from_account(client.list_ticket_fields(), client.list_groups())
    return BootstrapResult(
        catalog=catalog,
        webhook_id=webhook_id,
        signing_secret=client.get_webhook_signing_secret(webhook_id),
        created=_done(changes, "create "),
        updated=_done(changes, "update "),
        deleted=_done(changes, "delete "),
        notes=tuple(plan.notes()),
    )


def _apply_sla_policies(client: ZendeskClient, plan: SlaPolicyPlan) -> None:
    # Stale ones first, so an old and a new policy never match the same ticket at once.
    for policy_id, _ in plan.delete:
        client.delete_sla_policy(policy_id)
    for policy_id, desired in plan.update:
        client.update_sla_policy(policy_id, desired.payload())
    for position, desired in enumerate(plan.create, start=1):
        client.create_sla_policy(desired.payload(position=position))


def _done(changes: list[str], verb: str) -> tuple[str, ...]:
    return tuple(line.removeprefix(verb) for line in changes if line.startswith(verb))
