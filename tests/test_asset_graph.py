"""The Dagster graph users look at: every core/audit table and analytics view is an asset with
its columns described, every expectation a check of the table it guards, lineage from the fetch
assets to the reports; what a run records matches the warehouse it published; `dg` answers."""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, TableMetadataValue

from papertrail.pipelines.definitions import defs
from papertrail.pipelines.validate.checks import suite_checks
from papertrail.pipelines.warehouse import catalog
from papertrail.pipelines.warehouse.publish import LOADED

from .helpers import rows

REPO = Path(__file__).resolve().parents[1]
PAGES = Path(__file__).parent / "fixtures" / "pages"
STAGES = ("source_captures", "landed_captures", "parsed_records", "resolved_tables", "validated_tables")

GRAPH = defs.resolve_asset_graph()


def key(name: str) -> AssetKey:
    return AssetKey(name.split("."))


def node(name: str):
    return GRAPH.get(AssetKey(name.split("/")))


def test_every_published_table_and_view_is_an_asset_with_described_columns():
    tables, views = catalog.tables(), catalog.views()
    assert {t.name for t in tables} == set(LOADED.values()) | {"audit.runs"}
    assert {v.name for v in views} >= {"analytics.citation_counts", "analytics.author_papers",
                                       "analytics.author_citations", "analytics.author_timeline",
                                       "analytics.topic_trends"}
    assert catalog.undocumented() == []   # sql/columns.yaml describes every column, and only those
    for relation in [*tables, *views]:
        spec = GRAPH.get(key(relation.name))
        assert spec.group_name == ("warehouse" if relation in tables else "analytics")
        assert spec.description == relation.description
        schema = spec.metadata["dagster/column_schema"]
        assert [(c.name, c.type) for c in schema.columns] == list(relation.columns)
        assert all(c.description for c in schema.columns)
        assert spec.metadata["dagster/table_name"] == relation.name


def test_lineage_runs_from_the_fetch_assets_to_the_reports():
    for upstream, downstream in zip(STAGES, STAGES[1:]):
        assert AssetKey(upstream) in node(downstream).parent_keys
    assert AssetKey("author_captures") in node("landed_captures").parent_keys
    for table in catalog.tables():
        assert node("/".join(table.key)).parent_keys == {AssetKey("validated_tables")}
    for view in catalog.views():
        parents = node("/".join(view.key)).parent_keys
        assert parents and all(p.path[0] in ("core", "audit") for p in parents)   # views read tables
    assert node("analytics/topic_trends").parent_keys == {key("core.papers")}
    assert node("analytics/author_papers").parent_keys == {key("core.authorships"), key("core.profile_papers")}
    assert {p.path[0] for p in node("reports").parent_keys} == {"analytics"}
    assert node("citation_weeks").parent_keys == {key("core.citation_snapshots")}
    groups = {GRAPH.get(k).group_name for k in GRAPH.get_all_asset_keys()}
    assert groups == {"fetch", "landing", "parse", "resolve", "validate", "warehouse", "analytics", "reports"}


def test_each_expectation_is_a_check_of_its_table_blocking_as_the_suite_says():
    counts = {}
    for table, checks in suite_checks().items():
        suite = json.loads((REPO / "expectations" / f"{table}.json").read_text())
        keys = node(f"core/{table}").check_keys
        assert len(keys) == len(suite["expectations"]) == len(checks)
        assert {k.name for k in keys} == {c.name for c in checks}
        counts[table] = len(keys)
        for check, expectation in zip(checks, suite["expectations"]):
            spec = GRAPH.get_check_spec(next(k for k in keys if k.name == check.name))
            assert spec.blocking == expectation["meta"]["blocking"]
            assert expectation["meta"]["why"] in spec.description
    assert counts == {"author_profiles": 6, "authors": 3, "authorships": 7, "citation_snapshots": 9,
                      "paper_topics": 6, "papers": 4, "sightings": 6}
    checked = {k.asset_key for k in GRAPH.asset_check_keys}
    assert checked == {AssetKey(["core", t]) for t in counts}
    refresh = defs.resolve_job_def("refresh")
    assert len(refresh.asset_layer.asset_graph.asset_check_keys) == 41   # `papertrail run` runs them


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("graph")
    captures = tmp / "captures"
    captures.mkdir()
    for name in ("catalyzex_page.html", "aitopics_page.txt", "scored_profile_page.html"):
        shutil.copy(PAGES / name, captures / name)
    db = tmp / "wh.duckdb"
    config = {"resources": {"papertrail": {"config": {"db_path": str(db), "captures": [str(captures)]}}},
              "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    instance = DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh")
    first = job.execute_in_process(instance=instance, run_config=config)
    again = job.execute_in_process(instance=instance, run_config=config)   # nothing new: a no-op
    return db, first, again


