"""The review's pure parts (issue 14): periods, which report is due when, the SQL text each engine
gets, and the figures computed from query rows (R-REVIEW-1/2/3)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from functions.reporter.periods import PeriodError, monthly_period, weekly_period
from functions.reporter.publish import due_periods
from functions.reporter.queries import QUERY_NAMES, query_text
from functions.reporter.review import level_quality, typical
from infra.athena_queries import AthenaQueries
from policies.engine import TriageEngine

ZONE = ZoneInfo("Asia/Shanghai")
POLICY = TriageEngine.from_directory().policy
CALENDAR = TriageEngine.from_directory().calendar


def test_a_month_runs_from_midnight_to_midnight_in_the_sops_zone() -> None:
    # GIVEN November 2026 WHEN its period is built
    period = monthly_period("2026-11", ZONE)
    # THEN it starts on 1 November and ends on 1 December, Beijing time, in one partition
    assert period.start == datetime(2026, 11, 1, tzinfo=ZONE) and period.end == datetime(
        2026, 12, 1, tzinfo=ZONE
    )
    assert period.bounds_utc() == ("2026-10-31T16:00:00+00:00", "2026-11-30T16:00:00+00:00")
    assert period.months == ["2026-11"]


def test_a_week_across_two_months_reads_both_partitions() -> None:
    # GIVEN ISO week 2026-W49 (Monday 30 November to Sunday 6 December)
    period = weekly_period("2026-W49", ZONE)
    # THEN it covers both months' partitions
    assert period.start.date() == date(2026, 11, 30) and period.months == ["2026-11", "2026-12"]


@pytest.mark.parametrize("bad", ["2026-13", "26-11", "2026-1", "november"])
def test_a_month_written_otherwise_is_refused_with_the_expected_form(bad: str) -> None:
    with pytest.raises(PeriodError, match="YYYY-MM"):
        monthly_period(bad, ZONE)


def test_a_week_that_does_not_exist_is_refused() -> None:
    with pytest.raises(PeriodError, match="no week 53"):
        weekly_period("2025-W53", ZONE)  # 2026 has 53 ISO weeks, 2025 has 52


def test_reports_are_due_on_the_first_working_day_of_the_month_and_of_the_week() -> None:
    # GIVEN the working-day calendar (R-SLA-10): 1-7 October 2026 are National Day holidays
    due = lambda day: [p.label for p in due_periods(day, CALENDAR.is_working_day, ZONE)]  # noqa: E731
    # THEN Monday 2 November gets November's... the month before and the week before
    assert due(date(2026, 11, 2)) == ["2026-10", "2026-W44"]
    # AND Tuesday 3 November nothing; Monday 9 November only the week
    assert due(date(2026, 11, 3)) == [] and due(date(2026, 11, 9)) == ["2026-W45"]
    # AND after the October holidays, the first working day (Thursday 8 October) gets September
    assert "2026-09" in due(date(2026, 10, 8)) and due(date(2026, 10, 1)) == []


def test_athena_gets_the_glue_tables_with_a_partition_filter_and_trino_functions_only() -> None:
    # GIVEN the Athena engine's tables for November
    complaints, obligations = AthenaQueries(None, "complaint_review", "review").tables(["2026-11"])
    period = monthly_period("2026-11", ZONE)
    for name in QUERY_NAMES:
        # WHEN each review query is written for it
        numbers = {"percentile": 0.9, "at_least": 5, "at_most": 10, "zone_hours": 8}
        sql = query_text(name, period, complaints, obligations, numbers=numbers)
        # THEN it reads one month's partition and uses no DuckDB-only function
        assert """FROM (SELECT * FROM "complaint_review"."complaints" WHERE month IN ('2026-11'))""" in sql
        assert "quantile_cont" not in sql and "TIMESTAMPTZ" not in sql and "{" not in sql


def test_level_quality_is_precision_and_recall_of_the_plugins_level_against_the_final_one() -> None:
    # GIVEN 8 level-1 grades of which agents moved 2 to level 2, and 10 level-2 grades kept
    rows = [
        {"plugin_level": 1, "level": 1, "complaints": 6},
        {"plugin_level": 1, "level": 2, "complaints": 2},
        {"plugin_level": 2, "level": 2, "complaints": 10},
    ]
    # WHEN the quality is computed
    quality = {q.level: q for q in level_quality(rows)}
    # THEN level 1 is 6/8 precise and fully recalled; level 2 fully precise, 10/12 recalled
    assert (quality[1].precision, quality[1].recall) == (0.75, 1.0)
    assert (quality[2].precision, round(quality[2].recall, 4)) == (1.0, round(10 / 12, 4))  # type: ignore[arg-type]
    assert quality[3].precision is None and quality[3].support == 0


def _row(
    ticket: int, level: int = 3, kind: tuple[str, str] = ("product", "quality_defect"), **extra: object
) -> dict:
    base = {
        "ticket_id": ticket,
        "level": level,
        "category": kind[0],
        "subtype": kind[1],
        "received_at": "x",
        "breached": 0,
        "plan_rejections": 0,
        "satisfaction": None,
    }
    return {**base, **extra}


def test_typical_complaints_follow_the_documented_order_and_bounds() -> None:
    # GIVEN a week of 14 complaints: one level 1, one breached, one unhappy, many routine
    rows = [
        _row(1, level=1),
        _row(2, breached=1),
        _row(3, satisfaction="bad"),
        *[_row(10 + i, kind=("logistics", "late_delivery")) for i in range(6)],
        *[_row(20 + i) for i in range(5)],
    ]
    for row in rows:  # as the SQL counts them: each type's complaints in the week
        row["type_complaints"] = sum(
            (r["category"], r["subtype"]) == (row["category"], row["subtype"]) for r in rows
        )
    # WHEN the typical complaints are chosen (review.yaml: 5 to 10)
    chosen = typical(rows, POLICY)
    # THEN the level 1, breached and unhappy come first, then the most frequent type's first,
    # then enough to reach the minimum
    assert [(c.ticket_id, c.why) for c in chosen[:4]] == [
        (1, "level 1"),
        (2, "deadline breached"),
        (3, "plan rejected or unhappy"),
        (10, "most frequent type"),
    ]
    assert POLICY.review.weekly.at_least <= len(chosen) <= POLICY.review.weekly.at_most


def test_every_query_is_a_select_over_the_period_head() -> None:
    complaints, obligations = "c", "o"
    period = weekly_period("2026-W48", ZONE)
    sql = query_text("typical", period, complaints, obligations, numbers={"at_least": 5, "at_most": 10})
    assert sql.count("WITH snapshots AS") == 1 and "FROM c AS c" in sql and "FROM o AS o" in sql
    assert datetime.fromisoformat(period.bounds_utc()[0]).tzinfo == UTC


class RecordedAthena:
    """Athena's client as the engine uses it: a query runs for two polls, then has two result pages."""

    def __init__(self, pages: list[list[list[str]]], final_state: str = "SUCCEEDED") -> None:
        self.pages, self.final_state, self.started, self.polls = pages, final_state, [], 0

    def start_query_execution(self, **kwargs: object) -> dict:
        self.started.append(kwargs)
        return {"QueryExecutionId": "q-1"}

    def get_query_execution(self, QueryExecutionId: str) -> dict:
        self.polls += 1
        state = "RUNNING" if self.polls < 3 else self.final_state
        return {"QueryExecution": {"Status": {"State": state, "StateChangeReason": "bytes scanned limit"}}}

    def stop_query_execution(self, QueryExecutionId: str) -> None:
        self.final_state = "CANCELLED"

    def get_paginator(self, name: str) -> RecordedAthena:
        assert name == "get_query_results"
        return self

    def paginate(self, QueryExecutionId: str) -> list[dict]:
        return [
            {"ResultSet": {"Rows": [{"Data": [{"VarCharValue": v} for v in row]} for row in page]}}
            for page in self.pages
        ]


