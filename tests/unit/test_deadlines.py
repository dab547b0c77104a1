"""The deadline clock: sla.yaml applied to a complaint (R-SLA-1..9, R-ROUTE-1/3)."""

import datetime as dt
import inspect
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from pydantic import BaseModel

from policies.calendar import CalendarPolicy, CalendarYearUnknown, WorkingCalendar
from policies.deadlines import DeadlineClock, Due
from policies.decision import Deadlines
from policies.sla import SlaPolicy
from policies.taxonomy import DeadlineKind

try:
    from policies.loader import parse_policy_file
except ImportError:  # the loader imports policy modules other people are still writing
    parse_policy_file = None  # type: ignore[assignment]

DATA = Path(__file__).resolve().parents[1] / "data"
POLICY_DIR = Path(inspect.getfile(SlaPolicy)).resolve().parent
CST = ZoneInfo("Asia/Shanghai")
EIGHT_HOURS = dt.timedelta(hours=8)

# A routine product complaint on the web form: the shape most tests vary one field of.
ROUTINE: dict[str, Any] = {"level": 3, "category": "product", "subtype": "quality_defect", "channel": "web"}


def load(path: Path, model: type[BaseModel]) -> Any:
    """Parse a policy file the way the loader does when it can be imported, else validate directly."""
    raw = path.read_bytes()
    if parse_policy_file is not None:
        return parse_policy_file(path, model, raw)
    return model.model_validate(yaml.safe_load(raw))


def at(text: str) -> dt.datetime:
    """An aware datetime from ISO text (the offset is part of the text)."""
    moment = dt.datetime.fromisoformat(text)
    assert moment.tzinfo is not None, "tests state offsets explicitly"
    return moment


def shape(**changes: Any) -> dict[str, Any]:
    return {**ROUTINE, **changes}


@pytest.fixture(scope="module")
def sla() -> SlaPolicy:
    return load(POLICY_DIR / "sla.yaml", SlaPolicy)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(load(POLICY_DIR / "calendar.yaml", CalendarPolicy))


@pytest.fixture(scope="module")
def clock(sla: SlaPolicy, calendar: WorkingCalendar) -> DeadlineClock:
    return DeadlineClock(sla, calendar)


# --- natural hours ------------------------------------------------------------------------------


def test_first_response_is_one_natural_hour_across_midnight(clock: DeadlineClock) -> None:
    """GIVEN a complaint at 23:30 WHEN computing first_response THEN 00:30 the next day (R-SLA-1)."""
    due = clock.deadline_for("first_response", at("2026-03-02T23:30:00+08:00"), **ROUTINE)
    assert due == at("2026-03-03T00:30:00+08:00")


def test_natural_hours_run_through_holidays(clock: DeadlineClock) -> None:
    """GIVEN a complaint on National Day 2026 WHEN computing first_response THEN still +1 h, no calendar."""
    due = clock.deadline_for("first_response", at("2026-10-01T10:00:00+08:00"), **ROUTINE)
    assert due == at("2026-10-01T11:00:00+08:00")


def test_natural_hours_do_not_need_a_known_year(clock: DeadlineClock) -> None:
    """GIVEN a complaint in 2027 (unknown calendar year) WHEN a deadline is in hours THEN it is computed."""
    due = clock.deadline_for("first_response", at("2027-03-01T10:00:00+08:00"), **ROUTINE)
    assert due == at("2027-03-01T11:00:00+08:00")


def test_utc_input_gives_beijing_output(clock: DeadlineClock) -> None:
    """GIVEN received_at 2026-03-02T01:00Z WHEN computing first_response THEN 10:00 +08:00, same instant."""
    due = clock.deadline_for("first_response", at("2026-03-02T01:00:00+00:00"), **ROUTINE)
    assert due is not None
    assert due.utcoffset() == EIGHT_HOURS
    assert (due.hour, due.minute) == (10, 0)
    assert due == at("2026-03-02T02:00:00+00:00")


# --- which rule applies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "hours"),
    [("logistics", 2), ("product", 4), ("service", None), ("transaction", None), ("other", None)],
)
def test_follow_up_by_category(clock: DeadlineClock, category: str, hours: int | None) -> None:
    """GIVEN a complaint of a category WHEN computing follow_up THEN logistics 2 h, product 4 h, else none."""
    received = at("2026-03-02T10:00:00+08:00")
    due = clock.deadline_for("follow_up", received, **shape(category=category))
    assert due == (None if hours is None else received + dt.timedelta(hours=hours))


