-- R-SLA / R-REVIEW-1: deadlines met in time, missed (breached or met late) and still open, by
-- kind and level; cross_dept is R-SLA-4's 2 h answer, private_contact R-SLA-9's hour.
SELECT kind, level,
       sum(CASE WHEN state = 'met' AND from_iso8601_timestamp(closed_at) <= from_iso8601_timestamp(due_at) THEN 1 ELSE 0 END) AS in_time,
       sum(CASE WHEN state = 'breached' OR (state = 'met' AND from_iso8601_timestamp(closed_at) > from_iso8601_timestamp(due_at)) THEN 1 ELSE 0 END) AS missed,
       sum(CASE WHEN state IN ('open', 'warned') THEN 1 ELSE 0 END) AS pending
FROM deadlines
WHERE state <> 'cancelled'
GROUP BY kind, level
ORDER BY kind, level
