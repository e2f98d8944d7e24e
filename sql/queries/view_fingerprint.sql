-- Read-time query (pipelines/warehouse/fingerprint.py): a relation's row count and the md5 of its
-- rows, each rendered as text and ordered, so the digest depends only on the rows and not on the
-- order a scan returns them in. {relation} and {columns} are filled in from the catalogue.
SELECT count(*) AS row_count,
       md5(coalesce(string_agg(row_text, chr(10) ORDER BY row_text), '')) AS digest
FROM (SELECT CAST(ROW({columns}) AS VARCHAR) AS row_text FROM {relation})
