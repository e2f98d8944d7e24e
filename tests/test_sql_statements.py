"""sql/*.sql is split into statements by DuckDB's parser, not by a ';' at a line end."""
from __future__ import annotations

from papertrail.pipelines.warehouse import statements


def test_a_semicolon_in_a_string_or_comment_does_not_end_a_statement(tmp_path, monkeypatch):
    (tmp_path / "010_a.sql").write_text(
        "-- header; with a semicolon\nCREATE TABLE t (x VARCHAR DEFAULT 'a;\nb');\n"
        "INSERT INTO t VALUES ('c;é'); -- trailing; comment — ü\n\n", encoding="utf-8")
    (tmp_path / "100_b.sql").write_text("CREATE VIEW v AS SELECT * FROM t", encoding="utf-8")
    monkeypatch.setattr(statements, "sql_dir", lambda: tmp_path)
    assert statements.sql_statements("schema") == [
        ("010_a.sql", "CREATE TABLE t (x VARCHAR DEFAULT 'a;\nb')"),
        ("010_a.sql", "INSERT INTO t VALUES ('c;é')"),
    ]
    assert statements.sql_statements("derive") == [("100_b.sql", "CREATE VIEW v AS SELECT * FROM t")]
    assert len(statements.sql_statements()) == 3


def test_the_shipped_sql_splits_into_statements_duckdb_runs():
    import duckdb
    found = statements.sql_statements("schema")
    assert found and all(not s.endswith(";") for _, s in found)
    con = duckdb.connect()
    for _, statement in found:
        con.execute(statement)
