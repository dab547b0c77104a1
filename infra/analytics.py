"""The analytics copy of the archive (issue 14): flat JSON rows the review queries with SQL.

The audit archive files each event by complaint type, order number and ticket (R-LOOP-3), which
is right for auditors and wrong for a monthly query: a month's records are spread over every
prefix, so any engine would list and scan three years to find one month. Rather than bend the
archive, every triage also writes the complaint as it now stands as rows of two tables,
partitioned by the month the complaint was received (in the SOP's time zone), in the review's own
bucket (the archive key's decrypt belongs to compliance alone; Athena reads with the reader's rights):

    analytics/complaints/month=YYYY-MM/<ticket>-<time>-<event hash>.json   one row
    analytics/obligations/month=YYYY-MM/<ticket>-<time>-<event hash>.json  one row per deadline

A ticket's rows all fall in one partition, so its latest snapshot is found in that month alone.
Athena reads them through Glue tables with partition projection (template.yaml); DuckDB reads the
same files locally. The rows hold ids, grades, times and states: no customer text, no personal data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from policies.complaint_state import ComplaintRecord

ANALYTICS_PREFIX = "analytics"
COMPLAINTS_TABLE = "complaints"
OBLIGATIONS_TABLE = "obligations"
GROUP_RULE = "R-GRADE-1b"
# Each table's columns and their SQL types: the Glue tables (template.yaml) and DuckDB read the
# rows with exactly these (a deploy test compares them), so an all-null column is still typed.
COLUMNS: dict[str, dict[str, str]] = {
    COMPLAINTS_TABLE: {
        "ticket_id": "BIGINT",
        "version": "INTEGER",
        "snapshot_at": "VARCHAR",
        "event_id": "VARCHAR",
        "received_at": "VARCHAR",
        "is_complaint": "BOOLEAN",
        "level": "INTEGER",
        "category": "VARCHAR",
        "subtype": "VARCHAR",
        "emotion": "VARCHAR",
        "language": "VARCHAR",
        "tier": "VARCHAR",
        "status": "VARCHAR",
        "accepted_at": "VARCHAR",
        "first_response_at": "VARCHAR",
        "plan_proposed_at": "VARCHAR",
        "solved_at": "VARCHAR",
        "confirmed_at": "VARCHAR",
        "plans_proposed": "INTEGER",
        "plan_rejections": "INTEGER",
        "satisfaction": "VARCHAR",
        "group_complaint": "BOOLEAN",
        "problem": "VARCHAR",
        "alerted": "VARCHAR",
        "corrected": "BOOLEAN",
        "plugin_level": "INTEGER",
        "plugin_category": "VARCHAR",
        "plugin_subtype": "VARCHAR",
    },
    OBLIGATIONS_TABLE: {
        "ticket_id": "BIGINT",
        "snapshot_at": "VARCHAR",
        "level": "INTEGER",
        "kind": "VARCHAR",
        "rule": "VARCHAR",
        "state": "VARCHAR",
        "opened_at": "VARCHAR",
        "due_at": "VARCHAR",
        "closed_at": "VARCHAR",
    },
}
PARTITION_COLUMN = "month"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def month_of(record: ComplaintRecord, zone: tzinfo) -> str:
    """The partition of a complaint: the month it was received, in the SOP's time zone."""
    return record.received_at.astimezone(zone).strftime("%Y-%m")


def complaint_row(record: ComplaintRecord, snapshot_at: datetime, event_id: str) -> dict[str, Any]:
    """The complaint as one flat row; `plugin_*` are the plugin's grade before agents' corrections."""
    plugin = {c.field: c.before for c in reversed(record.corrections)}  # the first correction's before wins
    stages = record.stages
    return {
        "ticket_id": record.ticket_id,
        # The version the record is about to be saved as: writers' clocks may disagree, the record's
        # optimistic-lock counter never does, so the latest snapshot is the highest version.
        "version": record.version + 1,
        "snapshot_at": _iso(snapshot_at),
        "event_id": event_id,
        "received_at": _iso(record.received_at),
        "is_complaint": record.is_complaint,
        "level": record.level,
        "category": record.category,
        "subtype": record.subtype,
        "emotion": record.emotion,
        "language": record.language,
        "tier": record.tier,
        "status": record.status,
        "accepted_at": _iso(stages.get("accepted", record.received_at)),
        "first_response_at": _iso(stages.get("first_response")),
        "plan_proposed_at": _iso(stages.get("plan_proposed")),
        "solved_at": _iso(stages.get("solved")),
        "confirmed_at": _iso(stages.get("confirmed")),
        "plans_proposed": record.plans_proposed,
        "plan_rejections": record.plan_rejections,
        "satisfaction": record.satisfaction,
        "group_complaint": GROUP_RULE in record.reason_rules,
        "problem": record.problem,
        "alerted": ",".join(record.alerted),
        "corrected": bool(record.corrections),
        "plugin_level": int(plugin.get("level", record.level)),
        "plugin_category": plugin.get("category", record.category),
        "plugin_subtype": plugin.get("subtype", record.subtype),
    }


def obligation_rows(record: ComplaintRecord, snapshot_at: datetime) -> list[dict[str, Any]]:
    """Each deadline of the complaint as a row, with the complaint's level for per-level figures."""
    return [
        {
            "ticket_id": record.ticket_id,
            "snapshot_at": _iso(snapshot_at),
            "level": record.level,
            "kind": o.kind,
            "rule": o.rule,
            "state": o.state,
            "opened_at": _iso(o.opened_at),
            "due_at": _iso(o.due_at),
            "closed_at": _iso(o.closed_at),
        }
        for o in record.obligations.values()
    ]


def partition_key(
    table: str, month: str, record: ComplaintRecord, snapshot_at: datetime, event_id: str
) -> str:
    at = snapshot_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    digest = hashlib.sha256(event_id.encode()).hexdigest()[:12]
    return f"{ANALYTICS_PREFIX}/{table}/month={month}/{record.ticket_id}-{at}-{digest}.json"


def json_lines(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows).encode()


@dataclass(frozen=True)
class AnalyticsWriter:
    """Writes a complaint's snapshot rows; the same event writes the same keys (a retry overwrites
    them with the same bytes)."""

    s3: Any
    bucket: str
    zone: tzinfo

    def put(self, record: ComplaintRecord, snapshot_at: datetime, event_id: str) -> list[str]:
        month = month_of(record, self.zone)
        tables = {
            COMPLAINTS_TABLE: [complaint_row(record, snapshot_at, event_id)],
            OBLIGATIONS_TABLE: obligation_rows(record, snapshot_at),
        }
        keys = []
        for table, rows in tables.items():
            if not rows:
                continue
            key = partition_key(table, month, record, snapshot_at, event_id)
            self.s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=json_lines(rows),
                ContentType="application/json",
                ChecksumAlgorithm="SHA256",
                ServerSideEncryption="AES256",
            )
            keys.append(key)
        return keys
