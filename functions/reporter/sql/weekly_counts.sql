-- R-REVIEW-2: complaints per category and week received, for the red and yellow lights. Weeks
-- start on Monday in the SOP's time zone ({zone_hours} hours ahead of UTC).
SELECT category, date_trunc('week', from_iso8601_timestamp(received_at) + INTERVAL '{zone_hours}' HOUR) AS week, count(*) AS complaints
FROM period
GROUP BY category, date_trunc('week', from_iso8601_timestamp(received_at) + INTERVAL '{zone_hours}' HOUR)
ORDER BY category, week