def test_resolution_level_3_is_24_natural_hours_over_a_weekend(clock: DeadlineClock) -> None:
    """GIVEN a level-3 complaint on Fri 10:00 WHEN computing resolution THEN Sat 10:00 (R-SLA-3)."""
    due = clock.deadline_for("resolution", at("2025-03-07T10:00:00+08:00"), **shape(level=3))
    assert due == at("2025-03-08T10:00:00+08:00")


def test_resolution_level_2_is_three_working_days_across_a_weekend(clock: DeadlineClock) -> None:
    """GIVEN a level-2 complaint on Fri 7 Mar 2025 14:30 WHEN computing resolution THEN Wed 12 Mar 14:30."""
    due = clock.deadline_for("resolution", at("2025-03-07T14:30:00+08:00"), **shape(level=2))
    assert due == at("2025-03-12T14:30:00+08:00")


def test_resolution_level_2_across_national_day_2026(clock: DeadlineClock) -> None:
    """GIVEN a level-2 complaint on Wed 30 Sep 2026 10:00 WHEN computing resolution THEN Sat 10 Oct 10:00.

    Oct 1-7 off; Oct 8, Oct 9 and the make-up Saturday Oct 10 are the three working days.
    """
    due = clock.deadline_for("resolution", at("2026-09-30T10:00:00+08:00"), **shape(level=2))
    assert due == at("2026-10-10T10:00:00+08:00")


def test_resolution_level_2_received_on_saturday(clock: DeadlineClock) -> None:
    """GIVEN a level-2 complaint on Sat 8 Mar 2025 15:00 WHEN computing resolution THEN Thu 13 Mar 09:00."""
    due = clock.deadline_for("resolution", at("2025-03-08T15:00:00+08:00"), **shape(level=2))
    assert due == at("2025-03-13T09:00:00+08:00")


def test_resolution_level_2_into_an_unknown_year_refuses(clock: DeadlineClock) -> None:
    """GIVEN a level-2 complaint on Thu 31 Dec 2026 WHEN counting into 2027 THEN CalendarYearUnknown."""
    with pytest.raises(CalendarYearUnknown, match="2027"):
        clock.deadline_for("resolution", at("2026-12-31T10:00:00+08:00"), **shape(level=2))


def test_resolution_level_2_into_a_declared_year(sla: SlaPolicy) -> None:
    """GIVEN calendar.yaml-style extra_years declaring 2027 WHEN counting into it THEN a due time."""
    calendar = WorkingCalendar(load(DATA / "calendar_extra_2027.yaml", CalendarPolicy))
    due = DeadlineClock(sla, calendar).deadline_for(
        "resolution", at("2026-12-31T10:00:00+08:00"), **shape(level=2)
    )
    assert due == at("2027-01-07T10:00:00+08:00")  # Jan 5, 6, 7 (Jan 1 and 4 declared off)


def test_resolution_level_1_has_none(clock: DeadlineClock) -> None:
    """GIVEN a level-1 complaint WHEN computing resolution THEN none: the 2 h meeting covers it."""
    assert clock.deadline_for("resolution", at("2026-03-02T10:00:00+08:00"), **shape(level=1)) is None


@pytest.mark.parametrize(("level", "rule"), [(1, "R-ROUTE-1"), (2, None), (3, "R-ROUTE-3")])
def test_escalation_by_level(clock: DeadlineClock, level: int, rule: str | None) -> None:
    """GIVEN a complaint of a level WHEN computing escalation THEN +2 h for levels 1 and 3, none for 2."""
    received = at("2026-03-02T10:00:00+08:00")
    due = clock.due_for("escalation", received, **shape(level=level))
    if rule is None:
        assert due is None
    else:
        assert due == Due(received + dt.timedelta(hours=2), rule)


@pytest.mark.parametrize("channel", ["web", "email", "chat", "phone", "social_private", None])
def test_private_contact_not_for_other_channels(clock: DeadlineClock, channel: str | None) -> None:
    """GIVEN a complaint not posted publicly WHEN computing private_contact THEN none."""
    assert (
        clock.deadline_for("private_contact", at("2026-03-02T10:00:00+08:00"), **shape(channel=channel))
        is None
    )


def test_private_contact_for_public_social_posts(clock: DeadlineClock) -> None:
    """GIVEN a public Weibo post at 10:00 WHEN computing private_contact THEN 11:00 under R-SLA-9."""
    received = at("2026-03-02T10:00:00+08:00")
    assert clock.due_for("private_contact", received, **shape(channel="social_public")) == Due(
        at("2026-03-02T11:00:00+08:00"), "R-SLA-9"
    )


