-- The analytics, computed once per publish into tables that the analytics.* views only read.
-- The warehouse is rebuilt from staging on every publish and read-only in between, so these
-- can never go stale; a reader's `SELECT * FROM analytics.<view>` is then a scan, not a join.
-- Only the per-author tables are sorted (by author), for lookups of one author: sorting the
-- others costs seconds at 10^6 papers and helps no query the views serve.

-- The current citation count of a paper, by a rule that does not depend on the order in which
-- captures happened to land (one run fetches the same paper under several authors, from several
-- APIs, milliseconds apart, in no fixed order):
--   1. per source, the captures of the source's latest capture day (UTC) count; of those, the
--      highest count is that source's current count (one day's captures of a source are one
--      observation repeated; a count only grows);
--   2. across sources, the highest current count wins (every source undercounts: none sees every
--      citing work), ties going to the source whose name sorts first.
-- `as_of` is the winning source's last capture time on that day. Every source's current count stays
-- visible in analytics.citation_counts_by_source. Papers never counted have NULLs.
CREATE TEMP TABLE counts_by_source AS
WITH dated AS (
    SELECT paper_id, source, citation_count, captured_at,
           (captured_at AT TIME ZONE 'UTC')::DATE AS capture_day
    FROM core.citation_snapshots
), last_day AS (
    SELECT paper_id, source, max(capture_day) AS capture_day FROM dated GROUP BY ALL
)
SELECT d.paper_id, d.source, max(d.citation_count) AS citation_count, max(d.captured_at) AS as_of,
       d.capture_day, count(*) AS captures
FROM dated d
JOIN last_day l ON l.paper_id = d.paper_id AND l.source = d.source AND l.capture_day = d.capture_day
GROUP BY d.paper_id, d.source, d.capture_day;

CREATE TABLE analytics_data.citation_counts AS
WITH current AS (
    -- the smallest (-count, source) is the highest count, then the first source by name
    SELECT paper_id,
           arg_min({'source': source, 'citation_count': citation_count, 'as_of': as_of},
                   (-citation_count, source)) AS pick,
           count(*) AS sources
    FROM counts_by_source
    GROUP BY paper_id
)
SELECT p.paper_id, p.title, p.year, c.pick.citation_count, c.pick.source, c.pick.as_of,
       coalesce(c.sources, 0)::INTEGER AS sources
FROM core.papers p
LEFT JOIN current c ON c.paper_id = p.paper_id;

-- Every source's current count with whether it is the paper's current one, decided here once
-- rather than by a join in every query of analytics.citation_counts_by_source.
CREATE TABLE analytics_data.citation_counts_by_source AS
SELECT s.paper_id, s.source, s.citation_count, s.as_of, s.capture_day, s.captures,
       coalesce(c.source = s.source, false) AS is_current
FROM counts_by_source s
LEFT JOIN analytics_data.citation_counts c ON c.paper_id = s.paper_id;
DROP TABLE counts_by_source;

