-- Each table's key ("Key:" below) is checked by sql/100_keys.sql after the load, which fails the
-- publish on a duplicate, instead of being a PRIMARY KEY: DuckDB would build an ART index per key
-- while loading (most of a publish at 10^6 papers) for a file that is only ever read.

-- One row per real-world paper, however many sources saw it.  Key: paper_id.
CREATE TABLE core.papers (
    paper_id          VARCHAR NOT NULL,
    title             VARCHAR,          -- NULL only when no source gave one
    abstract          VARCHAR,
    published_on      DATE,
    year              INTEGER,
    primary_topic     VARCHAR,          -- arXiv form: cs.CL
    arxiv_id          VARCHAR,          -- without version
    doi               VARCHAR,          -- lower case, no resolver prefix
    has_code          BOOLEAN,
    page_count        INTEGER,
    openalex_id       VARCHAR,
    s2_id             VARCHAR,
    venue             VARCHAR,
    date_precision    VARCHAR,          -- day | month | year
    authors_truncated BOOLEAN,          -- only an "et al." list was ever seen
    records           INTEGER,          -- source records merged into this paper
    sources           INTEGER           -- distinct sources among them
);

-- Key: author_id.
CREATE TABLE core.authors (
    author_id     VARCHAR NOT NULL,
    display_name  VARCHAR NOT NULL,
    name_variants VARCHAR[] NOT NULL    -- every spelling seen, as written
);

-- Key: (paper_id, position).
CREATE TABLE core.authorships (
    paper_id        VARCHAR NOT NULL,
    author_id       VARCHAR NOT NULL,
    position        INTEGER NOT NULL,   -- 1-based author order
    name_as_written VARCHAR,
    orcid           VARCHAR,
    affiliations    VARCHAR[]
);

-- Key: (paper_id, topic, source).
CREATE TABLE core.paper_topics (
    paper_id VARCHAR NOT NULL,
    topic    VARCHAR NOT NULL,          -- arXiv taxonomy code
    source   VARCHAR NOT NULL
);

-- Topics from other taxonomies (OpenAlex topic hierarchy, S2 fields of study, Crossref subjects).
CREATE TABLE core.topic_labels (
    paper_id VARCHAR NOT NULL,
    scheme   VARCHAR NOT NULL,
    topic    VARCHAR NOT NULL,
    label    VARCHAR,
    parent   VARCHAR,
    score    DOUBLE,
    source   VARCHAR NOT NULL
);

-- One row per source record that became the paper, with the values that record gave.  Key: record_ref.
CREATE TABLE core.sightings (
    paper_id               VARCHAR NOT NULL,
    source                 VARCHAR NOT NULL,
    capture                VARCHAR NOT NULL,
    record_ref             VARCHAR NOT NULL,
    captured_at            TIMESTAMPTZ NOT NULL,
    title_seen             VARCHAR,
    published_on_seen      DATE,
    authors_seen           VARCHAR[],
    authors_truncated_seen BOOLEAN
);

-- Metrics a page or API reports about a person, kept per capture time.  Key: record_ref.
CREATE TABLE core.author_profiles (
    author_id       VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    capture         VARCHAR NOT NULL,
    captured_at     TIMESTAMPTZ NOT NULL,
    h_index         BIGINT,
    citation_count  BIGINT,
    paper_count     BIGINT,
    i10_index       BIGINT,
    name_as_written VARCHAR,
    extra           JSON,               -- other scores the page shows
    record_ref      VARCHAR NOT NULL
);

-- The papers an author's own page lists (even where its byline was cut by "et al.").
CREATE TABLE core.profile_papers (
    author_id VARCHAR NOT NULL,
    paper_id  VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    capture   VARCHAR NOT NULL
);

-- History: never overwritten; the views read the latest.  Key: (paper_id, source, captured_at).
CREATE TABLE core.citation_snapshots (
    paper_id                   VARCHAR NOT NULL,
    source                     VARCHAR NOT NULL,
    captured_at                TIMESTAMPTZ NOT NULL,
    citation_count             BIGINT NOT NULL,
    influential_citation_count BIGINT
);

CREATE TABLE core.citations_by_year (
    paper_id       VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    captured_at    TIMESTAMPTZ NOT NULL,
    year           INTEGER NOT NULL,
    cited_by_count BIGINT
);

-- Papers that are versions of one work (a conference paper and its journal version with the same
-- title in different peer-reviewed venues): two papers, related here so users can group them.
CREATE TABLE core.paper_relations (
    paper_id         VARCHAR NOT NULL,
    related_paper_id VARCHAR NOT NULL,
    relation         VARCHAR NOT NULL,      -- version_of
    weight           DOUBLE                 -- the pair's match weight (log2 Bayes factor)
);
