"""The review's SQL on DuckDB, over the analytics copy's files in a local directory (issue 14).

DuckDB reads the JSON rows straight from disk, with the column types the Glue tables declare, and
streams them: a month is never loaded into Python. It gets Trino's function names as macros, so
the one set of SQL files runs on both engines. Object storage is read by copying the period's
month partitions to a directory first (`download_months`): DuckDB's S3 support is an extension
fetched from the internet at run time, which a locked-down machine cannot do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.analytics import ANALYTICS_PREFIX, COLUMNS, PARTITION_COLUMN

# Trino (Athena) functions the review's SQL uses, in DuckDB's words.
_MACROS = (
    "CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
    "CREATE MACRO approx_percentile(x, p) AS quantile_cont(x, p)",
)


class DuckDbQueries:
    """A QueryEngine over `root/analytics/<table>/month=YYYY-MM/*.json`."""

    def __init__(self, root: Path) -> None:
        import duckdb

        self._root = root
        self._db = duckdb.connect()
        self._months_read: set[str] = set()
        self._db.execute("SET TimeZone = 'UTC'")  # weeks and times as Athena computes them
        for macro in _MACROS:
            self._db.execute(macro)

    def files(self, table: str, months: list[str]) -> list[str]:
        base = self._root / ANALYTICS_PREFIX / table
        return sorted(
            str(p) for month in months for p in (base / f"{PARTITION_COLUMN}={month}").glob("*.json")
        )

    def tables(self, months: list[str]) -> tuple[str, str]:
        """The period's rows as DuckDB tables. Each month's files are read once per connection, into
        a table of its own (DuckDB's columnar storage, spilling to disk if it must): the review's
        second period (the lights' earlier week) mostly reuses months already read."""
        names = []
        for table in COLUMNS:
            name = f"period_{table}"
            parts = " UNION ALL ".join(f"SELECT * FROM {self._month(table, month)}" for month in months)
            parts = parts or f"SELECT * FROM {self._table(table, [])}"
            self._db.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {parts}")
            names.append(name)
        return names[0], names[1]

    def _month(self, table: str, month: str) -> str:
        """The name of a temp table holding one month of `table`, read from its files on first use."""
        name = f"month_{table}_{month.replace('-', '_')}"
        if name not in self._months_read:
            self._db.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {self._table(table, [month])}")
            self._months_read.add(name)
        return name

    def _table(self, table: str, months: list[str]) -> str:
        columns = COLUMNS[table]
        files = self.files(table, months)
        if not files:  # an empty month: the same columns, no rows
            casts = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in columns.items())
            return f"(SELECT {casts} WHERE false)"
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        spec = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
        # The declared columns only: DuckDB would add the `month=` path part as a column of its own.
        names = ", ".join(columns)
        return (
            f"(SELECT {names} FROM read_json([{listed}], format = 'newline_delimited', columns = {{{spec}}}))"
        )

    def rows(self, sql: str) -> list[dict[str, Any]]:
        cursor = self._db.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def download_months(s3: Any, bucket: str, months: list[str], root: Path) -> int:
    """Copy the months' analytics partitions from a bucket to `root` (streamed to disk); files copied."""
    copied = 0
    paginator = s3.get_paginator("list_objects_v2")
    for table in COLUMNS:
        for month in months:
            prefix = f"{ANALYTICS_PREFIX}/{table}/{PARTITION_COLUMN}={month}/"
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    target = root / item["Key"]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    s3.download_file(bucket, item["Key"], str(target))
                    copied += 1
    return copied
