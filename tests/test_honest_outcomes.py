"""Honest outcomes: a run where fetches failed for good ends non-zero with one line and status
`partial` (published with what arrived); a run that loaded nothing ends non-zero with status
`failed`; audit.runs and the summary count quarantine rows by stage; the Dagster run carries the
status and the warehouse as tags. Over real HTTP on 127.0.0.1."""
from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus
from pytest_httpserver import HTTPServer
from werkzeug import Response

from papertrail.pipelines.demo.server import DemoSite
from papertrail.pipelines.runner import WAREHOUSE_TAG, run_pipeline
from papertrail.pipelines.outcome import STATUS_TAG
from papertrail.pipelines.sources.catalyzex.render import render_html
from papertrail.pipelines.workspace import Workspace
from tests.helpers import copy_with_mtime, rows, run_cli, scalar
from tests.test_bad_inputs import SNAPSHOT_LINE, WHEN

SITE = DemoSite()
AMARA = SITE.tracked[0]
PAPERS = tuple(p for _, p in SITE.works_of(AMARA.person)[:3])
RUN_COLUMNS = ("status, rows_in, rows_loaded, rows_quarantined, fetches_answered, fetches_failed, "
               "quarantined_fetch, quarantined_land, quarantined_parse, quarantined_resolve, quarantined_validate")


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(tmp_path: Path, server: HTTPServer) -> Path:
    html = render_html(AMARA.profile.__class__(AMARA.profile.name, "catalyzex", PAPERS), SITE.today)
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    server.expect_request("/authors/amara").respond_with_handler(
        lambda _req: Response(html, content_type="text/html"))
    dead = f"http://127.0.0.1:{closed_port()}"
    path = tmp_path / "papertrail.yaml"
    path.write_text(f"""
http:
  allowed_hosts: ["127.0.0.1"]
  max_attempts: 2
  backoff_initial: 0.01
  backoff_max: 0.02
  connect_timeout: 1
  hosts:
    "127.0.0.1:{server.port}": {{requests_per_second: 1000, burst: 100}}
sources:
  openalex: {{base_url: {dead}, api_key_env: TEST_OPENALEX_KEY}}
authors:
  - name: Amara Okafor
    author_pages: [{server.url_for('/authors/amara')}]
    openalex: {AMARA.ids['openalex']}
""")
    return path


def test_unreachable_openalex_publishes_what_arrived_and_exits_non_zero(tmp_path, loopback_server):
    config = write_config(tmp_path, loopback_server)
    db = tmp_path / "w.duckdb"
    out = run_cli("run", "--config", str(config), "--db", str(db), cwd=tmp_path,
                  env={"TEST_OPENALEX_KEY": "sekret-key"})
    assert out.returncode == 1, out.stdout + out.stderr
    [line] = out.stderr.strip().splitlines()
    assert re.fullmatch(r"papertrail: error: 1 fetch failed for good \(first: openalex: connection_error: .+\); "
                        r"published with what arrived — see audit\.quarantine \(stage 'fetch'\)", line), line
    assert "sekret-key" not in out.stderr + out.stdout
    assert f"published {db}" in out.stdout
    assert "this run (partial)" in out.stdout and "fetches: 1 answered, 1 failed for good" in out.stdout
    assert "audit.quarantine by stage: fetch 1" in out.stdout
    assert scalar(db, "SELECT count(*) FROM core.papers") == len(PAPERS)  # the page's papers arrived
    assert rows(db, f"SELECT {RUN_COLUMNS} FROM audit.runs") == [
        ("partial", len(PAPERS) + 1, len(PAPERS) + 1, 0, 1, 1, 1, 0, 0, 0, 0)]  # papers + the profile
    assert rows(db, "SELECT stage, source FROM audit.quarantine") == [("fetch", "openalex")]


def test_partial_and_failed_runs_are_tagged_in_dagster(tmp_path, loopback_server, monkeypatch):
    monkeypatch.setenv("TEST_OPENALEX_KEY", "sekret-key")
    config = write_config(tmp_path, loopback_server)
    instance = DagsterInstance.ephemeral()
    ws = Workspace.for_db(tmp_path / "partial.duckdb")
    outcome = run_pipeline(ws, [], str(config), instance=instance)
    assert not outcome.success and "failed for good" in outcome.message
    run = instance.get_run_by_id(outcome.run_id)
    assert run.status == DagsterRunStatus.SUCCESS  # published: the run did its work, partly
    assert run.tags[STATUS_TAG] == "partial" and run.tags[WAREHOUSE_TAG] == str(ws.db_path)

    captures = tmp_path / "junk"
    captures.mkdir()
    (captures / "notes.txt").write_text("Shopping list\n- eggs\n")
    failed_ws = Workspace.for_db(tmp_path / "failed.duckdb")
    outcome = run_pipeline(failed_ws, [str(captures)], instance=instance)
    assert not outcome.success and outcome.message.startswith("nothing loaded")
    run = instance.get_run_by_id(outcome.run_id)
    assert run.status == DagsterRunStatus.FAILURE
    assert run.tags[STATUS_TAG] == "failed" and run.tags[WAREHOUSE_TAG] == str(failed_ws.db_path)


def test_all_quarantined_input_fails_with_one_line_and_publishes_the_quarantine(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "notes.txt").write_text("Shopping list\n- eggs\n- flour\n")
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    captures = copy_with_mtime(src, tmp_path / "captures", WHEN)
    db = tmp_path / "w.duckdb"
    out = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stderr == ("papertrail: error: nothing loaded: all 3 records of this run were quarantined "
                          "(parse 3); see audit.quarantine\n")
    assert "this run (failed)" in out.stdout and "audit.quarantine by stage: parse 3" in out.stdout
    assert rows(db, f"SELECT {RUN_COLUMNS} FROM audit.runs") == [("failed", 3, 0, 3, 0, 0, 0, 0, 3, 0, 0)]
    assert scalar(db, "SELECT count(*) FROM audit.quarantine") == 3
    assert scalar(db, "SELECT count(*) FROM core.papers") == 0


def test_validation_quarantine_is_counted_by_stage_and_record(tmp_path):
    """A record dated 2099 breaks papers' year expectation: its paper and sighting rows go to
    audit.quarantine (2 rows, stage validate); of the run's 2 records 1 loaded, 1 quarantined."""
    src = tmp_path / "src"
    src.mkdir()
    future = {**SNAPSHOT_LINE, "id": "2401.00009", "title": "Notes from the Future",
              "versions": [{"version": "v1", "created": "Mon, 5 Jan 2099 10:00:00 GMT"}]}
    (src / "snapshot.jsonl").write_text(json.dumps(SNAPSHOT_LINE) + "\n" + json.dumps(future) + "\n")
    captures = copy_with_mtime(src, tmp_path / "captures", WHEN)
    db = tmp_path / "w.duckdb"
    out = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "2 records in, 1 loaded, 1 quarantined" in out.stdout
    assert "audit.quarantine by stage: validate 2" in out.stdout
    assert rows(db, f"SELECT {RUN_COLUMNS} FROM audit.runs") == [("success", 2, 1, 1, 0, 0, 0, 0, 0, 0, 2)]
    assert rows(db, "SELECT stage, count(*) FROM audit.quarantine GROUP BY ALL") == [("validate", 2)]
