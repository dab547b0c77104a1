"""routing.yaml and conversation.yaml applied to gradings (R-ROUTE, R-GRADE-4/7, R-REVIEW-4, R-SLA-7)."""

from __future__ import annotations

import pytest

from policies.engine import TriageEngine
from policies.loader import PolicyError, load_policy

ENGINE = TriageEngine.from_directory()
ROUTING = ENGINE.policy.routing


def grade(text: str, subject: str | None = None):
    return ENGINE.grader.grade(text, subject)


def test_level_one_goes_to_supervisor_and_compliance_with_pr_for_a_regulator() -> None:
    # GIVEN a safety complaint whose customer has called 12315 (R-GRADE-1a, R-GRADE-1c)
    route = ROUTING.route_for(grade("热水器漏电把我电了一下,我已经打了12315投诉"))
    # THEN R-ROUTE-1 routing, urgent, and the one-voice step of R-ROUTE-4
    assert route.rule == "R-ROUTE-1" and route.priority == "urgent"
    assert route.group_name == ROUTING.teams[ROUTING.levels[1].team]
    assert "R-ROUTE-4" in {step.rule for step in route.steps}


def test_a_routine_complaint_gets_its_sub_type_follow_up_path() -> None:
    # GIVEN a late parcel (R-GRADE-4: contact the carrier)
    route = ROUTING.route_for(grade("My parcel is a week late and tracking has not moved."))
    # THEN the front line handles it at normal priority, with the logistics path among the steps
    assert route.rule == "R-ROUTE-3" and route.priority == "normal"
    assert any(step.rule == "R-GRADE-4" and "carrier" in step.text for step in route.steps)


@pytest.mark.parametrize(("tags", "expected"), [(["VIP"], "high_value"), (["other"], None), ([], None)])
def test_tiers_are_recognised_by_ticket_tag_case_insensitively(tags: list[str], expected: str | None) -> None:
    assert ROUTING.tier_of(tags) == expected


def test_a_high_value_tier_raises_priority_one_step_and_never_past_urgent() -> None:
    routine = grade("My parcel is a week late.")
    urgent = grade("热水器漏电把我电了一下")
    assert ROUTING.route_for(routine, tier="high_value").priority == "high"
    assert ROUTING.route_for(urgent, tier="high_value").priority == "urgent"


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("我對這個處理結果不滿意", True),
        ("I'm not satisfied with the refund", True),
        ("Thanks, all good now", False),
    ],
)
def test_not_satisfied_is_recognised_in_both_scripts_and_languages(text: str, matched: bool) -> None:
    assert (ENGINE.policy.conversation.not_satisfied.match(text) is not None) is matched


def test_a_route_to_an_unknown_team_is_refused_at_load(tmp_path) -> None:
    # GIVEN a copy of the policies whose level 2 names a team that does not exist

    from tests.policy_copy import copy_policies

    copy_policies(tmp_path)
    routing = tmp_path / "routing.yaml"
    routing.write_text(
        routing.read_text(encoding="utf-8").replace("team: senior_specialists", "team: nobody")
    )
    # WHEN loaded THEN the error names the file, the level and the team
    with pytest.raises(PolicyError, match=r"routing\.yaml.*levels\.2\.team.*'nobody'"):
        load_policy(tmp_path)
