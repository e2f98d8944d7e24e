"""Author partitions: the tracked_authors sensor keeps them equal to the config's authors, and a
backfill over several authors is planned (by the code the backfill daemon runs) as ONE run that
fetches exactly those authors from the demo server on 127.0.0.1. Week partitions: a backfill over
three weeks is one run that writes each week's citation snapshot from a real DuckDB history."""
from collections import Counter
from datetime import date

import duckdb
import polars as pl

import pytest
from dagster import (AddDynamicPartitionsRequest, BackfillPolicy, DagsterInstance,
                     DeleteDynamicPartitionsRequest, build_sensor_context)
from dagster._core.definitions.events import AssetKeyPartitionKey
from dagster._core.definitions.partitions.context import partition_loading_context
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from dagster._core.definitions.automation_tick_evaluation_context import \
    build_run_requests_with_backfill_policies

from papertrail.assets.partitions import (AUTHOR_PARTITIONS, author_captures, citation_weeks, for_authors,
                               week_snapshots, weeks_path)
from papertrail.assets.resources import PapertrailResource
from papertrail.assets.sensors import author_partition_requests, tracked_authors
from papertrail.pipelines.config import load_config
from papertrail.pipelines.demo.server import DEMO_KEY, DEMO_KEY_ENV, DemoServer
from papertrail.pipelines.definitions import defs
from papertrail.pipelines.errors import ConfigError
from papertrail.pipelines.stages.fetch import read_fetch_log
from papertrail.pipelines.stages.landing import read_manifest
from papertrail.pipelines.workspace import Workspace


def plan_backfill(instance, asset, keys):
    """The run requests the asset backfill daemon makes of a selection of partitions."""
    with partition_loading_context(dynamic_partitions_store=instance):
        return build_run_requests_with_backfill_policies(
            [AssetKeyPartitionKey(asset.key, k) for k in keys], defs.resolve_asset_graph(), instance)


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv(DEMO_KEY_ENV, DEMO_KEY)
    with DemoServer(port=None) as srv:
        path = tmp_path / "papertrail.yaml"
        path.write_text(srv.config_yaml())
        monkeypatch.setenv("PAPERTRAIL_CONFIG", str(path))
        yield srv, path


def test_backfill_over_three_authors_is_one_run(tmp_path, demo):
    srv, config_path = demo
    names = [t.person for t in srv.site.tracked]
    instance = DagsterInstance.ephemeral()

    tick = tracked_authors(build_sensor_context(instance=instance))
    assert tick.dynamic_partitions_requests == [AddDynamicPartitionsRequest(AUTHOR_PARTITIONS, names)]
    instance.add_dynamic_partitions(AUTHOR_PARTITIONS, names)  # what the daemon does with the tick
    assert tracked_authors(build_sensor_context(instance=instance)).skip_message == \
        f"the 8 author partitions match {config_path}"

    # The asset backfill daemon turns a selection into run requests with this function.
    chosen = names[:3]
    assert author_captures.backfill_policy == BackfillPolicy.single_run()
    [request] = plan_backfill(instance, author_captures, chosen)
    # A selection with a gap is one run per contiguous range.
    assert [r.tags[ASSET_PARTITION_RANGE_START_TAG] for r in plan_backfill(
        instance, author_captures, [names[0], names[1], names[4]])] == [names[0], names[4]]
    assert request.tags == {ASSET_PARTITION_RANGE_START_TAG: names[0], ASSET_PARTITION_RANGE_END_TAG: names[2]}
    job = defs.resolve_job_def("fetch_authors")
    db = tmp_path / "wh.duckdb"
    result = job.execute_in_process(
        instance=instance, tags=request.tags,
        resources={"papertrail": PapertrailResource(db_path=str(db), config_path=str(config_path))})
    assert result.success
    assert len(instance.get_runs()) == 1
    mats = result.asset_materializations_for_node("author_captures")
    assert sorted(m.partition for m in mats) == sorted(chosen)
    meta = mats[0].metadata
    # Pages of 10 on every source that knows the author: Amara Okafor, 25 papers, 3 pages each on
    # her author page, arXiv, Crossref and OpenAlex; Zoë Lindqvist, 18 papers, 2 each on the page,
    # arXiv and Semantic Scholar; Jan van der Berg, 24 papers, 3 each on the page, arXiv, OpenAlex.
    assert chosen == ["Amara Okafor", "Zoë Lindqvist", "Jan van der Berg"]
    per_author = {"Amara Okafor": {"requests": 12, "landed": 12, "failed": 0},
                  "Zoë Lindqvist": {"requests": 6, "landed": 6, "failed": 0},
                  "Jan van der Berg": {"requests": 9, "landed": 9, "failed": 0}}
    assert meta["per_author"].value == per_author
    # The per-author counts are Dagster table metadata: typed columns, one record per author.
    table = meta["table"]
    assert [(c.name, c.type) for c in table.schema.columns] == [
        ("author", "string"), ("requests", "int"), ("landed", "int"), ("failed", "int")]
    assert [r.data for r in table.records] == [{"author": name, **counts} for name, counts in per_author.items()]
    assert (meta["authors"].value, meta["requests"].value, meta["landed"].value, meta["failed"].value) == \
        (3, 27, 27, 0)

    # Only the chosen authors were asked for (robots.txt once per author-page fetch), all landed.
    asked = Counter(path.split("?")[0] for path in srv.hits)
    assert asked == {"/robots.txt": 3, "/authors/amara-okafor": 3, "/authors/zoe-lindqvist": 2,
                     "/authors/jan-van-der-berg": 3, "/arxiv/api/query": 8, "/crossref/works": 3,
                     "/openalex/works": 6, "/s2/author/1792072/papers": 2}
    ws = Workspace.for_db(db)
    assert read_manifest(ws).height == 27
    assert read_fetch_log(ws)["run_id"].unique().to_list() == [result.run_id]


