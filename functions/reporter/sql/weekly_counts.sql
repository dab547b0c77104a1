-- R-REVIEW-2: complaints per category and week received, for the red and yellow lights.
SELECT category, date_trunc('week', from_iso8601_timestamp(received_at)) AS week, count(*) AS complaints
FROM period
GROUP BY category, date_trunc('week', from_iso8601_timestamp(received_at))
ORDER BY category, week
