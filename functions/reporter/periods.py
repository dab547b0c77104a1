"""The periods a review covers: a calendar month (R-REVIEW-1) or an ISO week (R-REVIEW-3), in the
SOP's time zone, and the analytics partitions (months) each touches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_WEEK = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")


class PeriodError(ValueError):
    """A month or week that is not written as the review expects (the message says how)."""


@dataclass(frozen=True)
class Period:
    kind: Literal["monthly", "weekly"]
    label: str  # 2026-11 or 2026-W48
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware

    @property
    def months(self) -> list[str]:
        """The month partitions (YYYY-MM, the SOP's zone) the period's days fall in."""
        zone = self.start.tzinfo
        day, last = self.start.date(), (self.end - timedelta(microseconds=1)).astimezone(zone).date()
        months: list[str] = []
        while day <= last:
            label = f"{day:%Y-%m}"
            if label not in months:
                months.append(label)
            day += timedelta(days=1)
        return months

    def bounds_utc(self) -> tuple[str, str]:
        return self.start.astimezone(UTC).isoformat(), self.end.astimezone(UTC).isoformat()


def monthly_period(month: str, zone: tzinfo) -> Period:
    found = _MONTH.match(month)
    if found is None:
        raise PeriodError(f"{month!r} is not a month written YYYY-MM (e.g. 2026-11)")
    year, number = int(found[1]), int(found[2])
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period("monthly", month, _midnight(first, zone), _midnight(following, zone))


def weekly_period(week: str, zone: tzinfo) -> Period:
    found = _WEEK.match(week)
    if found is None:
        raise PeriodError(f"{week!r} is not an ISO week written YYYY-Www (e.g. 2026-W48)")
    try:
        monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise PeriodError(f"{week!r}: year {found[1]} has no week {found[2]}") from None
    return Period("weekly", week, _midnight(monday, zone), _midnight(monday + timedelta(days=7), zone))


def previous_month(today: date, zone: tzinfo) -> Period:
    last = today.replace(day=1) - timedelta(days=1)
    return monthly_period(f"{last:%Y-%m}", zone)


def previous_week(today: date, zone: tzinfo) -> Period:
    year, week, _ = (today - timedelta(days=7)).isocalendar()
    return weekly_period(f"{year}-W{week:02d}", zone)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)
