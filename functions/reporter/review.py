"""The review's figures (R-REVIEW-1/2/3) from the SQL rows: plain values a page or a message shows.

Pure: the rows come from an engine (Athena in AWS, DuckDB locally); nothing here queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from functions.reporter.periods import Period
from functions.reporter.queries import QUERY_NAMES, QueryEngine, run_all
from policies.loader import Policy

_RATED = ("good", "bad")


@dataclass(frozen=True)
class TypeCount:
    category: str
    subtype: str
    complaints: int


@dataclass(frozen=True)
class StageTime:
    stage: str
    complaints: int
    average_hours: float
    p90_hours: float


@dataclass(frozen=True)
class WeekSatisfaction:
    week: str
    good: int
    bad: int

    @property
    def score(self) -> float | None:
        rated = self.good + self.bad
        return self.good / rated if rated else None


@dataclass(frozen=True)
class DeadlineFigure:
    kind: str
    level: int
    in_time: int
    missed: int
    pending: int

    @property
    def attainment(self) -> float | None:
        decided = self.in_time + self.missed
        return self.in_time / decided if decided else None


@dataclass(frozen=True)
class LevelQuality:
    """Precision and recall of the plugin's level as agents left it (None: nothing to divide)."""

    level: int
    precision: float | None
    recall: float | None
    support: int


@dataclass(frozen=True)
class Light:
    category: str
    light: str  # red or yellow (R-REVIEW-2)
    this_week: int
    last_week: int


@dataclass(frozen=True)
class TypicalComplaint:
    ticket_id: int
    level: int
    category: str
    subtype: str
    received_at: str
    why: str  # the selection rule that chose it


@dataclass(frozen=True)
class Review:
    period: Period
    complaints: int
    top_types: list[TypeCount]
    other_types: int
    levels: dict[int, int]
    stages: list[StageTime]
    satisfaction: list[WeekSatisfaction]
    deadlines: list[DeadlineFigure]
    grading: list[LevelQuality]
    corrected: int
    group_tickets: int
    groups: int
    plans_rejected: int
    lights: list[Light]
    typical: list[TypicalComplaint] = field(default_factory=list)
    # Wording from the policies, so the page states no SOP number of its own: each deadline kind's
    # name in both languages (ticket_note.yaml), its window (sla.yaml) and the stage-time percentile.
    kind_names: dict[str, str] = field(default_factory=dict)
    windows: dict[str, str] = field(default_factory=dict)
    percentile_label: str = ""

    @property
    def satisfaction_score(self) -> float | None:
        good = sum(w.good for w in self.satisfaction)
        rated = good + sum(w.bad for w in self.satisfaction)
        return good / rated if rated else None

    def attainment(self, kind: str) -> float | None:
        """One deadline kind over every level: in time / decided (cross_dept: R-SLA-4's 2 h answer)."""
        rows = [d for d in self.deadlines if d.kind == kind]
        decided = sum(d.in_time + d.missed for d in rows)
        return sum(d.in_time for d in rows) / decided if decided else None

    def overall_attainment(self) -> float | None:
        decided = sum(d.in_time + d.missed for d in self.deadlines)
        return sum(d.in_time for d in self.deadlines) / decided if decided else None


