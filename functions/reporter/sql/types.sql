-- R-REVIEW-1: complaint types of the period, most frequent first.
SELECT category, subtype, count(*) AS complaints
FROM period
GROUP BY category, subtype
ORDER BY complaints DESC, category, subtype
