"""A rerun with nothing new skips resolve, validate and publish, and still logs the run."""
from __future__ import annotations

import shutil

import pytest

from papertrail.pipelines.stages import publish as publish_stage
from papertrail.pipelines.stages.landing import land_files
from papertrail.pipelines.stages.parse import parse_pending
from papertrail.pipelines.stages.publish import check_unchanged, is_unchanged, publish_run, record_unchanged_run
from papertrail.pipelines.stages.resolve import resolve_all
from papertrail.pipelines.stages.runlog import read_runs, update_state
from papertrail.pipelines.stages.validate import validate_staged
from papertrail.pipelines.workspace import Workspace
from tests.helpers import rows

SAMPLE = "arxiv_kaggle_snapshot/arxiv-metadata-oai-snapshot.first200.jsonl"


def _run(ws: Workspace, captures, run_id: str) -> str | None:
    """The stages as the assets chain them."""
    landed = land_files(ws, [captures])
    parsed = parse_pending(ws)
    update_state(ws, run_id, captures_seen=landed.observed, captures_new=len(landed.new),
                 rows_in=parsed.counts.get("papers", 0))
    since = check_unchanged(ws, run_id)
    if since:
        record_unchanged_run(ws, run_id)
    else:
        resolve_all(ws)
        validate_staged(ws, run_id)  # the publish loads only validated staging
        publish_run(ws, run_id)
    return since


@pytest.fixture
def published(tmp_path, realdata_dir):
    captures = tmp_path / "captures"
    captures.mkdir()
    shutil.copy(realdata_dir / SAMPLE, captures / "snapshot.jsonl")
    ws = Workspace.for_db(tmp_path / "w.duckdb").ensure()
    assert _run(ws, captures, "run-1") is None
    return ws, captures


def test_nothing_new_is_unchanged_and_logged(published):
    ws, captures = published
    staged = ws.staging_dir / "papers.parquet"
    staged_mtime = staged.stat().st_mtime_ns
    assert _run(ws, captures, "run-2") == "run-1"
    assert is_unchanged(ws, "run-2") == "run-1"
    assert staged.stat().st_mtime_ns == staged_mtime  # resolve did not run
    assert rows(ws.db_path, "SELECT run_id, status, rows_in, captures_new FROM audit.runs ORDER BY started_at") == [
        ("run-1", "success", 200, 1), ("run-2", "unchanged", 0, 0)]
    assert rows(ws.db_path, "SELECT count(*) FROM core.papers") == [(200,)]


def test_a_big_warehouse_gets_the_run_at_the_next_publish(published, monkeypatch, realdata_dir):
    ws, captures = published
    monkeypatch.setattr(publish_stage, "APPEND_BYTES", 0)
    assert _run(ws, captures, "run-2") == "run-1"
    assert rows(ws.db_path, "SELECT run_id FROM audit.runs") == [("run-1",)]
    assert read_runs(ws)["status"].to_list() == ["success", "unchanged"]
    shutil.copy(realdata_dir / "arxiv_abs/arxiv-browse/ftp/arxiv/papers/0704/0704.0001.abs", captures / "a.abs")
    assert _run(ws, captures, "run-3") is None  # something new: resolved and published again
    assert rows(ws.db_path, "SELECT run_id, status FROM audit.runs ORDER BY started_at") == [
        ("run-1", "success"), ("run-2", "unchanged"), ("run-3", "success")]


def test_a_deleted_warehouse_is_rebuilt(published):
    ws, captures = published
    ws.db_path.unlink()
    assert _run(ws, captures, "run-2") is None
    assert rows(ws.db_path, "SELECT count(*) FROM core.papers") == [(200,)]
