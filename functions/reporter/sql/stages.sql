-- R-REVIEW-1 / R-LOOP-1: hours from acceptance to each later step (average and review.yaml's percentile).
SELECT stage, count(*) AS complaints, avg(hours) AS average_hours, approx_percentile(hours, {percentile}) AS p90_hours
FROM (
    SELECT 'first_response' AS stage, 1 AS step,
           date_diff('second', from_iso8601_timestamp(accepted_at), from_iso8601_timestamp(first_response_at)) / 3600.0 AS hours
    FROM period WHERE first_response_at IS NOT NULL
    UNION ALL
    SELECT 'plan_proposed', 2,
           date_diff('second', from_iso8601_timestamp(accepted_at), from_iso8601_timestamp(plan_proposed_at)) / 3600.0
    FROM period WHERE plan_proposed_at IS NOT NULL
    UNION ALL
    SELECT 'solved', 3,
           date_diff('second', from_iso8601_timestamp(accepted_at), from_iso8601_timestamp(solved_at)) / 3600.0
    FROM period WHERE solved_at IS NOT NULL
    UNION ALL
    SELECT 'confirmed', 4,
           date_diff('second', from_iso8601_timestamp(accepted_at), from_iso8601_timestamp(confirmed_at)) / 3600.0
    FROM period WHERE confirmed_at IS NOT NULL
) AS steps
GROUP BY stage, step
ORDER BY step
