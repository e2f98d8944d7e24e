"""The demo web on 127.0.0.1: every shape it serves parses, the demo fetch lands exact counts,
a second fetch lands nothing new, and `papertrail run` (no arguments) goes over real HTTP."""
from __future__ import annotations

import json
import shutil
import urllib.request
from datetime import date, datetime, timezone

import polars as pl
import pytest

from papertrail.pipelines.demo.live import land_demo
from papertrail.pipelines.demo.server import DemoServer, DemoSite
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources.registry import parse_capture
from papertrail.pipelines.stages.fetch import export_landed, read_fetch_log
from papertrail.pipelines.stages.landing import read_manifest
from papertrail.pipelines.stages.parse import parse_pending
from papertrail.pipelines.stages.publish import publish_run
from papertrail.pipelines.stages.resolve import resolve_all
from papertrail.pipelines.stages.validate import validate_staged
from papertrail.pipelines.workspace import Workspace

from .helpers import fingerprint, rows, run_cli, scalar

NOW = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
CORE = ("core.papers", "core.authors", "core.authorships", "core.sightings", "core.paper_topics",
        "core.author_profiles", "core.citation_snapshots", "core.profile_papers")


def parsed(site: DemoSite, path: str, **query):
    status, ctype, body = site.route(path, {k: str(v) for k, v in query.items()})
    batch = parse_capture(Capture(capture=f"http://demo{path}", content=body, captured_at=NOW))
    return status, ctype, batch


def test_every_shape_served_parses_with_its_format_and_counts():
    site = DemoSite(today=date(2026, 11, 23))
    pages = {}
    for t in site.tracked:
        n = 1
        while True:
            status, _, batch = parsed(site, f"/authors/{t.slug}", page=n)
            if status != 200:
                break
            assert batch.rejects == [] and len(batch.profiles) == 1
            pages.setdefault((t.profile.layout, t.slug), []).append(len(batch.papers))
            n += 1
    assert pages == {
        ("catalyzex", "amara-okafor"): [10, 10, 5], ("scored_profile", "zoe-lindqvist"): [10, 8],
        ("aitopics", "jan-van-der-berg"): [10, 10, 4], ("abstract_list", "mei-ling-chen"): [10, 4],
        ("catalyzex", "rahul-deshpande"): [10, 9], ("scored_profile", "sofia-marin"): [10, 8],
        ("aitopics", "tobias-kruger"): [10, 10], ("abstract_list", "hana-sato"): [10, 4]}
    amara = site.tracked[0]
    _, ctype, atom = parsed(site, "/arxiv/api/query", search_query=amara.arxiv, start=20, max_results=10)
    assert (ctype, atom.format, len(atom.papers)) == ("application/atom+xml; charset=utf-8", "arxiv_atom", 5)
    _, _, works = parsed(site, "/openalex/works", filter=f"author.id:{amara.openalex}", per_page=10,
                         cursor="*", api_key="demo-openalex-key")
    assert (works.format, len(works.papers), works.rejects) == ("openalex", 10, [])
    status, _, _ = parsed(site, "/openalex/works", filter=f"author.id:{amara.openalex}")
    assert status == 401  # no key, no works: the demo key travels like a real one
    _, _, s2 = parsed(site, f"/s2/author/{site.tracked[1].s2}/papers", offset=10, limit=10)
    assert (s2.format, len(s2.papers)) == ("semanticscholar", 8)
    _, _, cr = parsed(site, "/crossref/works", **{"query.author": amara.crossref, "rows": 10, "cursor": "*"})
    assert (cr.format, len(cr.papers)) == ("crossref", 10)
    # Every source names the same paper by the same arXiv id / DOI, so they resolve to one.
    assert {p["arxiv_id"] for p in works.papers} <= {p.arxiv_id for _, p in site.works_of(amara.person)}
    assert works.papers[0]["doi"] == cr.papers[0]["doi"] == f"10.48550/arxiv.{works.papers[0]['arxiv_id']}"


def test_server_sends_etag_and_304_and_gzip():
    with DemoServer(port=None) as srv:
        url = f"{srv.base_url}/authors/amara-okafor"
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as r:
            etag, encoding = r.headers["ETag"], r.headers["Content-Encoding"]
        req = urllib.request.Request(url, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req)
    assert (encoding, err.value.code) == ("gzip", 304)


def publish(ws: Workspace, run_id: str) -> dict[str, int]:
    parse_pending(ws)
    resolve_all(ws)
    validate_staged(ws, run_id)  # the publish loads only validated staging
    return publish_run(ws, run_id)


