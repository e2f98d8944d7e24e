"""Schedules, the watched-folder sensor, the failure sensor and the partitioned fetch, evaluated
with Dagster's in-process APIs against real files and a real HTTP server on 127.0.0.1."""
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dagster import (AssetKey, BackfillPolicy, DagsterInstance, SkipReason, build_run_status_sensor_context,
                     build_schedule_context, build_sensor_context)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from papertrail.assets.partitions import CITATION_SOURCES, SOURCE_ORDER, pool_for, source_captures
from papertrail.assets.resources import PapertrailResource
from papertrail.assets.schedules import daily_author_refresh, weekly_citation_snapshot, weekly_citation_summary
from papertrail.assets.sensors import new_captures_sensor, record_failed_run
from papertrail.pipelines.definitions import defs
from papertrail.pipelines.stages.landing import read_land_rejects, read_manifest
from papertrail.pipelines.stages.runlog import read_runs
from papertrail.pipelines.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
WHEN = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # a Monday


def test_schedules_skip_without_a_config(monkeypatch):
    monkeypatch.delenv("PAPERTRAIL_CONFIG", raising=False)
    for sched in (daily_author_refresh, weekly_citation_snapshot, weekly_citation_summary):
        result = sched(build_schedule_context(scheduled_execution_time=WHEN))
        assert isinstance(result, SkipReason)
        assert result.skip_message == "PAPERTRAIL_CONFIG is not set: no tracked authors to refresh"


def test_daily_and_weekly_run_requests(monkeypatch):
    monkeypatch.setenv("PAPERTRAIL_CONFIG", "/srv/papertrail.yaml")
    monkeypatch.setenv("PAPERTRAIL_DB", "/srv/wh.duckdb")
    daily = daily_author_refresh(build_schedule_context(scheduled_execution_time=WHEN))
    assert daily.run_key == "refresh-2026-11-23"
    assert daily.run_config == {"resources": {"papertrail": {"config": {
        "config_path": "/srv/papertrail.yaml", "db_path": "/srv/wh.duckdb"}}}}
    assert daily.tags == {"papertrail/trigger": "daily_author_refresh"}
    weekly = weekly_citation_snapshot(build_schedule_context(scheduled_execution_time=WHEN))
    assert weekly.run_key == "citations-2026-W48"
    # The citation-reporting fetch sources are the last partitions, in the registry's order.
    assert SOURCE_ORDER[-3:] == CITATION_SOURCES == ("openalex", "semantic_scholar", "crossref")
    assert weekly.tags == {ASSET_PARTITION_RANGE_START_TAG: "openalex",
                           ASSET_PARTITION_RANGE_END_TAG: "crossref",
                           "papertrail/trigger": "weekly_citation_snapshot"}
    assert (daily_author_refresh.cron_schedule, weekly_citation_snapshot.cron_schedule) == \
        ("0 6 * * *", "0 5 * * 1")
    assert (daily_author_refresh.job_name, weekly_citation_snapshot.job_name) == ("refresh", "fetch_sources")
    assert daily_author_refresh.default_status.value == "RUNNING"
    summary = weekly_citation_summary(build_schedule_context(scheduled_execution_time=WHEN))
    assert (summary.run_key, summary.partition_key) == ("citation-week-2026-11-16", "2026-11-16")
    assert summary.run_config == {"resources": {"papertrail": {"config": {"db_path": "/srv/wh.duckdb"}}}}
    assert (weekly_citation_summary.cron_schedule, weekly_citation_summary.job_name) == \
        ("0 7 * * 1", "summarise_weeks")
    sunday = weekly_citation_summary(build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 29, 23, 0, tzinfo=timezone.utc)))
    assert sunday.partition_key == "2026-11-16"  # a late tick still names the last whole week


