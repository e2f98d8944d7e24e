"""Bad input never stops a run and is never lost: each case lands in audit.quarantine with a
specific reason and its payload; a bad warehouse target stops the run with one clear line."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import duckdb
import pytest

from papertrail.pipelines.demo.model import DemoPaper, DemoProfile
from papertrail.pipelines.sources.catalyzex.render import render_text as catalyzex_text
from tests.helpers import copy_with_mtime, rows, run_cli, scalar

WHEN = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
PAPER = DemoPaper(title="Sparse Retrievers at Scale", abstract="We study sparse retrievers at scale and "
                  "find that they match dense ones on eleven benchmarks while costing far less.",
                  published_on=date(2024, 5, 6), topic="cs.IR", authors=("Amara Okafor", "Hana Sato"))
SECOND = DemoPaper(title="Calibrated Agents in the Wild", abstract="We measure how calibrated language "
                   "agents are when deployed in the wild and propose a cheap recalibration step.",
                   published_on=date(2023, 2, 1), topic="cs.AI", authors=("Hana Sato", "Oskar Nowak"))


SNAPSHOT_LINE = {"id": "2401.00001", "submitter": "Ann Lee", "authors": "Ann Lee and Bo Chen",
                 "title": "Shortest Paths in Sparse Graphs", "comments": None, "journal-ref": None,
                 "doi": None, "report-no": None, "categories": "cs.DS", "license": None,
                 "abstract": "We study shortest paths in sparse graphs.",
                 "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"}],
                 "update_date": "2024-01-02", "authors_parsed": [["Lee", "Ann", ""], ["Chen", "Bo", ""]]}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    src = root / "src"
    src.mkdir()
    page = catalyzex_text(DemoProfile(name="Hana Sato", layout="catalyzex", papers=(PAPER, SECOND)), WHEN.date())
    (src / "good.txt").write_text(page)
    cut = page.index(SECOND.title) + len(SECOND.title) + 1  # cut right after the second title
    (src / "truncated.txt").write_text(page[:cut].replace("Hana Sato", "Oskar Nowak", 2))
    (src / "empty.txt").write_bytes(b"")
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (src / "notes.txt").write_text("Shopping list\n- eggs\n- flour\n")
    (src / "snapshot.jsonl").write_text(json.dumps(SNAPSHOT_LINE) + "\n" + json.dumps(
        {**SNAPSHOT_LINE, "id": "2401.00002", "title": "", "abstract": " "}) + "\n")
    captures = copy_with_mtime(src, root / "captures", WHEN)
    db = root / "w.duckdb"
    result = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=root)
    return root, db, result


def test_run_publishes_the_rest_and_says_how_many_were_quarantined(bad_run):
    _, db, result = bad_run
    assert result.returncode == 0, result.stderr
    assert "quarantined" in result.stdout
    assert "5 quarantined" in result.stdout
    # the good page's two papers plus the good snapshot line; the truncated page's first paper
    # is the good page's first paper again
    assert scalar(db, "SELECT count(*) FROM core.papers") == 3


def test_each_bad_capture_is_quarantined_with_a_specific_reason_and_payload(bad_run):
    _, db, _ = bad_run
    found = {name: (stage, reason) for name, stage, reason in rows(
        db, "SELECT regexp_extract(capture, '[^/]+$'), stage, reason FROM audit.quarantine ORDER BY 1")}
    assert len(found) == 5
    assert found["snapshot.jsonl"][1] == "missing_title_and_abstract: record 1 has neither a title nor an abstract"
    assert found["empty.txt"][1].startswith("empty_capture: ")
    assert found["image.png"][1].startswith("binary_capture: ")
    assert found["notes.txt"][1].startswith("unknown_format: ")
    assert "Shopping list" in found["notes.txt"][1]
    assert found["truncated.txt"][1].startswith("truncated_capture")
    assert {stage for stage, _ in found.values()} == {"parse"}
    payload = scalar(db, "SELECT payload FROM audit.quarantine WHERE capture LIKE '%notes.txt'")
    assert payload == "Shopping list\n- eggs\n- flour\n"


def test_a_corrupt_warehouse_is_not_overwritten(tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"this is not a database" * 100)
    result = run_cli("run", "--captures", str(tmp_path / "nothing"), "--db", str(db), cwd=tmp_path)
    assert result.returncode != 0
    result = run_cli("run", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "refusing to overwrite" in result.stderr
    assert db.read_bytes() == b"this is not a database" * 100


def test_a_warehouse_locked_by_another_writer_stops_the_run(tmp_path):
    db = tmp_path / "w.duckdb"
    writer = duckdb.connect(str(db))
    writer.execute("CREATE TABLE mine AS SELECT 42 AS answer")
    try:
        result = run_cli("run", "--db", str(db), cwd=tmp_path)
    finally:
        writer.close()
    assert result.returncode == 1
    assert result.stderr.strip() .startswith("papertrail: error: ") and "locked by another writer" in result.stderr
    assert scalar(db, "SELECT answer FROM mine") == 42


def test_rows_failing_a_blocking_expectation_are_quarantined_and_the_rest_loads(tmp_path):
    """A paper dated 1842 breaks papers' year expectation: it (and its sighting) go to
    audit.quarantine naming the expectation; the good record still publishes."""
    src = tmp_path / "src"
    src.mkdir()
    old = {**SNAPSHOT_LINE, "id": "2401.00003", "title": "Notes on an Analytical Engine",
           "versions": [{"version": "v1", "created": "Mon, 1 Jan 1842 10:00:00 GMT"}]}
    (src / "snapshot.jsonl").write_text(json.dumps(SNAPSHOT_LINE) + "\n" + json.dumps(old) + "\n")
    captures = copy_with_mtime(src, tmp_path / "captures", WHEN)
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert rows(db, "SELECT title FROM core.papers") == [("Shortest Paths in Sparse Graphs",)]
    quarantined = rows(db, "SELECT stage, reason FROM audit.quarantine ORDER BY record_ref NULLS FIRST")
    assert quarantined == [
        ("validate", "validation_failed: papers.expect_column_values_to_be_between(year)"),
        ("validate", "validation_failed: papers.expect_column_values_to_be_between(year)"),
    ]
