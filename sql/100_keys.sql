-- Run after the load: each table's key (see 010_core_tables.sql) is unique, else the publish
-- fails on the first duplicate found and the published warehouse stays as it was. A GROUP BY
-- over the loaded rows costs a fraction of maintaining a PRIMARY KEY index during the insert.
SELECT error('duplicate key in core.papers: paper_id ' || paper_id || ' (' || count(*) || ' rows)')
FROM core.papers GROUP BY paper_id HAVING count(*) > 1 LIMIT 1;

SELECT error('duplicate key in core.authors: author_id ' || author_id || ' (' || count(*) || ' rows)')
FROM core.authors GROUP BY author_id HAVING count(*) > 1 LIMIT 1;

SELECT error('duplicate key in core.authorships: paper_id ' || paper_id || ', position ' || position
             || ' (' || count(*) || ' rows)')
FROM core.authorships GROUP BY paper_id, position HAVING count(*) > 1 LIMIT 1;

SELECT error('duplicate key in core.paper_topics: paper_id ' || paper_id || ', topic ' || topic
             || ', source ' || source || ' (' || count(*) || ' rows)')
FROM core.paper_topics GROUP BY paper_id, topic, source HAVING count(*) > 1 LIMIT 1;

SELECT error('duplicate key in core.sightings: record_ref ' || record_ref || ' (' || count(*) || ' rows)')
FROM core.sightings GROUP BY record_ref HAVING count(*) > 1 LIMIT 1;

SELECT error('duplicate key in core.author_profiles: record_ref ' || record_ref || ' (' || count(*) || ' rows)')
FROM core.author_profiles GROUP BY record_ref HAVING count(*) > 1 LIMIT 1;

SELECT error('duplicate key in core.citation_snapshots: paper_id ' || paper_id || ', source ' || source
             || ', captured_at ' || timezone('UTC', captured_at) || ' UTC (' || count(*) || ' rows)')
FROM core.citation_snapshots GROUP BY paper_id, source, captured_at HAVING count(*) > 1 LIMIT 1;
