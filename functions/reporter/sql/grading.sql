-- Issue 14: the plugin's level against the level the ticket ended with (agents' corrections).
SELECT plugin_level, level, count(*) AS complaints, sum(CASE WHEN corrected THEN 1 ELSE 0 END) AS corrected
FROM period
GROUP BY plugin_level, level
ORDER BY plugin_level, level