@pytest.mark.parametrize(
    ("kind", "hours", "rule"),
    [
        ("cross_dept", 2, "R-SLA-4"),
        ("re_investigate", 1, "R-SLA-5"),
        ("re_handle", 2, "R-SLA-7"),
        ("satisfaction_check", 24, "R-SLA-8"),
    ],
)
def test_event_deadlines(clock: DeadlineClock, kind: DeadlineKind, hours: int, rule: str) -> None:
    """GIVEN a triggering event (request, rejected plan, ...) WHEN computing its deadline THEN its span."""
    event = at("2026-03-06T17:00:00+08:00")
    assert clock.due_for(kind, event, **ROUTINE) == Due(event + dt.timedelta(hours=hours), rule)


@pytest.mark.parametrize(
    ("kind", "changes", "rule"),
    [
        ("first_response", {}, "R-SLA-1"),
        ("follow_up", {"category": "logistics"}, "R-SLA-2"),
        ("follow_up", {"category": "service"}, None),
        ("resolution", {"level": 2}, "R-SLA-3"),
        ("escalation", {"level": 1}, "R-ROUTE-1"),
        ("private_contact", {"channel": "social_public"}, "R-SLA-9"),
    ],
)
def test_rule_for_names_the_rule(
    clock: DeadlineClock, kind: DeadlineKind, changes: dict, rule: str | None
) -> None:
    """GIVEN a complaint shape WHEN asking which rule sets a deadline THEN its ID, or None."""
    assert clock.rule_for(kind, **shape(**changes)) == rule


def test_first_matching_rule_wins(calendar: WorkingCalendar) -> None:
    """GIVEN two follow_up rules that both match WHEN computing THEN the first listed applies."""
    policy = SlaPolicy.model_validate(
        {
            "deadlines": {
                "follow_up": [
                    {"rule": "R-SLA-2", "when": {"subtypes": ["late_delivery"]}, "after": {"hours": 3}},
                    {"rule": "R-SLA-1", "when": {"categories": ["logistics"]}, "after": {"hours": 2}},
                ]
            },
            "warning": {"rule": "R-SLA-6", "before": {"hours": 1}, "short_window_share": 0.75},
            "plan_iterations": {"rule": "R-SLA-5", "max_iterations": 2},
            "clock_skew": {"rule": "R-SLA-9", "seconds": 300},
        }
    )
    clock = DeadlineClock(policy, calendar)
    received = at("2026-03-02T10:00:00+08:00")
    late = shape(category="logistics", subtype="late_delivery")
    lost = shape(category="logistics", subtype="lost_or_damaged")
    assert clock.due_for("follow_up", received, **late) == Due(received + dt.timedelta(hours=3), "R-SLA-2")
    assert clock.due_for("follow_up", received, **lost) == Due(received + dt.timedelta(hours=2), "R-SLA-1")
    # A kind with no rules at all is simply not applicable.
    assert clock.deadline_for("first_response", received, **late) is None


def test_unknown_kind_is_refused(clock: DeadlineClock) -> None:
    """GIVEN a kind outside the taxonomy WHEN asked THEN ValueError, not a silent 'no deadline'."""
    with pytest.raises(ValueError, match="unknown deadline kind"):
        clock.deadline_for("first_reponse", at("2026-03-02T10:00:00+08:00"), **ROUTINE)  # type: ignore[arg-type]


# --- deadlines_for ------------------------------------------------------------------------------


def test_deadlines_for_a_public_logistics_complaint(clock: DeadlineClock) -> None:
    """GIVEN a level-3 logistics complaint posted publicly WHEN computing all deadlines THEN all are set."""
    received = at("2026-03-02T10:00:00+08:00")
    deadlines = clock.deadlines_for(
        received, level=3, category="logistics", subtype="late_delivery", channel="social_public"
    )
    assert isinstance(deadlines, Deadlines)
    assert deadlines == Deadlines(
        first_response=at("2026-03-02T11:00:00+08:00"),
        follow_up=at("2026-03-02T12:00:00+08:00"),
        resolution=at("2026-03-03T10:00:00+08:00"),
        escalation=at("2026-03-02T12:00:00+08:00"),
        private_contact=at("2026-03-02T11:00:00+08:00"),
    )


def test_deadlines_for_a_level_2_complaint_from_utc(clock: DeadlineClock) -> None:
    """GIVEN a level-2 service complaint received in UTC WHEN computing THEN +08:00 times, others None."""
    deadlines = clock.deadlines_for(at("2026-03-06T02:00:00+00:00"), **shape(level=2, category="service"))
    assert deadlines.first_response == at("2026-03-06T11:00:00+08:00")
    assert deadlines.follow_up is None
    assert deadlines.resolution == at("2026-03-11T10:00:00+08:00")  # Fri 10:00 + 3 working days
    assert deadlines.escalation is None
    assert deadlines.private_contact is None
    for value in (deadlines.first_response, deadlines.resolution):
        assert value is not None and value.utcoffset() == EIGHT_HOURS
    # Every kind is present in the plain form adapters serialise.
    assert set(deadlines.as_dict()) == set(Deadlines.kinds())


