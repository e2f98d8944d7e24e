-- What each table and column means is in sql/columns.yaml (written into the file with COMMENT ON).
CREATE TABLE audit.quarantine (
    stage      VARCHAR NOT NULL,
    source     VARCHAR,
    capture    VARCHAR,
    record_ref VARCHAR,
    reason     VARCHAR NOT NULL,
    payload    VARCHAR,
    seen_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit.merges (
    entity    VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    rule      VARCHAR NOT NULL,
    key       VARCHAR NOT NULL,
    records   VARCHAR[] NOT NULL,
    weight    DOUBLE,
    comparisons VARCHAR
);

CREATE TABLE audit.runs (
    run_id           VARCHAR PRIMARY KEY,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    status           VARCHAR NOT NULL,
    rows_in          BIGINT,
    rows_loaded      BIGINT,
    rows_quarantined BIGINT,
    captures_seen    BIGINT,
    captures_new     BIGINT,
    message          VARCHAR,
    fetches_answered     BIGINT,
    fetches_failed       BIGINT,
    quarantined_fetch    BIGINT,
    quarantined_land     BIGINT,
    quarantined_parse    BIGINT,
    quarantined_resolve  BIGINT,
    quarantined_validate BIGINT
);
