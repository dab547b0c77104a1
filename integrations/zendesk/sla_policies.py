"""The plugin's native Zendesk SLA policies, derived from sla.yaml. Pure: no HTTP, no clock.

Why: agents then see Zendesk's own SLA badges on complaint tickets. The plugin's deadline watcher
stays the authority; a native policy mirrors only what a Zendesk SLA metric can measure.

sla.yaml deadline kind -> Zendesk SLA metric (names from Zendesk's SLA Policies API):

- first_response (R-SLA-1) -> `first_reply_time`: creation to the first public agent comment, the
  same event that meets first_response in the plugin.
- follow_up (R-SLA-2) -> `periodic_update_time`: the time between public agent comments, i.e. the
  update promised in the first reply. Zendesk starts it at that reply, the plugin at receipt, so the
  native badge can run out later than the plugin's deadline; the watcher keeps the stricter one.
  (`pausable_update_time` would pause while pending; the SOP's natural hours do not.)
- resolution (R-SLA-3) -> `total_resolution_time`: creation to solved, counted in every status,
  like the plugin's clock, which does not pause while the customer is asked for something
  (`requester_wait_time` would pause on pending, `agent_work_time` on pending and on-hold).
- every other kind (escalation, private_contact, cross_dept, re_investigate, re_handle,
  satisfaction_check) and the R-SLA-6 warning: no Zendesk SLA metric measures them (internal steps,
  a platform outside Zendesk, or clocks started by later events), so the watcher alone keeps them
  and the bootstrap plan says so.

Units. "N hours" are natural hours: `business_hours: false` and N*60 minutes, rounded down to a
whole minute (at least one) so the badge never runs out after the plugin's deadline. "N working
days" need a working-day length, which calendar.yaml does not hold (only when the day starts), so
it is read from the account's business-hours schedule, the one Zendesk counts business minutes in:
`business_hours: true` and N times that schedule's working day. For a complaint received within
the schedule's hours this lands on the plugin's due time (same clock time, N working days on);
received outside them, the two differ by the gap to the schedule's opening or closing, and around
holidays they agree only if the schedule's holidays follow calendar.yaml (a Zendesk schedule
cannot hold make-up working days). Without exactly one working-day length (no schedule, uneven
days, several schedules that differ), working-day rules are left to the watcher.

Scope. Tickets are matched by the tags the level, category and sub-type drop-downs add
(`current_tags includes complaint_level_1`): tags are the simplest condition and the triage keeps
exactly one of each on a ticket. One policy per level; where the category changes a target, that
category gets its own policy and the level policy excludes its tag; where the sub-type changes a
target inside a category, each of that category's sub-types gets one. So exactly one of the
plugin's policies matches a graded complaint, and their order among themselves does not matter.
Targets are the same for every priority: sla.yaml deadlines do not depend on priority (routing.yaml's
priority only orders the queue, and agents may raise it), so the badge follows the SOP whatever
priority the ticket has. The channel is not a ticket tag, so the native target is that of a
complaint without a channel-specific rule; channel rules of mirrored kinds are left to the watcher.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from integrations.zendesk.ticket_fields import LEVELS, category_value, level_value, subtype_value
from policies.loader import Policy
from policies.routing import PRIORITIES
from policies.sla import DeadlineRule, SlaPolicy, Span
from policies.taxonomy import CATEGORIES, SUBTYPES, DeadlineKind

TITLE_PREFIX = "Complaint level "
TITLE_SUFFIX = " (complaint-triage)"  # how the bootstrap recognises its own policies, and only them
TAGS_FIELD = "current_tags"

# The deadline kinds a Zendesk SLA metric can mirror (see the module docstring for why these).
METRIC_FOR_KIND: dict[DeadlineKind, str] = {
    "first_response": "first_reply_time",
    "follow_up": "periodic_update_time",
    "resolution": "total_resolution_time",
}
# Why the other kinds stay with the watcher, as the plan prints it.
_WHY_NOT_NATIVE: dict[DeadlineKind, str] = {
    "escalation": "an internal hand-over, which no Zendesk SLA metric sees",
    "private_contact": "a private message on the social platform, outside Zendesk",
    "cross_dept": "its clock starts at another department's request",
    "re_investigate": "its clock starts when the customer rejects the plan",
    "re_handle": "its clock starts when the customer says they are not satisfied",
    "satisfaction_check": "its clock starts when the solution is carried out",
}
_MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, order=True)
class MetricTarget:
    """One mirrored deadline: a Zendesk metric, its target in minutes, and which hours count."""

    metric: str
    minutes: int
    business_hours: bool

    def describe(self) -> str:
        return f"{self.metric} {self.minutes} min" + (" (business hours)" if self.business_hours else "")


@dataclass(frozen=True, order=True)
class _Mirrored:
    """A deadline kind of one kind of complaint, as Zendesk will measure it."""

    kind: str
    rule: str
    target: MetricTarget


_Targets = tuple[_Mirrored, ...]


@dataclass(frozen=True)
class DesiredSlaPolicy:
    """One SLA policy the account should have, in the shape of the SLA Policies API."""

    title: str
    description: str
    all_conditions: tuple[tuple[str, str, str], ...]  # (field, operator, value)
    targets: tuple[MetricTarget, ...]

    def payload(self, *, position: int | None = None) -> dict[str, Any]:
        """The `sla_policy` object to POST or PUT (position only when placing a new one)."""
        body: dict[str, Any] = {
            "title": self.title,
            "description": self.description,
            "filter": {
                "all": [{"field": f, "operator": op, "value": v} for f, op, v in self.all_conditions],
                "any": [],
            },
            "policy_metrics": [
                {
                    "priority": priority,
                    "metric": target.metric,
                    "target": target.minutes,
                    "business_hours": target.business_hours,
                }
                for target in self.targets
                for priority in PRIORITIES
            ],
        }
        if position is not None:
            body["position"] = position
        return body

    def summary(self) -> str:
        return ", ".join(target.describe() for target in self.targets) + ", every priority"


@dataclass(frozen=True)
class NativeSlaPolicies:
    """What sla.yaml asks of Zendesk's SLA policies, and what only the watcher can keep."""

    policies: tuple[DesiredSlaPolicy, ...]
    left_to_plugin: tuple[str, ...]