def test_demo_fetch_lands_exact_counts_and_a_second_fetch_changes_nothing(tmp_path):
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    fetched, files = land_demo(ws, "run-1")
    # 18 author pages (8 profiles, 10 continuation pages), 14 arXiv, 10 OpenAlex, 8 S2, 7 Crossref.
    assert (fetched.requests, fetched.new, fetched.unchanged, fetched.failed) == (57, 57, 0, [])
    assert (files.observed, len(files.new)) == (1, 1)
    assert read_fetch_log(ws).group_by("tag").len().sort("tag").rows() == [
        ("arxiv", 14), ("author_pages", 18), ("crossref", 7), ("openalex", 10), ("semantic_scholar", 8)]
    manifest = read_manifest(ws)
    assert manifest.group_by("kind").len().sort("kind").rows() == [("demo", 1), ("http", 57)]
    openalex = manifest.filter(pl.col("capture").str.contains("/openalex/"))["capture"].to_list()
    assert all("api_key=***" in c and "demo-openalex-key" not in c for c in openalex)
    counts = publish(ws, "run-1")
    assert {t: counts[t] for t in ("core.papers", "core.authors", "core.sightings",
                                   "core.citation_snapshots", "audit.quarantine")} == {
        # 15 people: the tracked Hana Sato's abstract-list pages (owner "Hana") are hers, not two Hanas
        "core.papers": 55, "core.authors": 15, "core.sightings": 531,
        "core.citation_snapshots": 261, "audit.quarantine": 0}
    before = {t: fingerprint(ws.db_path, t) for t in CORE}

    again, files = land_demo(ws, "run-2")
    # First pages answer 304 (ETag), so their continuation pages are not asked for; the APIs
    # send the same bytes again, which land no new content.
    assert (again.requests, again.new, again.unchanged, again.failed) == (47, 0, 8, [])
    assert (files.observed, files.new) == (1, [])
    assert read_manifest(ws).height == 58
    assert parse_pending(ws).parsed == 0
    resolve_all(ws)
    validate_staged(ws, "run-2")
    publish_run(ws, "run-2")
    assert {t: fingerprint(ws.db_path, t) for t in CORE} == before
    log = read_fetch_log(ws)
    assert (log.height, log.filter(pl.col("status") == 304).height) == (104, 8)


def test_papertrail_run_demo_over_http_then_captures_of_its_landed_responses(tmp_path):
    demo = run_cli("run", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "core.papers                     55" in demo.stdout
    db = tmp_path / "warehouse.duckdb"
    assert scalar(db, "SELECT count(*) FROM core.sightings WHERE capture LIKE 'http://127.0.0.1:%'") == 481
    export = tmp_path / "export"
    export_landed(Workspace.for_db(db), export)
    assert sum(1 for p in export.rglob("*") if p.is_file()) == 58
    # Served on another machine tomorrow, the same files must give the same papers.
    shutil.rmtree(tmp_path / ".warehouse.duckdb.papertrail" / "demo_captures")
    again = run_cli("run", "--captures", str(export), "--db", "again.duckdb", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    cols = "title, abstract, published_on, year, primary_topic, arxiv_id, doi, has_code, page_count"
    first = rows(db, f"SELECT {cols} FROM core.papers ORDER BY arxiv_id, title")
    assert len(first) == 55
    assert rows(tmp_path / "again.duckdb", f"SELECT {cols} FROM core.papers ORDER BY arxiv_id, title") == first
    q = "SELECT count(*), count(DISTINCT source) FROM core.sightings"
    assert rows(tmp_path / "again.duckdb", q) == rows(db, q) == [(531, 8)]


def test_demo_config_is_a_valid_papertrail_yaml_pointing_at_the_server(tmp_path):
    from papertrail.pipelines.config import load_config

    with DemoServer(port=None) as srv:
        path = tmp_path / "papertrail.yaml"
        path.write_text(srv.config_yaml(), encoding="utf-8")
        config = load_config(path, environ={"PAPERTRAIL_DEMO_OPENALEX_KEY": "k"})
    assert config.allowed_hosts() == {"127.0.0.1", f"127.0.0.1:{srv.port}"}
    assert {s.base_url.split("/")[2] for s in config.sources.values() if s.base_url} == {f"127.0.0.1:{srv.port}"}
    assert config.host_limits()[f"127.0.0.1:{srv.port}"].requests_per_second == 1000
    assert [a.name for a in config.authors][:3] == ["Amara Okafor", "Zoë Lindqvist", "Jan van der Berg"]
    assert json.loads(json.dumps(config.secrets())) == ["k"]
