"""The native SLA policies derived from sla.yaml: scope, targets, and what is left to the watcher."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from integrations.zendesk.sla_policies import (
    METRIC_FOR_KIND,
    DesiredSlaPolicy,
    is_plugin_policy,
    native_sla_policies,
    working_day_minutes,
)
from integrations.zendesk.ticket_fields import LEVELS, category_value, level_value, subtype_value
from policies.calendar import WorkingCalendar
from policies.deadlines import DeadlineClock
from policies.loader import Policy, load_policy
from policies.routing import PRIORITIES
from policies.sla import SlaPolicy
from policies.taxonomy import CATEGORIES, SUBTYPES
from tests.policy_copy import copy_policies

# Monday to Friday 09:00-17:00 (minutes from Sunday 00:00), Zendesk's default schedule.
NINE_TO_FIVE = [{"start_time": d * 1440 + 540, "end_time": d * 1440 + 1020} for d in range(1, 6)]
RECEIVED = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)  # a Tuesday, an ordinary working day


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    return copy_policies(tmp_path)


def _edit(directory: Path, old: str, new: str) -> Policy:
    path = directory / "sla.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_policy(directory)


def _matches(policy: DesiredSlaPolicy, tags: set[str]) -> bool:
    """Zendesk's reading of the filter's tag conditions (includes: any of; not_includes: none of)."""
    for field, operator, value in policy.all_conditions:
        assert field == "current_tags"
        listed = set(value.split())
        if (operator == "includes") != bool(tags & listed):
            return False
    return True


def _policy_for(policies: tuple[DesiredSlaPolicy, ...], level: int, category: str, subtype: str):
    tags = {level_value(level), category_value(category), subtype_value(subtype), "vip"}
    matching = [p for p in policies if _matches(p, tags)]
    assert len(matching) <= 1, [p.title for p in matching]
    return matching[0] if matching else None


def _minutes(policy: DesiredSlaPolicy | None) -> dict[str, tuple[int, bool]]:
    return {} if policy is None else {t.metric: (t.minutes, t.business_hours) for t in policy.targets}


def _expected_minutes(policy: Policy, level: int, category: str, subtype: str) -> dict[str, int]:
    """What the plugin's own deadline clock gives for hour-based deadlines, in minutes."""
    clock = DeadlineClock(policy.sla, WorkingCalendar(policy.calendar))
    expected = {}
    for kind, metric in METRIC_FOR_KIND.items():
        rules = policy.sla.deadlines.get(kind, [])
        first = next(
            (
                r
                for r in rules
                if r.when.matches(level=level, category=category, subtype=subtype, channel=None)
            ),
            None,
        )
        if first is None or first.after.hours is None:
            continue
        due = clock.deadline_for(
            kind, RECEIVED, level=level, category=category, subtype=subtype, channel=None
        )
        assert due is not None
        expected[metric] = int((due - RECEIVED).total_seconds() // 60)
    return expected


def test_every_graded_complaint_matches_exactly_one_policy_with_the_plugins_hour_targets() -> None:
    # GIVEN the shipped policies and an account without a business-hours schedule
    policy = load_policy()
    # WHEN the native policies are derived
    native = native_sla_policies(policy, working_day_minutes=None)
    # THEN every level/category/sub-type combination is matched by exactly one of them (tags only),
    # with the plugin's own deadlines for hour-based rules, in calendar hours
    for level in LEVELS:
        for category in CATEGORIES:
            for subtype in SUBTYPES:
                found = _policy_for(native.policies, level, category, subtype)
                got = {metric: minutes for metric, (minutes, bh) in _minutes(found).items() if not bh}
                assert got == _expected_minutes(policy, level, category, subtype), (level, category, subtype)
    # AND the targets cover every priority: sla.yaml deadlines do not depend on it
    for desired in native.policies:
        metrics = desired.payload()["policy_metrics"]
        assert {m["priority"] for m in metrics} == set(PRIORITIES)
        assert len(metrics) == len(PRIORITIES) * len(desired.targets)


def test_shipped_policy_gives_level_policies_and_category_policies_where_follow_up_differs() -> None:
    native = native_sla_policies(load_policy(), working_day_minutes=None)
    titles = [p.title for p in native.policies]
    # THEN each level has its own policy, and product / logistics get theirs (R-SLA-2 differs by category)
    for level in LEVELS:
        assert f"Complaint level {level} (complaint-triage)" in titles
        for category in ("product", "logistics"):
            assert f"Complaint level {level}, {category} (complaint-triage)" in titles
    assert len(titles) == len(set(titles)) == len(LEVELS) * 3
    assert all(is_plugin_policy(title) for title in titles)
    logistics = _policy_for(native.policies, 3, "logistics", "late_delivery")
    assert _minutes(logistics) == {
        "first_reply_time": (60, False),
        "periodic_update_time": (120, False),
        "total_resolution_time": (1440, False),
    }


def test_working_days_use_the_schedules_working_day_in_business_hours() -> None:
    policy = load_policy()
    # GIVEN no schedule THEN level 2's resolution (3 working days) is left to the watcher, and said so
    without = native_sla_policies(policy, working_day_minutes=None)
    assert "total_resolution_time" not in _minutes(_policy_for(without.policies, 2, "service", "attitude"))
    assert any(line.startswith("resolution (R-SLA-3, 3 working days)") for line in without.left_to_plugin)
    # GIVEN a nine-to-five schedule THEN it is 3 of its 8-hour days, counted in business hours
    day = working_day_minutes([{"intervals": NINE_TO_FIVE}])
    assert day == 480
    with_schedule = native_sla_policies(policy, working_day_minutes=day)
    level_2 = _minutes(_policy_for(with_schedule.policies, 2, "service", "attitude"))
    assert level_2["total_resolution_time"] == (3 * 480, True)
    assert level_2["first_reply_time"] == (60, False)
    assert not any("working days" in line for line in with_schedule.left_to_plugin)


def test_a_changed_sla_yaml_gives_changed_targets(policy_copy: Path) -> None:
    before = native_sla_policies(load_policy(policy_copy), working_day_minutes=None)
    # GIVEN first response raised to 2 h and the logistics follow-up to 3 h in a copy of sla.yaml
    _edit(
        policy_copy,
        "    - rule: R-SLA-1\n      after: {hours: 1}",
        "    - rule: R-SLA-1\n      after: {hours: 2}",
    )
    changed = _edit(
        policy_copy,
        "      when: {categories: [logistics]}\n      after: {hours: 2}",
        "      when: {categories: [logistics]}\n      after: {hours: 3}",
    )
    # WHEN derived again
    after = native_sla_policies(changed, working_day_minutes=None)
    # THEN the same policies carry the new targets
    assert [p.title for p in after.policies] == [p.title for p in before.policies]
    logistics = _minutes(_policy_for(after.policies, 1, "logistics", "lost_or_damaged"))
    assert logistics == {"first_reply_time": (120, False), "periodic_update_time": (180, False)}
    assert _minutes(_policy_for(after.policies, 3, "other", "other"))["first_reply_time"] == (120, False)


def test_a_subtype_rule_splits_its_category_by_subtype_and_keeps_one_match(policy_copy: Path) -> None:
    # GIVEN level 3 counterfeit claims resolved within 8 h, before the general R-SLA-3 rules
    policy = _edit(
        policy_copy,
        "  resolution:\n",
        "  resolution:\n    - rule: R-SLA-3\n      when: {levels: [3], subtypes: [counterfeit]}\n"
        "      after: {hours: 8}\n",
    )
    native = native_sla_policies(policy, working_day_minutes=None)
    # THEN counterfeit gets 8 h, its category's other sub-types keep 24 h, and nothing overlaps
    counterfeit = _policy_for(native.policies, 3, "product", "counterfeit")
    assert (
        counterfeit is not None
        and counterfeit.title == "Complaint level 3, product, counterfeit (complaint-triage)"
    )
    assert _minutes(counterfeit)["total_resolution_time"] == (480, False)
    assert _minutes(_policy_for(native.policies, 3, "product", "quality_defect"))[
        "total_resolution_time"
    ] == (
        1440,
        False,
    )
    for category in CATEGORIES:
        for subtype in SUBTYPES:
            assert (
                _policy_for(native.policies, 3, category, subtype) is not None
            )  # at most one, asserted inside


def test_channel_rules_and_kinds_without_a_metric_are_left_to_the_watcher(policy_copy: Path) -> None:
    # GIVEN a 30-minute first response for public social posts ahead of the general 1 h rule
    policy = _edit(
        policy_copy,
        "  first_response:\n",
        "  first_response:\n    - rule: R-SLA-9\n      when: {channels: [social_public]}\n"
        "      after: {hours: 0.5}\n",
    )
    native = native_sla_policies(policy, working_day_minutes=None)
    # THEN the native target stays the general one (Zendesk cannot see the channel) and the plan says so
    assert _minutes(_policy_for(native.policies, 3, "service", "attitude"))["first_reply_time"] == (60, False)
    notes = "\n".join(native.left_to_plugin)
    assert "first_response (R-SLA-9) for channels social_public" in notes
    # AND every deadline kind without a Zendesk metric, and the R-SLA-6 warning, is named
    for kind in (
        "escalation",
        "private_contact",
        "cross_dept",
        "re_investigate",
        "re_handle",
        "satisfaction_check",
    ):
        assert f"{kind} (" in notes
    assert "warning (R-SLA-6)" in notes


@pytest.mark.parametrize(("hours", "minutes"), [(0.1, 6), (4.1, 246), (0.001, 1), (1.99, 119)])
def test_hours_become_whole_minutes_never_later_than_the_plugin(hours: float, minutes: int) -> None:
    policy = load_policy()
    raw = policy.sla.model_dump()
    raw["deadlines"]["first_response"] = [{"rule": "R-SLA-1", "after": {"hours": hours}}]
    edited = dataclasses.replace(policy, sla=SlaPolicy.model_validate(raw))
    native = native_sla_policies(edited, working_day_minutes=None)
    assert _minutes(_policy_for(native.policies, 1, "other", "other"))["first_reply_time"] == (minutes, False)


@pytest.mark.parametrize(
    ("schedules", "expected"),
    [
        ([], None),
        ([{"intervals": NINE_TO_FIVE}], 480),
        # a lunch break: two intervals a day, still one working-day length
        (
            [
                {
                    "intervals": [
                        {"start_time": d * 1440 + 540, "end_time": d * 1440 + 720} for d in range(1, 6)
                    ]
                    + [{"start_time": d * 1440 + 780, "end_time": d * 1440 + 1080} for d in range(1, 6)]
                }
            ],
            480,
        ),
        # a short Friday: no single length to convert working days with
        (
            [{"intervals": [*NINE_TO_FIVE[:4], {"start_time": 5 * 1440 + 540, "end_time": 5 * 1440 + 720}]}],
            None,
        ),
        # two schedules that disagree
        ([{"intervals": NINE_TO_FIVE}, {"intervals": [{"start_time": 1980, "end_time": 2520}]}], None),
        # an overnight shift is one working day, not two halves
        (
            [{"intervals": [{"start_time": d * 1440 + 1200, "end_time": d * 1440 + 1680} for d in (1, 2)]}],
            480,
        ),
    ],
)
def test_working_day_length_is_read_from_the_schedules(schedules: list, expected: int | None) -> None:
    assert working_day_minutes(schedules) == expected


def test_only_the_plugins_titles_are_recognised() -> None:
    assert is_plugin_policy("Complaint level 2, logistics (complaint-triage)")
    assert not is_plugin_policy("Complaint level 1")  # an admin's own policy of a similar name
    assert not is_plugin_policy("VIP customers (complaint-triage)")
    assert not is_plugin_policy("Silver Plan")


def test_payload_has_the_sla_policies_api_shape() -> None:
    desired = native_sla_policies(load_policy(), working_day_minutes=None).policies[0]
    body = desired.payload(position=1)
    assert set(body) == {"title", "description", "filter", "policy_metrics", "position"}
    assert body["filter"]["any"] == [] and all(
        set(c) == {"field", "operator", "value"} for c in body["filter"]["all"]
    )
    assert all(set(m) == {"priority", "metric", "target", "business_hours"} for m in body["policy_metrics"])
    assert "position" not in desired.payload()  # updates leave an administrator's ordering alone
