"""Schema of calendar.yaml and the working-day calendar it configures (R-SLA-10)."""

import datetime as dt
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policies.rule_ids import RuleId


class YearOverride(BaseModel):
    """A year the calendar library does not know yet, declared by the operator from the official notice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    holidays: list[dt.date] = Field(default_factory=list)
    workdays: list[dt.date] = Field(default_factory=list, description="make-up working days on weekends")


class CalendarPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    source: Literal["chinesecalendar"]
    timezone: str
    business_day_start: dt.time
    extra_years: dict[int, YearOverride] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        """Fail at load time, not on the first complaint, when the zone name is misspelt."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def overrides_are_consistent(self) -> Self:
        """A date filed under the wrong year would never be consulted: reject it instead of ignoring it."""
        for year, override in self.extra_years.items():
            misplaced = {d for d in (*override.holidays, *override.workdays) if d.year != year}
            if misplaced:
                raise ValueError(f"extra_years.{year}: dates outside {year}: {_iso(misplaced)}")
            both = set(override.holidays) & set(override.workdays)
            if both:
                raise ValueError(f"extra_years.{year}: dates both holiday and workday: {_iso(both)}")
        return self


def _iso(days: set[dt.date]) -> str:
    return ", ".join(day.isoformat() for day in sorted(days))


class CalendarYearUnknown(ValueError):
    """A date falls in a year neither the calendar library nor calendar.yaml describes.

    Guessing (weekends only) would silently move deadlines around the holidays of that year,
    so the clock refuses instead and says how to teach it the year.
    """

    def __init__(self, year: int) -> None:
        super().__init__(
            f"no working-day calendar for year {year}: the chinesecalendar library does not know it. "
            f"Add it under extra_years.{year} in calendar.yaml (holidays and make-up workdays from the "
            f"State Council notice for {year}), or upgrade chinesecalendar."
        )
        self.year = year


class WorkingCalendar:
    """Which days are working days, and "N working days later" (R-SLA-10).

    A year known to chinesecalendar follows it, make-up working days included. A year in
    extra_years is known too: its weekends are non-working except the listed workdays, and the
    listed holidays are non-working; if the library also knows that year, the listed dates
    override the library (an operator's correction wins). Any other year raises
    CalendarYearUnknown.
    """

    def __init__(self, policy: CalendarPolicy) -> None:
        self.policy = policy
        self.zone = ZoneInfo(policy.timezone)
        self._holidays: dict[int, frozenset[dt.date]] = {
            year: frozenset(override.holidays) for year, override in policy.extra_years.items()
        }
        self._workdays: dict[int, frozenset[dt.date]] = {
            year: frozenset(override.workdays) for year, override in policy.extra_years.items()
        }
        # Per-instance cache: the library re-validates its year range on every call, which is slow.
        self._cache: dict[dt.date, bool] = {}

    def is_working_day(self, day: dt.date) -> bool:
        """True if `day` is a working day; raises CalendarYearUnknown for a year nobody describes.

        Takes a calendar date only: which day an instant falls on depends on the zone, so callers
        convert with `zone` first.
        """
        if isinstance(day, dt.datetime):
            raise TypeError("is_working_day takes a date; convert a datetime to the calendar zone first")
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = self._lookup(day)
        return cached

    def _lookup(self, day: dt.date) -> bool:
        if day in self._holidays.get(day.year, ()):
            return False
        if day in self._workdays.get(day.year, ()):
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year in self.policy.extra_years:
                return day.weekday() < 5
            raise CalendarYearUnknown(day.year) from None

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.datetime, n: int) -> dt.datetime:
        """The same local clock time on the n-th working day after the day of `start`.

        Received on a non-working day, the count starts at business_day_start of the next working
        day (received Sat 15:00 → Mon 09:00 → +3 → Thu 09:00). A received time before
        business_day_start on a working day keeps its clock time: the SOP counts days, not hours.
        The result is in the calendar zone; `start` must carry an offset.
        """
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("start must be timezone-aware (an offset is required)")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        local = start.astimezone(self.zone)
        day, clock = local.date(), local.time()
        if not self.is_working_day(day):
            day, clock = self.next_working_day(day), self.policy.business_day_start
        for _ in range(n):
            day = self.next_working_day(day)
        return dt.datetime.combine(day, clock, tzinfo=self.zone)