def test_partitions_follow_the_config():
    tracked = ["Ada", "Brendan", "Chen"]
    assert author_partition_requests([], tracked) == [AddDynamicPartitionsRequest(AUTHOR_PARTITIONS, tracked)]
    assert author_partition_requests(["Ada", "Zoë", "Chen"], tracked) == [
        AddDynamicPartitionsRequest(AUTHOR_PARTITIONS, ["Brendan"]),
        DeleteDynamicPartitionsRequest(AUTHOR_PARTITIONS, ["Zoë"])]
    assert author_partition_requests(tracked, tracked) == []


def test_a_partition_the_config_no_longer_tracks_is_refused(demo):
    _, config_path = demo
    config = load_config(config_path)
    assert [a.name for a in for_authors(config, ["Zoë Lindqvist"]).authors] == ["Zoë Lindqvist"]
    with pytest.raises(ConfigError) as err:
        for_authors(config, ["Zoë Lindqvist", "Nobody Here"])
    assert str(err.value) == f"{config_path}: does not track 'Nobody Here' (author partitions are the config's authors)"


SNAPSHOTS = [  # paper, source, captured_at, count
    ("p1", "openalex", "2026-11-03 10:00:00+00", 5),
    ("p1", "semantic_scholar", "2026-11-10 09:00:00+00", 7),
    ("p2", "openalex", "2026-11-15 23:59:59+00", 2),
    ("p3", "crossref", "2026-11-15 23:30:00-02", 4),  # 01:30 UTC on Monday the 16th
    ("p1", "openalex", "2026-11-17 00:00:00+00", 9),
    ("p2", "openalex", "2026-11-23 00:00:00+00", 3),  # the week after the backfill
]


def test_week_backfill_is_one_run_over_the_citation_history(tmp_path):
    db = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA core; CREATE TABLE core.citation_snapshots (paper_id VARCHAR, "
                "source VARCHAR, captured_at TIMESTAMPTZ, citation_count BIGINT)")
    con.executemany("INSERT INTO core.citation_snapshots VALUES (?, ?, ?::TIMESTAMPTZ, ?)", SNAPSHOTS)
    con.close()

    instance = DagsterInstance.ephemeral()
    weeks = ["2026-11-02", "2026-11-09", "2026-11-16"]
    [request] = plan_backfill(instance, citation_weeks, weeks)
    assert request.tags == {ASSET_PARTITION_RANGE_START_TAG: "2026-11-02",
                            ASSET_PARTITION_RANGE_END_TAG: "2026-11-16"}
    job = defs.resolve_job_def("summarise_weeks")
    resources = {"papertrail": PapertrailResource(db_path=str(db))}
    result = job.execute_in_process(instance=instance, tags=request.tags, resources=resources)
    assert result.success and len(instance.get_runs()) == 1
    assert sorted(m.partition for m in result.asset_materializations_for_node("citation_weeks")) == weeks
    expected = [(date(2026, 11, 2), 1, 5, 1),    # p1 at 5
                (date(2026, 11, 9), 2, 9, 2),    # p1 at 7, p2 at 2
                (date(2026, 11, 16), 3, 15, 2)]  # p1 at 9, p2 at 2, p3 at 4
    path = weeks_path(Workspace.for_db(db))
    assert pl.read_parquet(path).rows() == expected
    [table] = [m.metadata["table"] for m in result.asset_materializations_for_node("citation_weeks")][:1]
    assert [(c.name, c.type) for c in table.schema.columns] == [
        ("week", "date"), ("papers", "int"), ("citations", "int"), ("snapshots", "int")]
    assert [tuple(r.data.values()) for r in table.records] == [(d.isoformat(), *n) for d, *n in expected]

    # One week again (the schedule's case) replaces its row; a week before any snapshot is zeros.
    again = job.execute_in_process(instance=instance, partition_key="2026-11-09", resources=resources)
    assert again.success
    assert pl.read_parquet(path).rows() == expected
    assert week_snapshots(db, ["2026-10-26"]).rows() == [(date(2026, 10, 26), 0, 0, 0)]
