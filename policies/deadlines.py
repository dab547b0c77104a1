"""The deadline clock: due times for a complaint from sla.yaml and the working-day calendar.

Pure and fast (it runs beside grading at tens of thousands of records a second): the policy is
compiled once into plain tuples and frozensets, rule selection is memoised per complaint shape,
and the only model built per call is the final Deadlines.
"""

import datetime as dt
from dataclasses import dataclass
from typing import get_args

from policies.calendar import WorkingCalendar
from policies.decision import Deadlines
from policies.sla import DeadlineRule, SlaPolicy
from policies.taxonomy import DeadlineKind

_UTC = dt.UTC

# The kinds a complaint carries from intake; the others start from later events (a rejected plan, ...).
_INTAKE_KINDS: tuple[DeadlineKind, ...] = Deadlines.kinds()  # type: ignore[assignment]
_ALL_KINDS: frozenset[str] = frozenset(get_args(DeadlineKind))
if not _ALL_KINDS.issuperset(_INTAKE_KINDS):
    raise ImportError(f"Deadlines fields {_INTAKE_KINDS} must all be deadline kinds")
_MEMO_LIMIT = 4096

_Shape = tuple[int, str, str, str | None]


@dataclass(frozen=True, slots=True)
class Due:
    """A due time and the rule ID that set it (for notes and audit)."""

    at: dt.datetime
    rule: str


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    """A DeadlineRule reduced to what matching and arithmetic need; None sets mean "any"."""

    rule: str
    levels: frozenset[int] | None
    categories: frozenset[str] | None
    subtypes: frozenset[str] | None
    channels: frozenset[str | None] | None
    hours: dt.timedelta | None
    working_days: int | None

    @classmethod
    def of(cls, source: DeadlineRule) -> "_CompiledRule":
        when, after = source.when, source.after

        def as_set(values: list | None) -> frozenset | None:
            return None if values is None else frozenset(values)

        return cls(
            rule=source.rule,
            levels=as_set(when.levels),
            categories=as_set(when.categories),
            subtypes=as_set(when.subtypes),
            channels=as_set(when.channels),
            hours=None if after.hours is None else dt.timedelta(hours=after.hours),
            working_days=after.working_days,
        )

    def matches(self, level: int, category: str, subtype: str, channel: str | None) -> bool:
        return (
            (self.levels is None or level in self.levels)
            and (self.categories is None or category in self.categories)
            and (self.subtypes is None or subtype in self.subtypes)
            and (self.channels is None or channel in self.channels)
        )


class DeadlineClock:
    """Applies sla.yaml: for each deadline kind the first matching rule sets the due time.

    "N hours" are natural, elapsed hours (nights, weekends and holidays count); "N working days"
    are delegated to the WorkingCalendar. Results are aware datetimes in the calendar zone.
    """

    def __init__(self, sla: SlaPolicy, calendar: WorkingCalendar) -> None:
        self.sla = sla
        self.calendar = calendar
        self._zone = calendar.zone
        self._rules: dict[str, tuple[_CompiledRule, ...]] = {
            kind: tuple(_CompiledRule.of(rule) for rule in rules) for kind, rules in sla.deadlines.items()
        }
        before = sla.warning.before
        if before.hours is None:
            # Warning "N working days before" has no meaning in the SOP; refuse rather than guess.
            raise ValueError("sla.yaml warning.before must be given in hours")
        self._warn_before = dt.timedelta(hours=before.hours)
        self._warn_share = sla.warning.short_window_share
        self._selected: dict[tuple[str, _Shape], _CompiledRule | None] = {}

    def _select(self, kind: DeadlineKind, shape: _Shape) -> _CompiledRule | None:
        """First matching rule of `kind`, memoised: the shape space is tiny and records repeat it."""
        key = (kind, shape)
        try:
            return self._selected[key]
        except KeyError:
            pass
        if kind not in _ALL_KINDS:
            raise ValueError(f"unknown deadline kind {kind!r}")
        chosen = next((r for r in self._rules.get(kind, ()) if r.matches(*shape)), None)
        if len(self._selected) < _MEMO_LIMIT:  # bounded even if callers pass values outside the taxonomy
            self._selected[key] = chosen
        return chosen

    def _apply(self, rule: _CompiledRule, start: dt.datetime) -> dt.datetime:
        if rule.hours is not None:
            # Add in UTC so the span is elapsed time even in a zone with DST jumps.
            return (start.astimezone(_UTC) + rule.hours).astimezone(self._zone)
        assert rule.working_days is not None  # Span guarantees exactly one unit
        return self.calendar.add_working_days(start, rule.working_days)

    def due_for(
        self,
        kind: DeadlineKind,
        received_at: dt.datetime,
        *,
        level: int,
        category: str,
        subtype: str,
        channel: str | None,
    ) -> Due | None:
        """Due time and rule ID of `kind`, or None when no rule of that kind matches.

        `received_at` is when the clock starts: the complaint's arrival for intake kinds, the
        triggering event (plan rejected, solution carried out, ...) for the others. It must carry
        an offset: a naive time would be read in whatever zone the machine has.
        """
        _require_aware(received_at)
        rule = self._select(kind, (level, category, subtype, channel))
        if rule is None:
            return None
        return Due(self._apply(rule, received_at), rule.rule)

    def deadline_for(
        self,
        kind: DeadlineKind,
        received_at: dt.datetime,
        *,
        level: int,
        category: str,
        subtype: str,
        channel: str | None,
    ) -> dt.datetime | None:
        """Due time of `kind` (see due_for), or None when the deadline does not apply."""
        due = self.due_for(
            kind, received_at, level=level, category=category, subtype=subtype, channel=channel
        )
        return None if due is None else due.at

    def rule_for(
        self,
        kind: DeadlineKind,
        *,
        level: int,
        category: str,
        subtype: str,
        channel: str | None,
    ) -> str | None:
        """The rule ID that sets `kind` for a complaint of this shape, or None if none applies.

        No time argument: which rule applies never depends on when the complaint arrived.
        """
        rule = self._select(kind, (level, category, subtype, channel))
        return None if rule is None else rule.rule

    def deadlines_for(
        self,
        received_at: dt.datetime,
        *,
        level: int,
        category: str,
        subtype: str,
        channel: str | None,
    ) -> Deadlines:
        """Every deadline a complaint carries from intake (the fields of Deadlines)."""
        _require_aware(received_at)
        shape: _Shape = (level, category, subtype, channel)
        values: dict[str, dt.datetime | None] = {}
        for kind in _INTAKE_KINDS:
            rule = self._select(kind, shape)
            values[kind] = None if rule is None else self._apply(rule, received_at)
        return Deadlines(**values)

    def warn_at(self, kind_start: dt.datetime, due_at: dt.datetime) -> dt.datetime:
        """When to warn that a deadline is near (R-SLA-6 in sla.yaml).

        A window longer than `before` is warned `before` ahead of the due time, as the SOP says.
        A window of `before` or less would be warned at (or before) its own start, which tells
        nobody anything, so it is warned at `short_window_share` of its length instead.
        """
        _require_aware(kind_start)
        _require_aware(due_at)
        # In UTC, so that window and offsets are elapsed time whatever zones the inputs carry.
        start, due = kind_start.astimezone(_UTC), due_at.astimezone(_UTC)
        window = due - start
        long_window = window > self._warn_before
        warn = due - self._warn_before if long_window else start + window * self._warn_share
        return warn.astimezone(self._zone)


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime {moment.isoformat()} has no offset; give an aware datetime")
