-- R-SLA-8 / R-REVIEW-1: satisfaction ratings by week received (the trend), good and bad.
SELECT date_trunc('week', from_iso8601_timestamp(received_at)) AS week,
       sum(CASE WHEN satisfaction = 'good' THEN 1 ELSE 0 END) AS good,
       sum(CASE WHEN satisfaction = 'bad' THEN 1 ELSE 0 END) AS bad,
       count(*) AS complaints
FROM period
GROUP BY date_trunc('week', from_iso8601_timestamp(received_at))
ORDER BY week
