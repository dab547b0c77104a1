"""The review's SQL on Amazon Athena, over the Glue tables of the analytics copy (issue 14).

Each table is named with a partition filter on `month`, so a monthly report reads one month's
files (partition projection: no crawler, no MSCK REPAIR). The workgroup caps the bytes any query
may scan (template.yaml).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from infra.analytics import COLUMNS, PARTITION_COLUMN

_DONE = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


class AthenaQueryFailed(RuntimeError):
    """A review query did not succeed (the message has Athena's reason)."""


class AthenaQueries:
    def __init__(
        self,
        athena: Any,
        database: str,
        workgroup: str,
        *,
        poll_seconds: float = 1.0,
        max_wait_seconds: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._athena = athena
        self._database = database
        self._workgroup = workgroup
        self._poll = poll_seconds
        self._max_wait = max_wait_seconds
        self._sleep = sleep

    def tables(self, months: list[str]) -> tuple[str, str]:
        listed = ", ".join(f"'{m}'" for m in months if _is_month(m))
        return tuple(  # type: ignore[return-value]
            f'(SELECT * FROM "{self._database}"."{table}" WHERE {PARTITION_COLUMN} IN ({listed}))'
            for table in COLUMNS
        )

    def rows(self, sql: str) -> list[dict[str, Any]]:
        started = self._athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": self._database}, WorkGroup=self._workgroup
        )
        query_id = started["QueryExecutionId"]
        waited = 0.0
        while True:
            status = self._athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
            if status["State"] in _DONE:
                break
            if waited >= self._max_wait:
                self._athena.stop_query_execution(QueryExecutionId=query_id)
                raise AthenaQueryFailed(f"query {query_id} still running after {self._max_wait:.0f} s")
            self._sleep(self._poll)  # Athena has no push: the report Lambda waits for its query
            waited += self._poll
        if status["State"] != "SUCCEEDED":
            raise AthenaQueryFailed(
                f"query {query_id} {status['State']}: {status.get('StateChangeReason', '')}"
            )
        rows: list[dict[str, Any]] = []
        header: list[str] | None = None
        for page in self._athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id):
            for row in page["ResultSet"]["Rows"]:
                values = [cell.get("VarCharValue") for cell in row["Data"]]
                if header is None:
                    header = [str(v) for v in values]
                    continue
                rows.append(dict(zip(header, values, strict=True)))
        return rows


def _is_month(value: str) -> bool:
    return len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit()
