-- The analytics views users query. The heavy ones read the tables 200_analytics_data.sql fills
-- at publish time (what each column means is written there).
-- The current count per paper (the rule is written in 200_analytics_data.sql); `sources` is how
-- many sources gave a count, each of them in analytics.citation_counts_by_source.
CREATE OR REPLACE VIEW analytics.citation_counts AS
SELECT paper_id, title, year, citation_count, source, as_of, sources FROM analytics_data.citation_counts;

-- Every source's current count of a paper (its highest count on its latest capture day), and
-- whether it is the one analytics.citation_counts shows (decided at publish).
CREATE OR REPLACE VIEW analytics.citation_counts_by_source AS
SELECT paper_id, source, citation_count, as_of, capture_day, captures, is_current
FROM analytics_data.citation_counts_by_source;

CREATE OR REPLACE VIEW analytics.author_papers AS
SELECT author_id, paper_id FROM analytics_data.author_papers;

CREATE OR REPLACE VIEW analytics.author_citations AS
SELECT author_id, display_name, papers, citations, h_index, reported_h_index, reported_citations,
       reported_papers, reported_as_of
FROM analytics_data.author_citations;

CREATE OR REPLACE VIEW analytics.author_timeline AS
SELECT author_id, display_name, year, papers, first_author_papers, coauthors, citations, top_topic
FROM analytics_data.author_timeline;

-- Papers per primary topic and year, their share of that year's papers, and growth on the
-- previous year (NULL when the topic had no papers the year before). A few thousand rows from
-- one pass over core.papers: cheap enough to stay a plain view.
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
