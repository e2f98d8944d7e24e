-- Latest citation count per paper: the most recent capture wins; at the same time, the highest
-- count (sources lag each other, none over-counts). Papers never counted have NULLs.
CREATE OR REPLACE VIEW analytics.citation_counts AS
WITH ranked AS (
    SELECT paper_id, source, citation_count, captured_at,
           row_number() OVER (PARTITION BY paper_id
                              ORDER BY captured_at DESC, citation_count DESC, source) AS rn
    FROM core.citation_snapshots
)
SELECT p.paper_id, p.title, p.year, r.citation_count, r.source, r.captured_at AS as_of
FROM core.papers p
LEFT JOIN ranked r ON r.paper_id = p.paper_id AND r.rn = 1;

-- An author's papers: bylines, plus papers their own page lists (a byline cut by "et al.").
CREATE OR REPLACE VIEW analytics.author_papers AS
SELECT author_id, paper_id FROM core.authorships
UNION
SELECT author_id, paper_id FROM core.profile_papers;

-- h-index computed from the papers' latest counts, next to what the latest profile reports.
CREATE OR REPLACE VIEW analytics.author_citations AS
WITH counted AS (
    SELECT ap.author_id, ap.paper_id, coalesce(c.citation_count, 0) AS cites
    FROM analytics.author_papers ap
    LEFT JOIN analytics.citation_counts c ON c.paper_id = ap.paper_id
), ranked AS (
    SELECT author_id, cites,
           row_number() OVER (PARTITION BY author_id ORDER BY cites DESC, paper_id) AS r
    FROM counted
), computed AS (
    SELECT author_id, count(*) AS papers, sum(cites) AS citations,
           coalesce(max(r) FILTER (WHERE cites >= r), 0) AS h_index
    FROM ranked GROUP BY author_id
), reported AS (
    SELECT author_id, h_index, citation_count, paper_count, captured_at,
           row_number() OVER (PARTITION BY author_id ORDER BY captured_at DESC, record_ref) AS rn
    FROM core.author_profiles
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
LEFT JOIN reported rp ON rp.author_id = a.author_id AND rp.rn = 1;

-- Papers per primary topic and year, their share of that year's papers, and growth on the
-- previous year (NULL when the topic had no papers the year before).
CREATE OR REPLACE VIEW analytics.topic_trends AS
WITH counts AS (
    SELECT primary_topic AS topic, year, count(*) AS papers
    FROM core.papers
    WHERE primary_topic IS NOT NULL AND year IS NOT NULL
    GROUP BY ALL
), totals AS (
    SELECT year, sum(papers) AS year_papers FROM counts GROUP BY year
)
SELECT c.topic, c.year, c.papers,
       round(c.papers / t.year_papers, 4) AS share,
       round((c.papers - prev.papers) / prev.papers, 4) AS yoy_growth
FROM counts c
JOIN totals t ON t.year = c.year
LEFT JOIN counts prev ON prev.topic = c.topic AND prev.year = c.year - 1;

-- Per author and year: papers, first-author papers, distinct co-authors, citations (latest
-- counts of that year's papers) and the most frequent primary topic (ties: alphabetical).
CREATE OR REPLACE VIEW analytics.author_timeline AS
WITH ap AS (
    SELECT ap.author_id, p.paper_id, p.year, p.primary_topic,
           coalesce(c.citation_count, 0) AS cites,
           f.author_id IS NOT NULL AS is_first
    FROM analytics.author_papers ap
    JOIN core.papers p ON p.paper_id = ap.paper_id
    LEFT JOIN analytics.citation_counts c ON c.paper_id = ap.paper_id
    -- (paper_id, position) is a key: at most one first author per paper, so no row doubles
    LEFT JOIN core.authorships f
           ON f.paper_id = ap.paper_id AND f.author_id = ap.author_id AND f.position = 1
    WHERE p.year IS NOT NULL
), per_year AS (
    SELECT author_id, year, count(*) AS papers, count(*) FILTER (WHERE is_first) AS first_author_papers,
           sum(cites) AS citations
    FROM ap GROUP BY author_id, year
), coauthors AS (
    SELECT ap.author_id, ap.year, count(DISTINCT s.author_id) AS coauthors
    FROM ap JOIN core.authorships s ON s.paper_id = ap.paper_id AND s.author_id <> ap.author_id
    GROUP BY ap.author_id, ap.year
), topics AS (
    SELECT author_id, year, primary_topic AS top_topic,
           row_number() OVER (PARTITION BY author_id, year ORDER BY count(*) DESC, primary_topic) AS rn
    FROM ap WHERE primary_topic IS NOT NULL
    GROUP BY author_id, year, primary_topic
)
SELECT a.author_id, a.display_name, y.year, y.papers, y.first_author_papers,
       coalesce(co.coauthors, 0) AS coauthors, y.citations::BIGINT AS citations, t.top_topic
FROM per_year y
JOIN core.authors a ON a.author_id = y.author_id
LEFT JOIN coauthors co ON co.author_id = y.author_id AND co.year = y.year
LEFT JOIN topics t ON t.author_id = y.author_id AND t.year = y.year AND t.rn = 1;