def test_new_captures_sensor_cursor_is_a_manifest(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERTRAIL_DB", raising=False)
    monkeypatch.delenv("PAPERTRAIL_WATCH_DIR", raising=False)
    assert new_captures_sensor(build_sensor_context()).skip_message == \
        "PAPERTRAIL_WATCH_DIR is not set: no folder to watch"
    watch = tmp_path / "inbox"
    (watch / "sub").mkdir(parents=True)
    for name in ("a.html", "sub/b.txt", ".hidden"):
        (watch / name).write_text(name)
        os.utime(watch / name, ns=(1_700_000_000_000_000_000,) * 2)
    monkeypatch.setenv("PAPERTRAIL_WATCH_DIR", str(watch))

    first = new_captures_sensor(build_sensor_context(cursor=None))
    assert len(first.run_requests) == 1
    req = first.run_requests[0]
    assert req.job_name is None  # the sensor's own job: refresh
    assert req.run_config == {"resources": {"papertrail": {"config": {"captures": [str(watch.resolve())]}}}}
    assert req.tags == {"papertrail/trigger": "new_captures_sensor", "papertrail/new_files": "2"}
    assert json.loads(first.cursor) == {"a.html": [1_700_000_000_000_000_000, 6],
                                        "sub/b.txt": [1_700_000_000_000_000_000, 9]}

    again = new_captures_sensor(build_sensor_context(cursor=first.cursor))
    assert again.run_requests == [] and again.cursor == first.cursor
    assert again.skip_reason.skip_message == f"no new captures in {watch.resolve()}"

    (watch / "c.json").write_text("{}")
    os.utime(watch / "c.json", ns=(1_700_000_100_000_000_000,) * 2)
    third = new_captures_sensor(build_sensor_context(cursor=first.cursor))
    assert [r.tags["papertrail/new_files"] for r in third.run_requests] == ["1"]
    assert third.run_requests[0].run_key != req.run_key
    assert json.loads(third.cursor)["c.json"] == [1_700_000_100_000_000_000, 2]


def test_failed_run_is_recorded_in_the_run_log(tmp_path):
    """A run the failure hook does not see: the implicit asset job (what the UI's Materialize
    button launches) carries no hooks, so the sensor records it."""
    db = tmp_path / "wh.duckdb"
    instance = DagsterInstance.ephemeral()
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, asset_selection=[AssetKey("landed_captures")],
        run_config={"resources": {"papertrail": {"config": {
            "db_path": str(db), "captures": [str(tmp_path / "missing")]}}}})
    assert not result.success
    assert read_runs(Workspace.for_db(db)).height == 0  # no hook on this job
    run = instance.get_run_by_id(result.run_id)
    failure = next(e for e in instance.all_logs(result.run_id) if e.dagster_event
                   and e.dagster_event.event_type_value == "PIPELINE_FAILURE").dagster_event
    context = build_run_status_sensor_context(
        sensor_name="record_failed_run", dagster_instance=instance, dagster_run=run,
        dagster_event=failure).for_run_failure()
    record_failed_run(context)
    runs = read_runs(Workspace.for_db(db)).to_dicts()
    assert [(r["run_id"], r["status"]) for r in runs] == [(result.run_id, "failed")]
    assert runs[0]["message"].startswith("__ASSET_JOB: Execution of run for \"__ASSET_JOB\" failed")
    record_failed_run(context)  # a second evaluation does not duplicate the row
    assert read_runs(Workspace.for_db(db)).height == 1


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <opensearch:totalResults>1</opensearch:totalResults>
  <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Partitioned fetching</title>
    <summary>One run for many sources.</summary><published>2024-01-02T00:00:00Z</published>
    <author><name>Ada Example</name></author></entry>
</feed>"""


def test_fetch_sources_backfill_is_one_run_with_host_pools(tmp_path, httpserver):
    httpserver.expect_request("/api/query").respond_with_data(ATOM, content_type="application/atom+xml")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/author/ada").respond_with_data(
        (FIXTURES / "pages" / "catalyzex_page.html").read_bytes(), content_type="text/html")
    httpserver.expect_request("/author/gone").respond_with_data("no", status=404)
    base = httpserver.url_for("")
    config = tmp_path / "papertrail.yaml"
    config.write_text(
        "http: {allowed_hosts: ['127.0.0.1', 'localhost'], max_attempts: 1}\n"
        f"sources: {{arxiv: {{base_url: '{base}api/query'}}}}\n"
        f"authors: [{{name: Ada Example, arxiv: 'au:example_a', "
        f"author_pages: ['{base}author/ada', '{base}author/gone']}}]\n")
    db = tmp_path / "wh.duckdb"
    assert source_captures.backfill_policy == BackfillPolicy.single_run()
    job = defs.resolve_job_def("fetch_sources")
    pools = {op.name: op.pool for op in job.graph.iterate_op_defs() if op.name.startswith("fetch_")}
    assert pools == {"fetch_author_pages": "host_author_pages", "fetch_arxiv": "host_export_arxiv_org",
                     "fetch_crossref": "host_api_crossref_org", "fetch_openalex": "host_api_openalex_org",
                     "fetch_semantic_scholar": "host_api_semanticscholar_org", "fetch_dblp": "host_dblp_org",
                     "fetch_orcid": "host_pub_orcid_org"}
    assert pool_for("arxiv") == "host_export_arxiv_org"

    instance = DagsterInstance.ephemeral()
    result = job.execute_in_process(
        instance=instance, tags={ASSET_PARTITION_RANGE_START_TAG: "arxiv",
                                 ASSET_PARTITION_RANGE_END_TAG: "author_pages"},
        resources={"papertrail": PapertrailResource(db_path=str(db), config_path=str(config))})
    assert result.success
    assert len(instance.get_runs()) == 1
    mats = result.asset_materializations_for_node("source_captures")
    assert sorted(m.partition for m in mats) == ["arxiv", "author_pages"]
    meta = {k: v.value for k, v in mats[0].metadata.items() if k != "fetched_at"}
    assert meta == {"sources": "arxiv, author_pages", "author_pages_requests": 2,
                    "author_pages_landed": 1, "author_pages_failed": 1, "arxiv_requests": 1,
                    "arxiv_landed": 1, "arxiv_failed": 0}
    ws = Workspace.for_db(db)
    landed = sorted(read_manifest(ws)["capture"].to_list())
    assert landed == [f"{base}api/query?search_query=au%3Aexample_a&start=0&max_results=2000"
                      "&sortBy=submittedDate&sortOrder=ascending", f"{base}author/ada"]
    assert read_land_rejects(ws).select("stage", "capture", "reason").rows() == [
        ("fetch", f"{base}author/gone", "http_error: HTTP 404 after 1 attempt")]