-- An author's papers: bylines, plus papers their own page lists (a byline cut by "et al.").
-- Sorted by author (one author's rows sit together, a lookup reads a block or two) and stored
-- uncompressed: analytics.author_papers is mostly read whole, two 16-character ids per row
-- (3.5 M rows at 10^6 papers), and decoding the FSST-compressed strings was a fifth of that read.
-- The setting only changes how these rows are written; it is reset at once.
SET force_compression = 'uncompressed';
CREATE TABLE analytics_data.author_papers AS
SELECT author_id, paper_id FROM (
    SELECT author_id, paper_id FROM core.authorships
    UNION
    SELECT author_id, paper_id FROM core.profile_papers
)
ORDER BY author_id, paper_id;
RESET force_compression;

-- h-index computed from the papers' latest counts, next to what the latest profile reports.
-- With an author's counts sorted descending, the h-index is how many reach their own rank.
CREATE TABLE analytics_data.author_citations AS
WITH computed AS (
    SELECT ap.author_id, count(*) AS papers, sum(coalesce(c.citation_count, 0)) AS citations,
           len(list_filter(list_sort(list(coalesce(c.citation_count, 0)), 'DESC'),
                           (cites, rank) -> cites >= rank)) AS h_index
    FROM analytics_data.author_papers ap
    LEFT JOIN analytics_data.citation_counts c ON c.paper_id = ap.paper_id
    GROUP BY ap.author_id
), reported AS (
    -- What the author's own pages report, by the same order-free rule as paper counts: per
    -- source the rows of its latest capture day that carry a figure; across them the highest
    -- citation count, then h-index, then paper count, then the source and record by name.
    SELECT author_id, h_index, citation_count, paper_count, captured_at
    FROM (
        SELECT *
        FROM (SELECT *, (captured_at AT TIME ZONE 'UTC')::DATE AS capture_day
              FROM core.author_profiles
              WHERE coalesce(h_index, citation_count, paper_count) IS NOT NULL)
        QUALIFY capture_day = max(capture_day) OVER (PARTITION BY author_id, source)
    )
    QUALIFY row_number() OVER (PARTITION BY author_id
                               ORDER BY citation_count DESC NULLS LAST, h_index DESC NULLS LAST,
                                        paper_count DESC NULLS LAST, source, record_ref) = 1
)
SELECT a.author_id, a.display_name,
       coalesce(c.papers, 0)::BIGINT AS papers,
       coalesce(c.citations, 0)::BIGINT AS citations,
       coalesce(c.h_index, 0)::BIGINT AS h_index,
       rp.h_index AS reported_h_index,
       rp.citation_count AS reported_citations,
       rp.paper_count AS reported_papers,
       rp.captured_at AS reported_as_of
FROM core.authors a
LEFT JOIN computed c ON c.author_id = a.author_id
LEFT JOIN reported rp ON rp.author_id = a.author_id
ORDER BY a.author_id;

-- Per author and year: papers, first-author papers, distinct co-authors, citations (latest
-- counts of that year's papers) and the most frequent primary topic (ties: alphabetical).
-- Authors, papers and topics become integers first: the co-author step joins every byline with
-- itself (sum of squared byline lengths, ~19 rows per paper), and integer keys hash and compare
-- far faster than the string ids.
-- numbered in author_id order, so that sorting the result by number sorts it by id
CREATE TEMP TABLE author_keys AS
SELECT author_id, row_number() OVER (ORDER BY author_id)::INTEGER AS a
FROM (SELECT DISTINCT author_id FROM analytics_data.author_papers);

-- topic numbers in alphabetical order, so the smallest number breaks a tie
CREATE TEMP TABLE topic_keys AS
SELECT topic, row_number() OVER (ORDER BY topic)::INTEGER AS t
FROM (SELECT DISTINCT primary_topic AS topic FROM core.papers WHERE primary_topic IS NOT NULL);

-- papers with a year. (paper_id, position) is a key: a paper has at most one first author
CREATE TEMP TABLE dated_papers AS
SELECT row_number() OVER ()::INTEGER AS p, p.paper_id, p.year, tk.t,
       coalesce(c.citation_count, 0) AS cites, fk.a AS first_a
FROM core.papers p
LEFT JOIN topic_keys tk ON tk.topic = p.primary_topic
LEFT JOIN analytics_data.citation_counts c ON c.paper_id = p.paper_id
LEFT JOIN core.authorships f ON f.paper_id = p.paper_id AND f.position = 1
LEFT JOIN author_keys fk ON fk.author_id = f.author_id
WHERE p.year IS NOT NULL;

CREATE TEMP TABLE dated_author_papers AS
SELECT k.a, d.p, d.year, d.t, d.cites, k.a = d.first_a AS is_first
FROM analytics_data.author_papers ap
JOIN dated_papers d ON d.paper_id = ap.paper_id
JOIN author_keys k ON k.author_id = ap.author_id;

CREATE TEMP TABLE dated_bylines AS
SELECT d.p, k.a
FROM core.authorships s
JOIN dated_papers d ON d.paper_id = s.paper_id
JOIN author_keys k ON k.author_id = s.author_id;

CREATE TABLE analytics_data.author_timeline AS
WITH per_year AS (
    SELECT a, year, count(*) AS papers, count(*) FILTER (WHERE is_first) AS first_author_papers,
           sum(cites) AS citations
    FROM dated_author_papers GROUP BY a, year
), coauthors AS (
    SELECT ap.a, ap.year, count(DISTINCT s.a) AS coauthors
    FROM dated_author_papers ap JOIN dated_bylines s ON s.p = ap.p AND s.a <> ap.a
    GROUP BY ap.a, ap.year
), topics AS (
    -- the most papers, then the smallest topic number: one BIGINT to compare (t < 2^31), which
    -- DuckDB compares far faster than the struct (n, -t)
    SELECT a, year, arg_max(t, n * 4294967296 - t) AS t
    FROM (SELECT a, year, t, count(*) AS n FROM dated_author_papers WHERE t IS NOT NULL GROUP BY ALL)
    GROUP BY a, year
)
SELECT k.author_id, au.display_name, y.year, y.papers, y.first_author_papers,
       coalesce(co.coauthors, 0) AS coauthors, y.citations::BIGINT AS citations, tk.topic AS top_topic
FROM per_year y
JOIN author_keys k ON k.a = y.a
JOIN core.authors au ON au.author_id = k.author_id
LEFT JOIN coauthors co ON co.a = y.a AND co.year = y.year
LEFT JOIN topics tp ON tp.a = y.a AND tp.year = y.year
LEFT JOIN topic_keys tk ON tk.t = tp.t
ORDER BY y.a, y.year;

DROP TABLE author_keys;
DROP TABLE topic_keys;
DROP TABLE dated_papers;
DROP TABLE dated_author_papers;
DROP TABLE dated_bylines;
