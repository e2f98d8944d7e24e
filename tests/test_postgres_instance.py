"""Dagster on PostgreSQL: a real local server (Debian's postgresql, initdb into a temp dir), the
instance configured by dagster.postgres.yaml, and the fetch job's steps running in parallel
processes (multiprocess executor) under per-host pools, then the refresh job publishing."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pytest
from dagster import DagsterInstance, execute_job, reconstructable
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from .helpers import rows

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))  # Debian keeps them off PATH


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root: run the server as the Debian package's postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="module")
def postgres():
    pg_bin = PG_BINS[-1] if PG_BINS else Path("/nonexistent")
    initdb = shutil.which("initdb") or str(pg_bin / "initdb")
    pg_ctl = shutil.which("pg_ctl") or str(pg_bin / "pg_ctl")
    if not Path(initdb).exists():
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run tries)")
    # Not under pytest's tmp dir: its 0700 parents keep the postgres user out.
    root = Path(tempfile.mkdtemp(prefix="papertrail-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    init = subprocess.run(_as_user([initdb, "-D", str(data), "-U", "dagster", "--auth=trust",
                                    "-E", "UTF8"]), capture_output=True, text=True)
    if init.returncode:
        pytest.skip(f"initdb failed, cannot start PostgreSQL: {init.stderr.strip()[-300:]}")
    start = subprocess.run(_as_user([pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                                     f"-p {port} -k {sock} -c listen_addresses=127.0.0.1", "start"]),
                           capture_output=True, text=True)
    if start.returncode:
        pytest.skip(f"PostgreSQL did not start: {start.stderr.strip()[-300:]}")
    try:
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "dagster", "-d", "postgres",
                        "-c", "CREATE DATABASE dagster"], check=True, capture_output=True)
        yield {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(port),
               "DAGSTER_PG_USER": "dagster", "DAGSTER_PG_PASSWORD": "unused", "DAGSTER_PG_DB": "dagster"}
    finally:
        subprocess.run(_as_user([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def fetch_job():
    from papertrail.pipelines.definitions import defs
    return defs.resolve_job_def("fetch_sources")


def refresh_job():
    from papertrail.pipelines.definitions import defs
    return defs.resolve_job_def("refresh")


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom"><title>ArXiv Query: au:example_a</title>
  <opensearch:totalResults>1</opensearch:totalResults>
  <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Shared instance storage</title>
    <summary>Runs recorded in PostgreSQL.</summary><published>2024-01-02T00:00:00Z</published>
    <category term="cs.DC"/><author><name>Ada Example</name></author></entry>
</feed>"""


def test_pipeline_on_a_postgres_instance_with_parallel_steps(postgres, tmp_path, monkeypatch, httpserver):
    def slow(body, content_type):
        def handler(request):
            from werkzeug import Response
            time.sleep(2)  # long enough that the other sources' steps start meanwhile
            return Response(body, content_type=content_type)
        return handler
    httpserver.expect_request("/api/query").respond_with_handler(slow(ATOM, "application/atom+xml"))
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/author/ada").respond_with_handler(
        slow((FIXTURES / "pages" / "catalyzex_page.html").read_bytes(), "text/html"))
    base = httpserver.url_for("")
    config = tmp_path / "papertrail.yaml"
    config.write_text(
        "http: {allowed_hosts: ['127.0.0.1', 'localhost'], max_attempts: 1,"
        " hosts: {'localhost': {requests_per_second: 100}}}\n"
        f"sources: {{arxiv: {{base_url: '{base}api/query'}}}}\n"
        f"authors: [{{name: Ada Example, arxiv: 'au:example_a', author_pages: ['{base}author/ada']}}]\n")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO / "dagster.postgres.yaml", home / "dagster.yaml")
    for key, value in {**postgres, "DAGSTER_HOME": str(home)}.items():
        monkeypatch.setenv(key, value)
    db = tmp_path / "wh.duckdb"
    run_config = {"resources": {"papertrail": {"config": {"db_path": str(db), "config_path": str(config)}}}}

    with DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        with execute_job(reconstructable(fetch_job), instance=instance, run_config=run_config,
                         tags={ASSET_PARTITION_RANGE_START_TAG: "arxiv",
                               ASSET_PARTITION_RANGE_END_TAG: "author_pages"}) as fetched:
            assert fetched.success
            fetch_run = fetched.run_id
        with execute_job(reconstructable(refresh_job), instance=instance, run_config=run_config) as done:
            assert done.success
        # Both runs and every step are in PostgreSQL.
        assert {r.job_name for r in instance.get_runs()} == {"fetch_sources", "refresh"}
        spans: dict[str, list[float]] = {}
        pids = set()
        for record in instance.all_logs(fetch_run):
            event = record.dagster_event
            if event and event.step_key and event.step_key.startswith("source_captures.fetch_"):
                if event.event_type_value == "STEP_START":
                    spans[event.step_key] = [record.timestamp, None]
                    pids.add(event.pid)
                elif event.event_type_value == "STEP_SUCCESS":
                    spans[event.step_key][1] = record.timestamp
    # one process per fetch source step (unselected: no-ops): every registered fetch source
    assert len(spans) == 7 and len(pids) == 7
    arxiv, pages = spans["source_captures.fetch_arxiv"], spans["source_captures.fetch_author_pages"]
    assert arxiv[0] < pages[1] and pages[0] < arxiv[1], "steps of different hosts overlap"
    assert rows(db, "SELECT title FROM core.papers WHERE arxiv_id = '2401.00001'") == \
        [("Shared instance storage",)]
    assert rows(db, "SELECT count(*) FROM core.author_profiles")[0][0] >= 1
    assert datetime.fromtimestamp(arxiv[0]).year >= 2026
