"""`papertrail sql` is read-only in effect: DuckDB's external access is off and its configuration
locked on the connection, so no statement can write a file (COPY ... TO, EXPORT), attach another
database or read a local file; each refusal is one clear line. Empty input says so; several
statements all show their results (split by DuckDB's own parser)."""
from __future__ import annotations

import json

import pytest

from tests.helpers import run_cli
from tests.test_views import publish_dataset


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return publish_dataset(tmp_path_factory.mktemp("sandbox"))


def sql(db, *args):
    return run_cli("sql", "--db", str(db), *args, cwd=db.parent)


REFUSED = ("papertrail: error: refused: papertrail sql reads only the warehouse; it cannot read or write "
           "other files, attach databases or install extensions (Permission Error: Cannot access ")


@pytest.mark.parametrize("statement, target", [
    ("COPY (SELECT * FROM core.papers) TO '{out}/papers.csv'", "papers.csv"),
    ("COPY core.papers TO '{out}/papers.parquet' (FORMAT parquet)", "papers.parquet"),
    ("EXPORT DATABASE '{out}/dump'", "dump"),
    ("ATTACH '{out}/other.duckdb' AS other", "other.duckdb"),
    ("SELECT * FROM read_csv('{secret}')", None),
    ("SELECT * FROM read_text('{secret}')", None),
    ("SELECT * FROM glob('{out}/*')", None),
])
def test_files_outside_the_warehouse_are_refused_with_one_line(db, tmp_path, statement, target):
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    out = sql(db, statement.format(out=tmp_path, secret=secret))
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith(REFUSED) and out.stderr.count("\n") == 1, out.stderr
    assert "hunter2" not in out.stdout + out.stderr
    if target:
        assert not (tmp_path / target).exists()


def test_the_sandbox_cannot_be_switched_off_or_the_warehouse_written(db):
    out = sql(db, "SET enable_external_access = true; COPY core.papers TO '/tmp/x.csv'")
    assert out.returncode == 1
    assert out.stderr == ("papertrail: error: statement 1 of 2 refused: papertrail sql cannot change DuckDB "
                          "settings (Invalid Input Error: Cannot change configuration option "
                          "\"enable_external_access\" - the configuration has been locked)\n")
    out = sql(db, "DELETE FROM core.papers")
    assert out.returncode == 1 and out.stderr.startswith("papertrail: error: refused: the warehouse is opened read-only")


@pytest.mark.parametrize("query", ["", "   \n", "-- just a comment", "/* a block comment */", ";"])
def test_empty_or_comment_only_input_is_a_clear_message(db, query):
    out = sql(db, query)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr == ("papertrail: error: the query is empty (only whitespace or comments): give one or "
                          "more SQL statements, e.g. \"SELECT * FROM analytics.topic_trends\"\n")


def test_every_statement_shows_its_result(db):
    out = sql(db, "SELECT count(*) AS papers FROM core.papers; -- first\nSELECT 'a;b' AS text, 2 AS n;")
    assert out.returncode == 0, out.stderr
    assert out.stdout == ("-- 1: SELECT count(*) AS papers FROM core.papers\n"
                          "papers\n------\n15\n(1 row)\n\n"
                          "-- 2: -- first SELECT 'a;b' AS text, 2 AS n\n"  # the statement on one line
                          "text | n\n-----+--\na;b  | 2\n(1 row)\n")
    out = sql(db, "--format", "json", "SELECT 1 AS a; SELECT 2 AS b")
    assert [json.loads(line) for line in out.stdout.splitlines()] == [[{"a": 1}], [{"b": 2}]]
    out = sql(db, "--format", "csv", "SELECT 1 AS a; SELECT 2 AS b")
    assert out.stdout == "a\n1\n\nb\n2\n"
    single = sql(db, "--format", "json", "SELECT 1 AS a")  # one statement: as before, one array
    assert json.loads(single.stdout) == [{"a": 1}]


def test_a_failing_statement_keeps_the_results_before_it(db):
    out = sql(db, "SELECT 1 AS a; SELECT * FROM core.nope; SELECT 3 AS c")
    assert out.returncode == 1
    assert out.stdout == "-- 1: SELECT 1 AS a\na\n-\n1\n(1 row)\n"
    assert out.stderr.startswith("papertrail: error: statement 2 of 3 query failed: Catalog Error: "
                                 "Table with name nope does not exist!")
    assert out.stderr.count("\n") == 1
