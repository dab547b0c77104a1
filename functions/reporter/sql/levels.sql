-- R-GRADE: the level mix of the period.
SELECT level, count(*) AS complaints
FROM period
GROUP BY level
ORDER BY level
