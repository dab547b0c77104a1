"""Working-day calendar (R-SLA-10): weekends, public holidays, make-up workdays, unknown years."""

import datetime as dt
import inspect
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from policies.calendar import CalendarPolicy, CalendarYearUnknown, WorkingCalendar

try:
    from policies.loader import parse_policy_file
except ImportError:  # the loader imports policy modules other people are still writing
    parse_policy_file = None  # type: ignore[assignment]

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED = Path(inspect.getfile(CalendarPolicy)).resolve().parent / "calendar.yaml"
CST = ZoneInfo("Asia/Shanghai")


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


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(load(SHIPPED, CalendarPolicy))


@pytest.fixture(scope="module")
def calendar_2027() -> WorkingCalendar:
    return WorkingCalendar(load(DATA / "calendar_extra_2027.yaml", CalendarPolicy))


# --- the shipped policy -------------------------------------------------------------------------


def test_shipped_calendar_policy_is_the_sop_setting() -> None:
    """GIVEN policies/calendar.yaml WHEN loaded THEN it cites R-SLA-10, uses Beijing time, opens at 09:00."""
    policy = load(SHIPPED, CalendarPolicy)
    assert policy.rule == "R-SLA-10"
    assert policy.source == "chinesecalendar"
    assert policy.timezone == "Asia/Shanghai"
    assert policy.business_day_start == dt.time(9, 0)
    assert policy.extra_years == {}


def test_zone_is_a_zoneinfo(calendar: WorkingCalendar) -> None:
    """GIVEN the shipped calendar THEN its zone is the IANA zone object, offset +08:00."""
    assert calendar.zone == CST
    assert dt.datetime(2026, 1, 5, tzinfo=calendar.zone).utcoffset() == dt.timedelta(hours=8)


# --- is_working_day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2025, 3, 7), True),  # ordinary Friday
        (dt.date(2025, 3, 8), False),  # ordinary Saturday
        (dt.date(2025, 3, 9), False),  # ordinary Sunday
        (dt.date(2026, 10, 1), False),  # National Day
        (dt.date(2026, 10, 5), False),  # National Day holiday on a Monday
        (dt.date(2026, 10, 7), False),  # last day of the 2026 National Day holiday
        (dt.date(2026, 10, 8), True),  # back to work (a Thursday)
        (dt.date(2026, 9, 20), True),  # make-up workday: a Sunday
        (dt.date(2026, 10, 10), True),  # make-up workday: a Saturday
        (dt.date(2026, 9, 25), False),  # Mid-autumn Festival, a Friday
        (dt.date(2026, 9, 27), False),  # Sunday inside the Mid-autumn break: not a make-up day
    ],
)
def test_is_working_day_follows_the_official_calendar(
    calendar: WorkingCalendar, day: dt.date, working: bool
) -> None:
    """GIVEN a date in 2025-2026 WHEN asked THEN weekends, holidays and make-up workdays are honoured."""
    assert calendar.is_working_day(day) is working


def test_2026_national_day_data_is_what_the_tests_assume() -> None:
    """GIVEN chinesecalendar WHEN reading 2026 THEN Oct 1-7 are off and Sep 20 / Oct 10 are make-up days.

    Guards the expectations above against a library upgrade that revises the 2026 data.
    """
    off = [dt.date(2026, 10, d) for d in range(1, 8)]
    assert not any(chinese_calendar.is_workday(d) for d in off)
    assert chinese_calendar.is_workday(dt.date(2026, 10, 8))
    assert chinese_calendar.is_workday(dt.date(2026, 9, 20))
    assert chinese_calendar.is_workday(dt.date(2026, 10, 10))


def test_is_working_day_refuses_a_datetime(calendar: WorkingCalendar) -> None:
    """GIVEN a datetime WHEN asked for its day THEN TypeError: the day of an instant depends on the zone."""
    with pytest.raises(TypeError, match="convert"):
        calendar.is_working_day(at("2026-03-02T10:00:00+08:00"))  # type: ignore[arg-type]


# --- unknown years ------------------------------------------------------------------------------


def test_unknown_year_raises_with_instructions(calendar: WorkingCalendar) -> None:
    """GIVEN 2027, unknown to the library and absent from calendar.yaml WHEN asked THEN it refuses."""
    with pytest.raises(CalendarYearUnknown) as caught:
        calendar.is_working_day(dt.date(2027, 1, 4))
    message = str(caught.value)
    assert "2027" in message
    assert "calendar.yaml" in message
    assert "extra_years" in message
    assert caught.value.year == 2027
    assert isinstance(caught.value, ValueError)


