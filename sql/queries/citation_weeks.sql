-- Read-time query for the citation_weeks asset (sql/queries/ is not run at publish).
-- Parameters: $1 the weeks' starts, $2 their ends (same length), as UTC instants, so no session
-- time zone applies. Per week: every paper's latest count captured before the week ends, and how
-- many snapshots were taken within the week. Weeks without any snapshot yield no row.
WITH weeks AS (SELECT unnest(?::TIMESTAMPTZ[]) AS starts, unnest(?::TIMESTAMPTZ[]) AS ends),
latest AS (
    SELECT w.starts, s.paper_id, arg_max(s.citation_count, s.captured_at) AS citations,
           count(*) FILTER (WHERE s.captured_at >= w.starts) AS taken
    FROM weeks w JOIN core.citation_snapshots s ON s.captured_at < w.ends
    GROUP BY ALL)
SELECT starts, count(*) AS papers, sum(citations) AS citations, sum(taken) AS snapshots
FROM latest GROUP BY starts
