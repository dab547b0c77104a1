"""The review's SQL (sql/*.sql), one text for both engines, and the port an engine implements.

Each query is `_period.sql` (each ticket's latest snapshot, the complaints received in the
period, their deadlines) followed by the query's own SELECT. An engine supplies the two tables
as SQL expressions limited to the period's month partitions: Athena names the Glue tables with a
partition filter (so a month scans one month), DuckDB reads the same JSON files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Protocol

from functions.reporter.periods import Period

SQL_DIR = Path(__file__).parent / "sql"
QUERY_NAMES = (
    "types",
    "levels",
    "stages",
    "satisfaction",
    "deadlines",
    "grading",
    "groups",
    "weekly_counts",
    "typical",
)


class QueryEngine(Protocol):
    def tables(self, months: list[str]) -> tuple[str, str]:
        """SQL expressions for the complaints and obligations tables, limited to `months`."""
        ...

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """Run one query; its rows as dictionaries (column → value)."""
        ...


@cache
def _text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_text(name: str, period: Period, complaints: str, obligations: str, *, percentile: float) -> str:
    """The full SQL of query `name` for `period` over the engine's tables; `percentile` is
    review.yaml's stage-time figure (a number, so nothing else can be spliced in)."""
    if name not in QUERY_NAMES:
        raise KeyError(f"no review query {name!r}; known: {', '.join(QUERY_NAMES)}")
    start, end = period.bounds_utc()
    head = _text("_period").format(complaints=complaints, obligations=obligations, start=start, end=end)
    return f"{head}\n{_text(name).format(percentile=float(percentile))}"


def run_all(
    engine: QueryEngine, period: Period, *, percentile: float, names: tuple[str, ...] = QUERY_NAMES
) -> dict[str, list[dict[str, Any]]]:
    """Every review query for the period, by name."""
    complaints, obligations = engine.tables(period.months)
    return {
        name: engine.rows(query_text(name, period, complaints, obligations, percentile=percentile))
        for name in names
    }