def is_plugin_policy(title: str) -> bool:
    """True for the titles this module gives; the bootstrap never touches any other policy."""
    return title.startswith(TITLE_PREFIX) and title.endswith(TITLE_SUFFIX)


def native_sla_policies(policy: Policy, *, working_day_minutes: int | None) -> NativeSlaPolicies:
    """The SLA policies mirroring `policy.sla`; `working_day_minutes` from `working_day_minutes()`."""
    sla = policy.sla
    cells = {
        (level, category, subtype): _targets_for(sla, level, category, subtype, working_day_minutes)
        for level in LEVELS
        for category in CATEGORIES
        for subtype in SUBTYPES
    }
    policies: list[DesiredSlaPolicy] = []
    for level in LEVELS:
        policies += _policies_for_level(level, cells)
    return NativeSlaPolicies(tuple(policies), _left_to_plugin(sla, working_day_minutes))


def working_day_minutes(schedules: Iterable[Mapping[str, Any]]) -> int | None:
    """The length of a working day in the account's business-hours schedules, if there is exactly one.

    Intervals are minutes from Sunday 00:00, as the Business Hours API gives them.
    """
    lengths = {_uniform_day_length(schedule.get("intervals") or []) for schedule in schedules}
    return lengths.pop() if len(lengths) == 1 else None


