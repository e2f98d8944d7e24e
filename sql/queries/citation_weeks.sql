-- Read-time query for the citation_weeks asset (sql/queries/ is not run at publish).
-- Parameters: $1 the weeks' starts, $2 their ends (same length), as UTC instants, so no session
-- time zone applies. Per week: every paper's current count as of the week's end, by the rule of
-- analytics.citation_counts (sql/200_analytics_data.sql) over the captures taken before it ends:
-- per source the highest count of its latest capture day (UTC), then the highest across sources;
-- and how many snapshots were taken within the week. Weeks without any snapshot yield no row.
WITH weeks AS (SELECT unnest(?::TIMESTAMPTZ[]) AS starts, unnest(?::TIMESTAMPTZ[]) AS ends),
per_source AS (
    -- the largest (day, count) is the highest count of the source's latest capture day
    SELECT w.starts, s.paper_id, s.source,
           arg_max(s.citation_count, ((s.captured_at AT TIME ZONE 'UTC')::DATE, s.citation_count)) AS citations,
           count(*) FILTER (WHERE s.captured_at >= w.starts) AS taken
    FROM weeks w JOIN core.citation_snapshots s ON s.captured_at < w.ends
    GROUP BY ALL),
latest AS (
    SELECT starts, paper_id, max(citations) AS citations, sum(taken) AS taken
    FROM per_source GROUP BY ALL)
SELECT starts, count(*) AS papers, sum(citations) AS citations, sum(taken) AS snapshots
FROM latest GROUP BY starts
