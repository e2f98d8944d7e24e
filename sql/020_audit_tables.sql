-- Every input that could not be fetched, parsed, resolved or validated, with its reason.
CREATE TABLE audit.quarantine (
    stage      VARCHAR NOT NULL,
    source     VARCHAR,
    capture    VARCHAR,
    record_ref VARCHAR,
    reason     VARCHAR NOT NULL,
    payload    VARCHAR,
    seen_at    TIMESTAMPTZ NOT NULL
);

-- Which rule joined which records into one paper or author.
CREATE TABLE audit.merges (
    entity    VARCHAR NOT NULL,             -- paper | author
    entity_id VARCHAR NOT NULL,
    rule      VARCHAR NOT NULL,             -- arxiv | doi | openalex | s2 | abstract | linkage | name_key | ...
    key       VARCHAR NOT NULL,
    records   VARCHAR[] NOT NULL,           -- record refs (papers) or spellings (authors)
    weight    DOUBLE,                       -- a scored link's match weight (log2 Bayes factor)
    comparisons VARCHAR                     -- each comparison's level and weight, e.g. 'title=exact:+19.7 year=same:+3.4'
);

CREATE TABLE audit.runs (
    run_id           VARCHAR PRIMARY KEY,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    status           VARCHAR NOT NULL,      -- success | unchanged | failed | blocked
    rows_in          BIGINT,                -- records parsed from this run's new captures
    rows_loaded      BIGINT,
    rows_quarantined BIGINT,
    captures_seen    BIGINT,
    captures_new     BIGINT,
    message          VARCHAR
);
