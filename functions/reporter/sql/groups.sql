-- R-GRADE-1b: group complaints of the period (tickets, and distinct problems), and rejected plans.
SELECT sum(CASE WHEN group_complaint THEN 1 ELSE 0 END) AS group_tickets,
       count(DISTINCT CASE WHEN group_complaint THEN problem END) AS groups,
       sum(plan_rejections) AS plans_rejected,
       sum(CASE WHEN plan_rejections > 0 THEN 1 ELSE 0 END) AS complaints_with_rejected_plan
FROM period
