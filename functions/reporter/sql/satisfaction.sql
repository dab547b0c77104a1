-- R-SLA-8 / R-REVIEW-1: satisfaction ratings by week received (the trend), good and bad. Weeks
-- start on Monday in the SOP's time zone ({zone_hours} hours ahead of UTC).
SELECT date_trunc('week', from_iso8601_timestamp(received_at) + INTERVAL '{zone_hours}' HOUR) AS week,
       sum(CASE WHEN satisfaction = 'good' THEN 1 ELSE 0 END) AS good,
       sum(CASE WHEN satisfaction = 'bad' THEN 1 ELSE 0 END) AS bad,
       count(*) AS complaints
FROM period
GROUP BY date_trunc('week', from_iso8601_timestamp(received_at) + INTERVAL '{zone_hours}' HOUR)
ORDER BY week