def materialisations(result) -> dict[str, dict]:
    return {e.asset_key.to_user_string(): e.materialization.metadata
            for e in result.get_asset_materialization_events()}


def test_a_run_records_row_counts_and_the_warehouse_carries_the_descriptions(published):
    db, first, again = published
    recorded = materialisations(first)
    for relation in [*catalog.tables(), *catalog.views()]:
        count = rows(db, f"SELECT count(*) FROM {relation.name}")[0][0]
        if relation.name != "audit.runs":   # the no-op rerun appended its own row since
            assert recorded["/".join(relation.key)]["dagster/row_count"].value == count, relation.name
    assert recorded["core/papers"]["dagster/row_count"].value > 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        comments = dict(((f"{s}.{t}.{c}"), text) for s, t, c, text in con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name IN ('core', 'audit', 'analytics')").fetchall())
        table_comments = dict(con.execute(
            "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() "
            "WHERE schema_name IN ('core', 'audit') UNION ALL "
            "SELECT schema_name || '.' || view_name, comment FROM duckdb_views() WHERE schema_name = 'analytics'"
        ).fetchall())
    finally:
        con.close()
    docs = catalog.docs()
    assert comments == {f"{name}.{column}": text for name, doc in docs.items()
                        for column, text in doc["columns"].items()}
    assert table_comments == {name: doc["description"] for name, doc in docs.items()}

    # The no-op rerun: every table and view still materialised (status unchanged), its checks
    # reported from the receipt of what is published, and the reports keep their charts.
    rerun = materialisations(again)
    assert rerun["core/papers"]["status"].value == "unchanged"
    assert rerun["core/papers"]["dagster/row_count"].value == recorded["core/papers"]["dagster/row_count"].value
    assert {e.check_name for e in again.get_asset_check_evaluations() if e.passed} == \
           {e.check_name for e in first.get_asset_check_evaluations() if e.passed}
    assert "chart_topic_trends" in rerun["reports"] and "topic_trends" in rerun["reports"]
    assert rerun["reports"]["chart_topic_trends"].value == recorded["reports"]["chart_topic_trends"].value


def dg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / ".venv" / "bin" / "dg"), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "dg").exists(), reason="dagster-dg-cli is not installed")
def test_dg_cli_lists_and_checks_the_definitions():
    listed = dg("list", "defs", "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    assets = {a["asset_key"] for a in found["assets"]}
    assert {"core/papers", "audit/quarantine", "analytics/topic_trends", "validated_tables", "reports"} <= assets
    assert len([c for c in found["asset_checks"] if c["asset_key"] == "core/papers"]) == 4
    checked = dg("check", "defs")
    assert checked.returncode == 0, checked.stderr
    assert "All definitions loaded successfully" in checked.stdout + checked.stderr


def test_tables_in_asset_metadata_are_dagster_table_metadata(published):
    db, first, again = published
    recorded, rerun = materialisations(first), materialisations(again)
    formats = recorded["parsed_records"]["formats"]
    assert isinstance(formats, TableMetadataValue)
    assert [(c.name, c.type) for c in formats.schema.columns] == [("format", "string"), ("captures", "int")]
    assert [r.data for r in formats.records] == [{"format": "aitopics", "captures": 1},
                                                 {"format": "catalyzex", "captures": 1},
                                                 {"format": "scored_profile", "captures": 1}]
    tables = recorded["validated_tables"]["tables"]
    assert [(c.name, c.type) for c in tables.schema.columns] == [
        ("table", "string"), ("rows", "int"), ("expectations", "int"), ("failed", "int"),
        ("failed_rows", "int"), ("flagged_rows", "int")]
    papers = next(r.data for r in tables.records if r.data["table"] == "papers")
    assert papers["rows"] == rows(db, "SELECT count(*) FROM core.papers")[0][0]
    assert recorded["validated_tables"]["failures"].records == []
    # The reports' previews are the views' first rows, kept on a no-op rerun.
    preview = recorded["reports"]["topic_trends"]
    names = [d[0] for d in duckdb.connect(str(db), read_only=True).execute(
        "SELECT * FROM analytics.topic_trends LIMIT 0").description]
    assert [c.name for c in preview.schema.columns] == names
    assert len(preview.records) == min(15, rows(db, "SELECT count(*) FROM analytics.topic_trends")[0][0])
    assert rerun["reports"]["topic_trends"] == preview


def test_no_asset_writes_a_text_table():
    """Markdown metadata is only the charts' inline images; tables go through assets/metadata.py."""
    for path in sorted((REPO / "assets").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "|---" not in text and '" | "' not in text, path.name
        for call in re.findall(r"MetadataValue\.md\((.*)", text):
            assert call.startswith('f"![{name}]'), (path.name, call)