def build_review(engine: QueryEngine, period: Period, policy: Policy) -> Review:
    """Run the review's queries for `period` and compute its figures."""
    review = policy.review
    offset = period.start.utcoffset()
    numbers = {
        "percentile": review.monthly.percentile,
        "at_least": review.weekly.at_least,
        "at_most": review.weekly.at_most,
        # Weeks start on Monday in the SOP's zone (a whole number of hours ahead of UTC).
        "zone_hours": int(offset.total_seconds() // 3600) if offset is not None else 0,
    }
    # The typical complaints are the weekly review's (R-REVIEW-3); a month does not need them. The
    # lights compare whole weeks, the last one against the week before, which may begin before
    # the period: their counts are read from a week earlier.
    skipped = {"weekly_counts", *(() if period.kind == "weekly" else ("typical",))}
    rows = run_all(engine, period, tuple(n for n in QUERY_NAMES if n not in skipped), numbers)
    earlier = replace(period, start=period.start - timedelta(days=7))
    rows |= run_all(engine, earlier, ("weekly_counts",), numbers)
    types = [TypeCount(r["category"], r["subtype"], int(r["complaints"])) for r in rows["types"]]
    top = types[: review.monthly.top_types]
    groups = rows["groups"][0] if rows["groups"] else {}
    grading_rows = rows["grading"]
    return Review(
        period=period,
        complaints=sum(t.complaints for t in types),
        top_types=top,
        other_types=sum(t.complaints for t in types[len(top) :]),
        levels={int(r["level"]): int(r["complaints"]) for r in rows["levels"]},
        stages=[
            StageTime(r["stage"], int(r["complaints"]), float(r["average_hours"]), float(r["p90_hours"]))
            for r in rows["stages"]
        ],
        satisfaction=[
            WeekSatisfaction(_day(r["week"]), int(r["good"] or 0), int(r["bad"] or 0))
            for r in rows["satisfaction"]
        ],
        deadlines=[
            DeadlineFigure(r["kind"], int(r["level"]), int(r["in_time"]), int(r["missed"]), int(r["pending"]))
            for r in rows["deadlines"]
        ],
        grading=level_quality(grading_rows),
        corrected=sum(int(r["corrected"] or 0) for r in grading_rows),
        group_tickets=int(groups.get("group_tickets") or 0),
        groups=int(groups.get("groups") or 0),
        plans_rejected=int(groups.get("plans_rejected") or 0),
        lights=lights(rows["weekly_counts"], policy, earlier),
        typical=typical(rows["typical"], policy) if "typical" in rows else [],
        kind_names=kind_names(policy),
        windows=windows(policy),
        percentile_label=f"p{round(review.monthly.percentile * 100)}",
    )


def kind_names(policy: Policy) -> dict[str, str]:
    """Each deadline kind as the notes name it, Chinese then English (ticket_note.yaml)."""
    zh, en = policy.ticket_note.labels["zh"].kinds, policy.ticket_note.labels["en"].kinds
    return {kind: f"{zh[kind]} {en.get(kind, kind)}" for kind in zh}  # type: ignore[index]


def windows(policy: Policy) -> dict[str, str]:
    """Each deadline kind's window by its first sla.yaml rule ("2 h", "3 working days")."""
    found = {}
    for kind, rules in policy.sla.deadlines.items():
        after = rules[0].after
        found[kind] = (
            f"{after.hours:g} h" if after.hours is not None else f"{after.working_days} working days"
        )
    return found


def level_quality(rows: list[dict[str, Any]]) -> list[LevelQuality]:
    """Per level: of the plugin's grades at that level, how many agents left there (precision);
    of the complaints that ended at that level, how many the plugin gave it (recall)."""
    pairs = [(int(r["plugin_level"]), int(r["level"]), int(r["complaints"])) for r in rows]
    quality = []
    for level in (1, 2, 3):
        predicted = sum(n for p, _, n in pairs if p == level)
        actual = sum(n for _, a, n in pairs if a == level)
        right = sum(n for p, a, n in pairs if p == a == level)
        quality.append(
            LevelQuality(
                level,
                right / predicted if predicted else None,
                right / actual if actual else None,
                actual,
            )
        )
    return quality


def lights(rows: list[dict[str, Any]], policy: Policy, span: Period) -> list[Light]:
    """R-REVIEW-2 for the last whole week within `span` against the week before, per category (a
    week cut by the span's edges would compare a part with a whole)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        counts[r["category"]][_day(r["week"])] = int(r["complaints"])
    first_day, end_day = span.start.date(), span.end.date()
    whole = sorted(
        week
        for week in {w for by_week in counts.values() for w in by_week}
        if date.fromisoformat(week) >= first_day and date.fromisoformat(week) + timedelta(days=7) <= end_day
    )
    if not whole:
        return []
    last = whole[-1]
    before = (date.fromisoformat(last) - timedelta(days=7)).isoformat()
    if date.fromisoformat(before) < first_day:
        return []
    found = []
    for category, by_week in sorted(counts.items()):
        light = policy.alerting.surge.light(by_week.get(last, 0), by_week.get(before, 0))
        if light is not None:
            found.append(Light(category, light, by_week.get(last, 0), by_week.get(before, 0)))
    return found


def typical(rows: list[dict[str, Any]], policy: Policy) -> list[TypicalComplaint]:
    """R-REVIEW-3's rule (review.yaml): level 1, then breached deadlines, then rejected plans or
    unhappy ratings, then the first of each most frequent type; at least `at_least` where the
    week has them, at most `at_most`."""
    rule = policy.review.weekly
    chosen: dict[int, TypicalComplaint] = {}

    def take(row: dict[str, Any], why: str) -> None:
        if len(chosen) < rule.at_most and int(row["ticket_id"]) not in chosen:
            chosen[int(row["ticket_id"])] = TypicalComplaint(
                int(row["ticket_id"]),
                int(row["level"]),
                row["category"],
                row["subtype"],
                str(row["received_at"]),
                why,
            )

    for row in rows:
        if int(row["level"]) == 1:
            take(row, "level 1")
    for row in rows:
        if int(row["breached"] or 0) > 0:
            take(row, "deadline breached")
    for row in rows:
        if int(row["plan_rejections"] or 0) > 0 or row["satisfaction"] == "bad":
            take(row, "plan rejected or unhappy")
    frequency: dict[tuple[str, str], int] = {}
    for row in rows:  # the SQL counts each type's complaints over the whole week
        frequency[(row["category"], row["subtype"])] = int(row.get("type_complaints") or 0)
    for kind, _ in sorted(frequency.items(), key=lambda item: -item[1]):
        first = next(r for r in rows if (r["category"], r["subtype"]) == kind)
        take(first, "most frequent type")
    for row in rows:
        if len(chosen) >= rule.at_least:
            break
        take(row, "to reach the minimum")
    return list(chosen.values())


def _day(value: Any) -> str:
    """A week's start as YYYY-MM-DD, whichever type the engine returns."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)[:10]