def _uniform_day_length(intervals: Iterable[Mapping[str, Any]]) -> int | None:
    per_day: Counter[int] = Counter()
    for interval in intervals:
        start, end = int(interval["start_time"]), int(interval["end_time"])
        # By the day it starts on: a shift past midnight is still one working day, not two halves.
        per_day[start // _MINUTES_PER_DAY] += end - start
    lengths = {minutes for minutes in per_day.values() if minutes > 0}
    return lengths.pop() if len(lengths) == 1 else None


def _targets_for(
    sla: SlaPolicy, level: int, category: str, subtype: str, day_minutes: int | None
) -> _Targets:
    """What Zendesk can mirror for a complaint of this shape: the rule the plugin would apply."""
    mirrored: list[_Mirrored] = []
    for kind, metric in METRIC_FOR_KIND.items():
        rule = _first_match(sla.deadlines.get(kind, []), level, category, subtype)
        target = None if rule is None else _target(metric, rule.after, day_minutes)
        if rule is not None and target is not None:
            mirrored.append(_Mirrored(kind, rule.rule, target))
    return tuple(mirrored)


def _first_match(rules: list[DeadlineRule], level: int, category: str, subtype: str) -> DeadlineRule | None:
    # channel=None: Zendesk cannot see the channel, so channel-specific rules never apply natively.
    return next(
        (r for r in rules if r.when.matches(level=level, category=category, subtype=subtype, channel=None)),
        None,
    )


def _target(metric: str, span: Span, day_minutes: int | None) -> MetricTarget | None:
    if span.hours is not None:
        # round() first: 4.1 h * 60 is 245.99999999999997 in floating point, not 245.
        return MetricTarget(metric, max(1, int(round(span.hours * 60, 6))), False)
    if span.working_days is None or day_minutes is None:
        return None
    return MetricTarget(metric, span.working_days * day_minutes, True)


def _policies_for_level(level: int, cells: Mapping[tuple[int, str, str], _Targets]) -> list[DesiredSlaPolicy]:
    """The level's policies: specific ones where category or sub-type matter, then the level-wide one."""
    uniform: dict[str, _Targets] = {}
    for category in CATEGORIES:
        by_subtype = {cells[(level, category, s)] for s in SUBTYPES}
        if len(by_subtype) == 1:
            uniform[category] = by_subtype.pop()
    common = Counter(uniform.values()).most_common(1)
    level_wide = common[0][0] if common else None
    policies: list[DesiredSlaPolicy] = []
    own_policy: list[str] = []  # categories the level-wide policy must leave to a narrower one
    for category in CATEGORIES:
        if category in uniform and uniform[category] == level_wide:
            continue
        own_policy.append(category)
        if category in uniform:
            policies += _policy(uniform[category], level, category)
        else:
            for subtype in SUBTYPES:
                policies += _policy(cells[(level, category, subtype)], level, category, subtype)
    if level_wide is not None:
        policies += _policy(level_wide, level, excluded=own_policy)
    return policies


def _policy(
    targets: _Targets,
    level: int,
    category: str | None = None,
    subtype: str | None = None,
    excluded: list[str] | None = None,
) -> list[DesiredSlaPolicy]:
    """A policy for one scope, or none when nothing of it can be mirrored."""
    if not targets:
        return []
    scope = ", ".join([str(level)] + [v.replace("_", " ") for v in (category, subtype) if v is not None])
    conditions = [(TAGS_FIELD, "includes", level_value(level))]
    if category is not None:
        conditions.append((TAGS_FIELD, "includes", category_value(category)))
    if subtype is not None:
        conditions.append((TAGS_FIELD, "includes", subtype_value(subtype)))
    if excluded:
        conditions.append((TAGS_FIELD, "not_includes", " ".join(category_value(c) for c in excluded)))
    mirrors = "; ".join(f"{m.kind} ({m.rule}) as {m.target.metric}" for m in targets)
    return [
        DesiredSlaPolicy(
            title=TITLE_PREFIX + scope + TITLE_SUFFIX,
            description=f"Set by complaint triage from sla.yaml for level {scope} complaints: "
            f"{mirrors}. Other deadlines are kept by the plugin's watcher. The bootstrap overwrites "
            "edits made here.",
            all_conditions=tuple(conditions),
            targets=tuple(m.target for m in targets),
        )
    ]


def _left_to_plugin(sla: SlaPolicy, day_minutes: int | None) -> tuple[str, ...]:
    """One line per deadline (or part of one) that no native policy mirrors, and why."""
    lines: list[str] = []
    for kind, rules in sla.deadlines.items():
        rule_ids = ", ".join(dict.fromkeys(r.rule for r in rules))
        if kind not in METRIC_FOR_KIND:
            why = _WHY_NOT_NATIVE.get(kind, "no Zendesk SLA metric measures it")
            lines.append(f"{kind} ({rule_ids}): {why}")
            continue
        for rule in rules:
            if rule.when.channels is not None:
                lines.append(
                    f"{kind} ({rule.rule}) for channels {', '.join(rule.when.channels)}: "
                    "Zendesk SLA policies here match tags, not channels"
                )
            elif rule.after.working_days is not None and day_minutes is None:
                lines.append(
                    f"{kind} ({rule.rule}, {rule.after.working_days} working days): the account has no "
                    "business-hours schedule with one working-day length to count them in"
                )
    lines.append(
        f"warning ({sla.warning.rule}): Zendesk shows its own countdown; the watcher sends the warnings"
    )
    return tuple(lines)
