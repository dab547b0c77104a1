-- R-REVIEW-3: candidates for the weekly review of typical complaints, bounded in SQL (a week may
-- hold many thousands): up to {at_most} of each kind review.yaml's rule takes first (level 1,
-- a breached deadline, a rejected plan or an unhappy rating), the first complaint of every type,
-- and the first {at_least} of all; the rule then picks in order (functions/reporter/review.py).
, breaches AS (
    SELECT ticket_id, count(*) AS breached FROM deadlines WHERE state = 'breached' GROUP BY ticket_id
),
candidates AS (
    SELECT p.ticket_id, p.level, p.category, p.subtype, p.received_at, p.satisfaction, p.plan_rejections,
           coalesce(b.breached, 0) AS breached,
           CASE WHEN p.plan_rejections > 0 OR p.satisfaction = 'bad' THEN 1 ELSE 0 END AS unhappy
    FROM period AS p LEFT JOIN breaches AS b ON b.ticket_id = p.ticket_id
),
ranked AS (
    SELECT c.*,
           row_number() OVER (PARTITION BY CASE WHEN c.level = 1 THEN 1 ELSE 0 END ORDER BY c.received_at, c.ticket_id) AS by_level,
           row_number() OVER (PARTITION BY CASE WHEN c.breached > 0 THEN 1 ELSE 0 END ORDER BY c.received_at, c.ticket_id) AS by_breach,
           row_number() OVER (PARTITION BY c.unhappy ORDER BY c.received_at, c.ticket_id) AS by_unhappy,
           row_number() OVER (PARTITION BY c.category, c.subtype ORDER BY c.received_at, c.ticket_id) AS by_type,
           count(*) OVER (PARTITION BY c.category, c.subtype) AS type_complaints,
           row_number() OVER (ORDER BY c.level, c.received_at, c.ticket_id) AS overall
    FROM candidates AS c
)
SELECT ticket_id, level, category, subtype, received_at, satisfaction, plan_rejections, breached, type_complaints
FROM ranked
WHERE (level = 1 AND by_level <= {at_most})
   OR (breached > 0 AND by_breach <= {at_most})
   OR (unhappy = 1 AND by_unhappy <= {at_most})
   OR by_type = 1
   OR overall <= {at_least}
ORDER BY level, received_at, ticket_id