# --- naive datetimes ----------------------------------------------------------------------------


def test_naive_received_at_is_refused(clock: DeadlineClock) -> None:
    """GIVEN a datetime without offset WHEN computing any deadline THEN ValueError: we require an offset."""
    naive = dt.datetime(2026, 3, 2, 10, 0)
    with pytest.raises(ValueError, match="no offset"):
        clock.deadline_for("first_response", naive, **ROUTINE)
    with pytest.raises(ValueError, match="no offset"):
        clock.deadlines_for(naive, **ROUTINE)
    with pytest.raises(ValueError, match="no offset"):
        clock.warn_at(naive, at("2026-03-02T12:00:00+08:00"))


def test_naive_received_at_is_refused_even_when_no_rule_applies(clock: DeadlineClock) -> None:
    """GIVEN a naive datetime and a kind that does not apply WHEN asked THEN still ValueError (no masking)."""
    with pytest.raises(ValueError, match="no offset"):
        clock.deadline_for("private_contact", dt.datetime(2026, 3, 2, 10, 0), **ROUTINE)


# --- warnings (R-SLA-6) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due", "warn"),
    [
        # A 2 h window: warned 1 h before.
        ("2026-03-02T10:00:00+08:00", "2026-03-02T12:00:00+08:00", "2026-03-02T11:00:00+08:00"),
        # A 24 h window: warned 1 h before.
        ("2026-03-02T10:00:00+08:00", "2026-03-03T10:00:00+08:00", "2026-03-03T09:00:00+08:00"),
        # A 1 h window: 1 h before would be the start itself, so 75 % of the window.
        ("2026-03-02T10:00:00+08:00", "2026-03-02T11:00:00+08:00", "2026-03-02T10:45:00+08:00"),
        # A 40 min window: 75 % of it.
        ("2026-03-02T10:00:00+08:00", "2026-03-02T10:40:00+08:00", "2026-03-02T10:30:00+08:00"),
    ],
)
def test_warn_at(clock: DeadlineClock, start: str, due: str, warn: str) -> None:
    """GIVEN a deadline window WHEN computing the warning THEN due − 1 h, or 75 % into a short window."""
    assert clock.warn_at(at(start), at(due)) == at(warn)


def test_warn_at_mixed_offsets_gives_beijing_time(clock: DeadlineClock) -> None:
    """GIVEN a start in UTC and a due in +08:00 WHEN computing the warning THEN elapsed time, in +08:00."""
    warn = clock.warn_at(at("2026-03-02T02:00:00+00:00"), at("2026-03-02T12:00:00+08:00"))
    assert warn == at("2026-03-02T11:00:00+08:00")
    assert warn.utcoffset() == EIGHT_HOURS


def test_warning_in_working_days_is_refused(calendar: WorkingCalendar) -> None:
    """GIVEN sla.yaml with warning.before in working days WHEN building the clock THEN ValueError."""
    with pytest.raises(ValueError, match=r"warning\.before"):
        DeadlineClock(load(DATA / "deadline_warning_in_days.yaml", SlaPolicy), calendar)


# --- the shipped sla.yaml and broken ones -------------------------------------------------------


def test_shipped_sla_settings(sla: SlaPolicy) -> None:
    """GIVEN policies/sla.yaml WHEN loaded THEN the R-SLA-6 warning and R-SLA-5 iteration limits are set."""
    assert sla.warning.rule == "R-SLA-6"
    assert sla.warning.before.hours == 1
    assert sla.warning.short_window_share == 0.75
    assert sla.plan_iterations.rule == "R-SLA-5"
    assert sla.plan_iterations.max_iterations == 2


@pytest.mark.parametrize(
    ("fixture", "where", "what"),
    [
        (
            "deadline_both_units.yaml",
            "deadlines.resolution.0.after",
            "exactly one of 'hours' or 'working_days'",
        ),
        ("deadline_unknown_kind.yaml", "deadlines.first_reponse", "first_response"),
        ("deadline_bad_rule_id.yaml", "deadlines.follow_up.0.rule", "pattern"),
    ],
)
def test_broken_sla_yaml_is_rejected_naming_the_path(fixture: str, where: str, what: str) -> None:
    """GIVEN an sla.yaml with one defect WHEN loaded THEN it fails with the path inside the file."""
    with pytest.raises(ValueError) as caught:
        load(DATA / fixture, SlaPolicy)
    message = str(caught.value)
    assert where in message
    assert what in message
    if parse_policy_file is not None:
        assert fixture in message
