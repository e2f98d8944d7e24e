"""Table keys are checked after the load (sql/100_keys.sql) instead of PRIMARY KEY indexes: a
duplicate in any key fails the publish with one line naming the table, the key and the value,
and the published warehouse stays as it was. The analytics views read tables built at publish.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from papertrail.pipelines.errors import WarehouseError
from papertrail.pipelines.warehouse.publish import publish, sql_statements
from papertrail.pipelines.workspace import Workspace
from tests.helpers import rows
from tests.test_publish_safety import fingerprints, leftovers
from tests.test_views import T1, dataset, publish_dataset, runs_frame, stage

# table: (a row that repeats an existing key, the expected message)
DUPLICATES = {
    "papers": ({"paper_id": "p03", "title": "Another p03"},
               "core.papers: paper_id p03 (2 rows)"),
    "authors": ({"author_id": "cy", "display_name": "Cy T.", "name_variants": ["Cy T."]},
                "core.authors: author_id cy (2 rows)"),
    "authorships": ({"paper_id": "p05", "author_id": "ben", "position": 2},
                    "core.authorships: paper_id p05, position 2 (2 rows)"),
    "paper_topics": ({"paper_id": "p01", "topic": "cs.CL", "source": "arxiv"},
                     "core.paper_topics: paper_id p01, topic cs.CL, source arxiv (2 rows)"),
    "sightings": ({"paper_id": "p02", "source": "arxiv", "capture": "arxiv/other.xml", "record_ref": "p01-a",
                   "captured_at": T1},
                  "core.sightings: record_ref p01-a (2 rows)"),
    "author_profiles": ({"author_id": "eve", "source": "catalyzex", "capture": "pages/eve.html",
                         "captured_at": T1, "record_ref": "r-gus-1"},
                        "core.author_profiles: record_ref r-gus-1 (2 rows)"),
    "citation_snapshots": ({"paper_id": "p11", "source": "s2", "captured_at": T1, "citation_count": 91},
                           "core.citation_snapshots: paper_id p11, source s2, captured_at 2026-03-01 12:00:00 UTC (2 rows)"),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return publish_dataset(tmp_path_factory.mktemp("keys"))


@pytest.mark.parametrize("table", sorted(DUPLICATES))
def test_a_duplicate_key_fails_the_publish_and_keeps_the_file(published, tmp_path, table):
    before = fingerprints(published)
    tables = dataset()
    row, message = DUPLICATES[table]
    tables[table].append(row)
    with pytest.raises(WarehouseError) as raised:
        publish(Workspace.for_db(published), stage(tmp_path / "dup", tables), runs_frame("run-2"))
    assert str(raised.value) == f"sql/100_keys.sql: Invalid Input Error: duplicate key in {message}"
    assert fingerprints(published) == before
    assert leftovers(published) == []


def test_every_key_of_the_ddl_is_checked():
    """Each "Key:" the DDL names has its check, and no core table carries an index."""
    ddl = "\n".join(s for name, s in sql_statements("schema") if name == "010_core_tables.sql")
    checks = [s for name, s in sql_statements("derive") if name == "100_keys.sql"]
    assert len(checks) == len(DUPLICATES) == 7
    assert "PRIMARY KEY" not in ddl and "UNIQUE" not in ddl
    for table in DUPLICATES:
        assert any(f"FROM core.{table} GROUP BY" in check for check in checks), table


def test_views_read_the_analytics_tables_and_no_temporary_table_is_left(published):
    got = rows(published, "SELECT schema_name, table_name, estimated_size FROM duckdb_tables() "
                          "WHERE schema_name = 'analytics_data' ORDER BY table_name")
    assert got == [("analytics_data", "author_citations", 7), ("analytics_data", "author_papers", 26),
                   ("analytics_data", "author_timeline", 13), ("analytics_data", "citation_counts", 15),
                   ("analytics_data", "citation_counts_by_source", 14)]
    assert rows(published, "SELECT count(*) FROM duckdb_tables() WHERE temporary") == [(0,)]
    assert rows(published, "SELECT count(*) FROM duckdb_indexes()") == [(0,)]
    views = dict(rows(published, "SELECT view_name, sql FROM duckdb_views() WHERE schema_name = 'analytics'"))
    assert sorted(views) == ["author_citations", "author_papers", "author_timeline", "citation_counts",
                             "citation_counts_by_source", "topic_trends"]
    for name in ("author_citations", "author_papers", "author_timeline", "citation_counts",
                 "citation_counts_by_source"):
        assert f"FROM analytics_data.{name}" in views[name], views[name]
