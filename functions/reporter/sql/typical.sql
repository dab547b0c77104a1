-- R-REVIEW-3: candidates for the weekly review of typical complaints, most serious first.
SELECT p.ticket_id, p.level, p.category, p.subtype, p.received_at, p.satisfaction, p.corrected,
       p.group_complaint, p.plan_rejections,
       (SELECT count(*) FROM deadlines AS d WHERE d.ticket_id = p.ticket_id AND d.state = 'breached') AS breached
FROM period AS p
ORDER BY p.level, p.received_at
