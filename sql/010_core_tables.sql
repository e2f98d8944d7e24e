-- What each table and column means is in sql/columns.yaml (written into the file with COMMENT ON).
-- Each table's key ("Key:" below) is checked by sql/100_keys.sql after the load, which fails the
-- publish on a duplicate, instead of being a PRIMARY KEY: DuckDB would build an ART index per key
-- while loading (most of a publish at 10^6 papers) for a file that is only ever read.

-- Key: paper_id.
CREATE TABLE core.papers (
    paper_id          VARCHAR NOT NULL,
    title             VARCHAR,
    abstract          VARCHAR,
    published_on      DATE,
    year              INTEGER,
    primary_topic     VARCHAR,
    arxiv_id          VARCHAR,
    doi               VARCHAR,
    has_code          BOOLEAN,
    page_count        INTEGER,
    openalex_id       VARCHAR,
    s2_id             VARCHAR,
    venue             VARCHAR,
    date_precision    VARCHAR,
    authors_truncated BOOLEAN,
    records           INTEGER,
    sources           INTEGER
);

-- Key: author_id.
CREATE TABLE core.authors (
    author_id     VARCHAR NOT NULL,
    display_name  VARCHAR NOT NULL,
    name_variants VARCHAR[] NOT NULL
);

-- Key: (paper_id, position).
CREATE TABLE core.authorships (
    paper_id        VARCHAR NOT NULL,
    author_id       VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    name_as_written VARCHAR,
    orcid           VARCHAR,
    affiliations    VARCHAR[]
);

-- Key: (paper_id, topic, source).
CREATE TABLE core.paper_topics (
    paper_id VARCHAR NOT NULL,
    topic    VARCHAR NOT NULL,
    source   VARCHAR NOT NULL
);

CREATE TABLE core.topic_labels (
    paper_id VARCHAR NOT NULL,
    scheme   VARCHAR NOT NULL,
    topic    VARCHAR NOT NULL,
    label    VARCHAR,
    parent   VARCHAR,
    score    DOUBLE,
    source   VARCHAR NOT NULL
);

-- Key: record_ref.
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

-- Key: record_ref.
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
    extra           JSON,
    record_ref      VARCHAR NOT NULL
);

CREATE TABLE core.profile_papers (
    author_id VARCHAR NOT NULL,
    paper_id  VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    capture   VARCHAR NOT NULL
);

-- Key: (paper_id, source, captured_at).
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

CREATE TABLE core.paper_relations (
    paper_id         VARCHAR NOT NULL,
    related_paper_id VARCHAR NOT NULL,
    relation         VARCHAR NOT NULL,
    weight           DOUBLE
);
