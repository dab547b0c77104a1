-- Shared head of every review query (issue 14): each ticket's latest snapshot, and the complaints
-- received in the period. {complaints} and {obligations} are the engine's tables, already limited
-- to the month partitions the period touches; {start} and {end} bound received_at (ISO-8601, UTC).
-- One SQL text for both engines: Athena (Trino) and DuckDB, which gets Trino's function names as macros.
WITH snapshots AS (
    SELECT c.*, row_number() OVER (PARTITION BY c.ticket_id ORDER BY c.version DESC, c.snapshot_at DESC, c.event_id DESC) AS rn
    FROM {complaints} AS c
),
period AS (
    SELECT s.*
    FROM snapshots AS s
    WHERE s.rn = 1
      AND (s.is_complaint OR s.corrected)
      AND from_iso8601_timestamp(s.received_at) >= from_iso8601_timestamp('{start}')
      AND from_iso8601_timestamp(s.received_at) < from_iso8601_timestamp('{end}')
),
deadlines AS (
    SELECT o.*
    FROM {obligations} AS o
    JOIN period AS p ON p.ticket_id = o.ticket_id AND p.snapshot_at = o.snapshot_at
)
