"""The review's SQL (sql/*.sql), one text for both engines, and the port an engine implements.

Each query is `_period.sql` (each ticket's latest snapshot, the complaints received in the
period, their deadlines) followed by the query's own SELECT. An engine supplies the two tables
as SQL expressions limited to the period's month partitions: Athena names the Glue tables with a
partition filter (so a month scans one month), DuckDB reads the same JSON files.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def query_text(
    name: str,
    period: Period,
    complaints: str,
    obligations: str,
    *,
    numbers: Mapping[str, float] | None = None,
) -> str:
    """The full SQL of query `name` for `period` over the engine's tables. `numbers` are review.yaml's
    settings the query uses ({percentile}, {at_least}, {at_most}); only numbers can be spliced in."""
    if name not in QUERY_NAMES:
        raise KeyError(f"no review query {name!r}; known: {', '.join(QUERY_NAMES)}")
    start, end = period.bounds_utc()
    head = _text("_period").format(complaints=complaints, obligations=obligations, start=start, end=end)
    checked = {key: _number(key, value) for key, value in (numbers or {}).items()}
    return f"{head}\n{_text(name).format(**checked)}"


def _number(key: str, value: float) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"review setting {key} must be a number, not {value!r}")
    return value


def run_all(
    engine: QueryEngine, period: Period, names: tuple[str, ...], numbers: Mapping[str, float]
) -> dict[str, list[dict[str, Any]]]:
    """The named review queries for the period, by name."""
    complaints, obligations = engine.tables(period.months)
    return {
        name: engine.rows(query_text(name, period, complaints, obligations, numbers=numbers))
        for name in names
    }
