-- One row per real-world paper, however many sources saw it.
CREATE TABLE core.papers (
    paper_id          VARCHAR PRIMARY KEY,
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

CREATE TABLE core.authors (
    author_id     VARCHAR PRIMARY KEY,
    display_name  VARCHAR NOT NULL,
    name_variants VARCHAR[] NOT NULL    -- every spelling seen, as written
);

CREATE TABLE core.authorships (
    paper_id        VARCHAR NOT NULL,
    author_id       VARCHAR NOT NULL,
    position        INTEGER NOT NULL,   -- 1-based author order
    name_as_written VARCHAR,
    orcid           VARCHAR,
    affiliations    VARCHAR[],
    PRIMARY KEY (paper_id, position)
);

CREATE TABLE core.paper_topics (
    paper_id VARCHAR NOT NULL,
    topic    VARCHAR NOT NULL,          -- arXiv taxonomy code
    source   VARCHAR NOT NULL,
    PRIMARY KEY (paper_id, topic, source)
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

-- One row per source record that became the paper, with the values that record gave.
CREATE TABLE core.sightings (
    paper_id               VARCHAR NOT NULL,
    source                 VARCHAR NOT NULL,
    capture                VARCHAR NOT NULL,
    record_ref             VARCHAR PRIMARY KEY,
    captured_at            TIMESTAMPTZ NOT NULL,
    title_seen             VARCHAR,
    published_on_seen      DATE,
    authors_seen           VARCHAR[],
    authors_truncated_seen BOOLEAN
);

-- Metrics a page or API reports about a person, kept per capture time.
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
    record_ref      VARCHAR PRIMARY KEY
);

-- The papers an author's own page lists (even where its byline was cut by "et al.").
CREATE TABLE core.profile_papers (
    author_id VARCHAR NOT NULL,
    paper_id  VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    capture   VARCHAR NOT NULL
);

-- History: never overwritten; the views read the latest.
CREATE TABLE core.citation_snapshots (
    paper_id                   VARCHAR NOT NULL,
    source                     VARCHAR NOT NULL,
    captured_at                TIMESTAMPTZ NOT NULL,
    citation_count             BIGINT NOT NULL,
    influential_citation_count BIGINT,
    PRIMARY KEY (paper_id, source, captured_at)
);

CREATE TABLE core.citations_by_year (
    paper_id       VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    captured_at    TIMESTAMPTZ NOT NULL,
    year           INTEGER NOT NULL,
    cited_by_count BIGINT
);