def test_athena_results_come_back_by_column_name_across_pages_after_polling() -> None:
    # GIVEN a query whose results span two pages (the header only on the first)
    client = RecordedAthena([[["level", "complaints"], ["1", "4"]], [["3", "9"]]])
    engine = AthenaQueries(client, "complaint_review", "review", sleep=lambda _: None)
    # WHEN it runs
    rows = engine.rows("SELECT 1")
    # THEN the rows are keyed by the header, and the query ran in the workgroup on the database
    assert rows == [{"level": "1", "complaints": "4"}, {"level": "3", "complaints": "9"}]
    assert client.started == [
        {
            "QueryString": "SELECT 1",
            "QueryExecutionContext": {"Database": "complaint_review"},
            "WorkGroup": "review",
        }
    ]


def test_a_failed_athena_query_says_why_and_a_slow_one_is_stopped() -> None:
    from infra.athena_queries import AthenaQueryFailed

    failed = AthenaQueries(RecordedAthena([], "FAILED"), "db", "wg", sleep=lambda _: None)
    with pytest.raises(AthenaQueryFailed, match="FAILED: bytes scanned limit"):
        failed.rows("SELECT 1")
    slow = RecordedAthena([])
    slow.final_state = "RUNNING"
    with pytest.raises(AthenaQueryFailed, match="still running"):
        AthenaQueries(slow, "db", "wg", sleep=lambda _: None, max_wait_seconds=1).rows("SELECT 1")