def test_year_before_the_library_range_raises(calendar: WorkingCalendar) -> None:
    """GIVEN 2003, before the library's data WHEN asked THEN CalendarYearUnknown, not a weekend guess."""
    with pytest.raises(CalendarYearUnknown, match="2003"):
        calendar.is_working_day(dt.date(2003, 6, 2))


def test_counting_into_an_unknown_year_raises(calendar: WorkingCalendar) -> None:
    """GIVEN Thu 31 Dec 2026 WHEN adding 1 working day THEN the count needs 2027 and refuses."""
    with pytest.raises(CalendarYearUnknown, match="2027"):
        calendar.add_working_days(at("2026-12-31T10:00:00+08:00"), 1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2027, 1, 1), False),  # listed holiday (a Friday)
        (dt.date(2027, 1, 4), False),  # listed holiday (a Monday)
        (dt.date(2027, 1, 5), True),  # unlisted Tuesday
        (dt.date(2027, 1, 9), True),  # listed make-up workday (a Saturday)
        (dt.date(2027, 1, 10), False),  # unlisted Sunday
        (dt.date(2027, 1, 16), False),  # unlisted Saturday
    ],
)
def test_extra_years_make_a_year_known(calendar_2027: WorkingCalendar, day: dt.date, working: bool) -> None:
    """GIVEN calendar.yaml declaring 2027 WHEN asked about 2027 THEN the declaration decides."""
    assert calendar_2027.is_working_day(day) is working


def test_extra_years_let_the_count_cross_into_the_new_year(calendar_2027: WorkingCalendar) -> None:
    """GIVEN 2027 declared WHEN Thu 31 Dec 2026 10:00 + 2 working days THEN Jan 1 and 4 are skipped.

    Jan 1 (holiday), Jan 2-3 (weekend), Jan 4 (holiday) → Tue 5 Jan is day 1, Wed 6 Jan is day 2.
    """
    due = calendar_2027.add_working_days(at("2026-12-31T10:00:00+08:00"), 2)
    assert due == at("2027-01-06T10:00:00+08:00")


def test_extra_years_override_a_year_the_library_knows() -> None:
    """GIVEN calendar.yaml declaring an extra 2026 day off WHEN asked THEN the operator's entry wins."""
    policy = CalendarPolicy.model_validate(
        {
            "rule": "R-SLA-10",
            "source": "chinesecalendar",
            "timezone": "Asia/Shanghai",
            "business_day_start": "09:00",
            "extra_years": {2026: {"holidays": ["2026-03-04"], "workdays": ["2026-03-08"]}},
        }
    )
    calendar = WorkingCalendar(policy)
    assert calendar.is_working_day(dt.date(2026, 3, 4)) is False  # a Wednesday made a holiday
    assert calendar.is_working_day(dt.date(2026, 3, 8)) is True  # a Sunday made a workday
    assert calendar.is_working_day(dt.date(2026, 3, 5)) is True  # the rest still from the library
    assert calendar.is_working_day(dt.date(2026, 3, 7)) is False


# --- broken calendar.yaml -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "where", "what"),
    [
        ("calendar_misfiled_date.yaml", "extra_years.2027", "2026-01-01"),
        ("calendar_bad_timezone.yaml", "timezone", "Asia/Shanghia"),
    ],
)
def test_broken_calendar_yaml_is_rejected_naming_the_place(fixture: str, where: str, what: str) -> None:
    """GIVEN a calendar.yaml with a misfiled date or a misspelt zone WHEN loaded THEN it fails loudly."""
    with pytest.raises(ValueError) as caught:
        load(DATA / fixture, CalendarPolicy)
    message = str(caught.value)
    assert where in message
    assert what in message
    if parse_policy_file is not None:
        assert fixture in message


def test_a_date_both_holiday_and_workday_is_rejected() -> None:
    """GIVEN extra_years listing one date under both lists WHEN validated THEN it is refused."""
    with pytest.raises(ValueError, match=r"extra_years\.2027: dates both holiday and workday: 2027-01-09"):
        CalendarPolicy.model_validate(
            {
                "rule": "R-SLA-10",
                "source": "chinesecalendar",
                "timezone": "Asia/Shanghai",
                "business_day_start": "09:00",
                "extra_years": {2027: {"holidays": ["2027-01-09"], "workdays": ["2027-01-09"]}},
            }
        )


# --- add_working_days ---------------------------------------------------------------------------


def test_three_working_days_across_a_weekend(calendar: WorkingCalendar) -> None:
    """GIVEN Fri 7 Mar 2025 14:30 WHEN +3 working days THEN Wed 12 Mar 14:30 (Sat/Sun skipped)."""
    assert calendar.add_working_days(at("2025-03-07T14:30:00+08:00"), 3) == at("2025-03-12T14:30:00+08:00")