def test_weeks_and_lights_follow_the_sops_zone_and_compare_whole_weeks(tmp_path) -> None:
    from datetime import timedelta

    from cli.duckdb_queries import DuckDbQueries
    from functions.reporter.review import build_review
    from infra.analytics import AnalyticsWriter
    from policies.complaint_state import ComplaintRecord
    from tests.fakes import DirectoryS3

    writer = AnalyticsWriter(DirectoryS3(tmp_path), "bucket", ZONE)

    def complaint(ticket: int, received: datetime) -> None:
        record = ComplaintRecord(
            ticket_id=ticket, level=3, category="logistics", subtype="late_delivery", emotion="normal",
            language="zh", policy_version="t", received_at=received,
        )  # fmt: skip
        writer.put(record, received, f"ev-{ticket}")

    # GIVEN 25 late parcels in each of weeks 47 and 48 (China time), and one on Monday 30 November
    # at 03:00 China time (Sunday 19:00 UTC), which begins week 49
    for n in range(25):
        complaint(100 + n, datetime(2026, 11, 17, 2, tzinfo=UTC) + timedelta(hours=n))
        complaint(200 + n, datetime(2026, 11, 24, 2, tzinfo=UTC) + timedelta(hours=n))
    complaint(300, datetime(2026, 11, 29, 19, tzinfo=UTC))
    # WHEN November's review is built
    review = build_review(DuckDbQueries(tmp_path), monthly_period("2026-11", ZONE), POLICY)
    # THEN the Monday-morning complaint does not make week 48 grow: no light (R-REVIEW-2), and
    # the satisfaction trend has November's weeks as China counts them
    assert review.lights == []
    assert [w.week for w in review.satisfaction] == ["2026-11-16", "2026-11-23", "2026-11-30"]


def test_a_month_is_read_from_its_files_once_for_both_periods_of_a_review(tmp_path) -> None:
    from cli.duckdb_queries import DuckDbQueries
    from infra.analytics import AnalyticsWriter
    from policies.complaint_state import ComplaintRecord
    from tests.fakes import DirectoryS3

    # GIVEN one complaint in November's analytics files
    record = ComplaintRecord(
        ticket_id=7, level=3, category="logistics", subtype="late_delivery", emotion="normal",
        language="zh", policy_version="t", received_at=datetime(2026, 11, 10, 2, tzinfo=UTC),
    )  # fmt: skip
    AnalyticsWriter(DirectoryS3(tmp_path), "bucket", ZONE).put(record, record.received_at, "ev-7")
    queries = DuckDbQueries(tmp_path)
    complaints, _ = queries.tables(["2026-11"])
    # WHEN the files are gone before the second period (October and November) is read
    for path in tmp_path.rglob("*.json"):
        path.unlink()
    complaints, _ = queries.tables(["2026-10", "2026-11"])
    # THEN November's row still comes from the first read, and October's empty month adds none
    assert queries.rows(f"SELECT ticket_id FROM {complaints}") == [{"ticket_id": 7}]