def test_three_working_days_across_national_day_2026(calendar: WorkingCalendar) -> None:
    """GIVEN Wed 30 Sep 2026 10:00 WHEN +3 working days THEN Sat 10 Oct 10:00.

    Oct 1-7 are holidays; Oct 8 (Thu) and 9 (Fri) are days 1 and 2; the make-up Saturday Oct 10 is day 3.
    """
    assert calendar.add_working_days(at("2026-09-30T10:00:00+08:00"), 3) == at("2026-10-10T10:00:00+08:00")


def test_received_on_saturday_counts_from_monday_morning(calendar: WorkingCalendar) -> None:
    """GIVEN Sat 8 Mar 2025 15:00 WHEN +3 working days THEN treated as Mon 09:00 → Thu 13 Mar 09:00."""
    assert calendar.add_working_days(at("2025-03-08T15:00:00+08:00"), 3) == at("2025-03-13T09:00:00+08:00")


def test_received_during_a_holiday_counts_from_the_first_day_back(calendar: WorkingCalendar) -> None:
    """GIVEN Sat 3 Oct 2026 11:00 (National Day) WHEN +1 working day THEN Thu 8 Oct 09:00 + 1 = Fri 9 Oct."""
    assert calendar.add_working_days(at("2026-10-03T11:00:00+08:00"), 1) == at("2026-10-09T09:00:00+08:00")


def test_received_on_a_make_up_workday_counts_as_working(calendar: WorkingCalendar) -> None:
    """GIVEN Sun 20 Sep 2026 15:00, a make-up workday WHEN +1 working day THEN Mon 21 Sep 15:00.

    An ordinary Sunday would have given Tue 09:00 instead.
    """
    assert calendar.add_working_days(at("2026-09-20T15:00:00+08:00"), 1) == at("2026-09-21T15:00:00+08:00")


def test_day_is_taken_in_the_calendar_zone(calendar: WorkingCalendar) -> None:
    """GIVEN Sun 1 Mar 2026 20:00 UTC (= Mon 2 Mar 04:00 in Beijing) WHEN +3 THEN Thu 5 Mar 04:00 +08:00.

    Read in UTC the day would be a Sunday, giving Thu 09:00: the calendar day is the local one.
    """
    due = calendar.add_working_days(at("2026-03-01T20:00:00+00:00"), 3)
    assert due == at("2026-03-05T04:00:00+08:00")
    assert due.utcoffset() == dt.timedelta(hours=8)
    assert due.tzinfo == CST


def test_zero_working_days_on_a_non_working_day_is_the_next_opening(calendar: WorkingCalendar) -> None:
    """GIVEN Sat 8 Mar 2025 15:00 WHEN +0 working days THEN Mon 10 Mar 09:00 (when the count starts)."""
    assert calendar.add_working_days(at("2025-03-08T15:00:00+08:00"), 0) == at("2025-03-10T09:00:00+08:00")


def test_naive_start_is_refused(calendar: WorkingCalendar) -> None:
    """GIVEN a datetime without offset WHEN adding working days THEN ValueError: the offset is required."""
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_days(dt.datetime(2026, 3, 2, 10, 0), 3)


def test_negative_count_is_refused(calendar: WorkingCalendar) -> None:
    """GIVEN n = -1 WHEN adding working days THEN ValueError rather than a date in the past."""
    with pytest.raises(ValueError, match="n must be"):
        calendar.add_working_days(at("2026-03-02T10:00:00+08:00"), -1)


# --- property -----------------------------------------------------------------------------------

_ZONES = st.sampled_from(
    [dt.UTC, CST, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=9))]
)


@given(
    received=st.datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 12, 15), timezones=_ZONES
    ),
    n=st.integers(min_value=1, max_value=5),
)
def test_add_working_days_property(calendar: WorkingCalendar, received: dt.datetime, n: int) -> None:
    """GIVEN any instant in 2025-2026 and n in 1..5 WHEN adding n working days THEN:

    the result is a working day, strictly later, and exactly n-1 working days lie strictly between
    the start day (or, if that is not a working day, the next working day) and the result day.
    chinese_calendar is the oracle, so the property does not trust the code under test.
    """
    due = calendar.add_working_days(received, n)
    local = received.astimezone(CST)
    anchor = local.date()
    while not chinese_calendar.is_workday(anchor):
        anchor += dt.timedelta(days=1)
    between = sum(
        chinese_calendar.is_workday(anchor + dt.timedelta(days=k))
        for k in range(1, (due.date() - anchor).days)
    )
    assert chinese_calendar.is_workday(due.date())
    assert due > received
    assert due.date() > anchor
    assert between == n - 1
    expected_clock = local.time() if anchor == local.date() else dt.time(9, 0)
    assert due.time() == expected_clock
    assert due.utcoffset() == dt.timedelta(hours=8)
