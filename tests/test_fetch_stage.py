"""The fetch stage against real HTTP on 127.0.0.1 with injected faults: exact retries, give-ups,
quarantine reasons, fetch-log rows and what reaches the published warehouse."""
from __future__ import annotations

import json
import threading

import polars as pl
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from papertrail.pipelines.config import load_config
from papertrail.pipelines.demo import api_shapes as api
from papertrail.pipelines.demo.corpus import openalex_list, openalex_work
from papertrail.pipelines.demo.server import DemoSite
from papertrail.pipelines.sources.catalyzex.render import render_html
from papertrail.pipelines.stages.fetch import fetch_config, read_fetch_log
from papertrail.pipelines.stages.landing import read_land_rejects, read_manifest
from papertrail.pipelines.stages.parse import parse_pending
from papertrail.pipelines.stages.publish import publish_run
from papertrail.pipelines.stages.resolve import resolve_all
from papertrail.pipelines.stages.validate import validate_staged
from papertrail.pipelines.workspace import Workspace

from .helpers import rows, run_cli

SITE = DemoSite()
AMARA = SITE.tracked[0]
WORKS = SITE.works_of(AMARA.person)[:4]  # (corpus index, paper), oldest first
PAPERS = [p for _, p in WORKS]


@pytest.fixture(scope="module")
def servers():
    pair = [HTTPServer(host="127.0.0.1", port=0, threaded=True) for _ in range(2)]
    for srv in pair:
        srv.start()
    yield pair
    for srv in pair:
        srv.clear()
        srv.stop()


def config_text(a: HTTPServer, b: HTTPServer) -> str:
    base, other = a.url_for("").rstrip("/"), b.url_for("").rstrip("/")
    return f"""
http:
  allowed_hosts: ["127.0.0.1"]
  max_attempts: 3
  backoff_initial: 0.01
  backoff_max: 0.05
  retry_after_cap: 5
  connect_timeout: 1
  read_timeout: 1  # generous: a loaded test machine must not time out the healthy pages
  max_body_bytes: 200000
  hosts:
    "127.0.0.1:{a.port}": {{requests_per_second: 1000, max_connections: 8, burst: 100}}
    "127.0.0.1:{b.port}": {{requests_per_second: 1000, max_connections: 8, burst: 100}}
sources:
  arxiv: {{base_url: {base}/arxiv, page_size: 2}}
  openalex: {{base_url: {base}/openalex, api_key_env: TEST_OPENALEX_KEY, page_size: 2}}
  semantic_scholar: {{base_url: {other}/s2}}
  crossref: {{base_url: {base}/crossref, page_size: 10}}
authors:
  - name: Amara Okafor
    author_pages: [{base}/authors/ok, {base}/authors/moved, {base}/authors/huge,
                   {base}/authors/cut, {base}/private/hidden]
    arxiv: "{AMARA.arxiv}"
    openalex: {AMARA.openalex}
    semantic_scholar: "42"
    crossref: Amara Okafor
"""


def serve_faults(a: HTTPServer, b: HTTPServer, release: threading.Event) -> None:
    calls: dict[str, int] = {}

    def count(key: str) -> int:
        calls[key] = calls.get(key, 0) + 1
        return calls[key]

    def arxiv(req):
        start = int(req.args["start"])
        if start == 2 and count("arxiv-2") == 1:  # arXiv's glitch: an empty page mid-query
            return Response(api.arxiv_feed(AMARA.arxiv, [], 2, 2, total=0), content_type="application/atom+xml")
        return Response(api.arxiv_feed(AMARA.arxiv, PAPERS[start:start + 2], start, 2, total=4),
                        content_type="application/atom+xml")

    def openalex(req):
        assert req.args["api_key"] == "sekret-key"
        if req.args["cursor"] == "*":
            if count("openalex") == 1:
                return Response("slow down", status=429, headers={"Retry-After": "1"})
            works = [openalex_work(p, i, SITE.today, 1) for i, p in WORKS[:2]]
            return Response(json.dumps(openalex_list(works, "c2", 4)), content_type="application/json")
        return Response("<html>maintenance</html>", content_type="text/html")

    def crossref(_req):
        n = count("crossref")
        if n < 3:
            return Response("oops", status=(500, 503)[n - 1])
        return Response(json.dumps(api.crossref_works(WORKS[:1], 0, 10, AMARA.person, "c9")),
                        content_type="application/json")

    def page(req):
        if req.args.get("page") == "2":
            release.wait(10)  # longer than read_timeout: every attempt times out
            return Response("late", content_type="text/html")
        html = render_html(AMARA.profile.__class__(AMARA.profile.name, "catalyzex", tuple(PAPERS[:2])),
                           SITE.today)
        html = html.replace("</main>", '<a href="?page=2" rel="next">Next</a></main>')
        return Response(html, content_type="text/html", headers={"ETag": '"p1"'})

    def cut(_req):
        response = Response(b"<html>0123")
        response.headers["Content-Length"] = "100"
        return response

    a.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    a.expect_request("/arxiv").respond_with_handler(arxiv)
    a.expect_request("/openalex/works").respond_with_handler(openalex)
    a.expect_request("/crossref/works").respond_with_handler(crossref)
    a.expect_request("/authors/ok").respond_with_handler(page)
    a.expect_request("/authors/moved").respond_with_data(
        "", status=302, headers={"Location": "http://evil.example/x"})
    a.expect_request("/authors/huge").respond_with_data("<html>" + "x" * 300_000, content_type="text/html")
    a.expect_request("/authors/cut").respond_with_handler(cut)
    b.expect_request("/s2/author/42/papers").respond_with_data(
        "", status=429, headers={"Retry-After": "86400"})


def test_faults_give_exact_retries_give_ups_quarantine_and_published_rows(servers, tmp_path):
    a, b = servers
    release = threading.Event()
    serve_faults(a, b, release)
    path = tmp_path / "papertrail.yaml"
    path.write_text(config_text(a, b))
    config = load_config(path, environ={"TEST_OPENALEX_KEY": "sekret-key"})
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    try:
        result = fetch_config(ws, config, "run-1")
    finally:
        release.set()
    base, hb = f"http://127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"
    give_up = f"retry_after_exceeds_cap: host {hb} asked to wait 86400 s (cap 5 s)"
    assert result.given_up_hosts == {hb: give_up}
    assert (result.requests, result.landed.observed, result.new, result.unchanged) == (13, 6, 6, 0)

    log = read_fetch_log(ws).with_columns(pl.col("url").str.replace(base, "A").str.replace(
        f"http://{hb}", "B").str.replace(r"\?.*", ""))
    log = log.select("tag", "url", "status", "attempts", "error")
    assert sorted(log.rows(), key=str) == sorted([
        ("arxiv", "A/arxiv", 200, 1, None),  # start=0
        ("arxiv", "A/arxiv", 200, 1, None),  # start=2: empty, asked again
        ("arxiv", "A/arxiv", 200, 1, None),  # start=2: the two entries
        ("openalex", "A/openalex/works", 200, 2, None),  # 429 Retry-After: 1, then 200
        ("openalex", "A/openalex/works", 200, 1, "unexpected_content_type: expected json, got text/html"),
        ("semantic_scholar", "B/s2/author/42/papers", 429, 1, give_up),
        ("crossref", "A/crossref/works", 200, 3, None),  # 500, 503, 200
        ("author_pages", "A/authors/ok", 200, 1, None),
        ("author_pages", "A/authors/ok", None, 3, "timeout: ReadTimeout after 3 attempts"),
        ("author_pages", "A/authors/moved", 302, 1, "redirect_refused: host evil.example is not in allowed_hosts"),
        ("author_pages", "A/authors/huge", 200, 1, "body_exceeds_cap: response is larger than 200000 bytes"),
        ("author_pages", "A/authors/cut", 200, 3, "truncated_body: peer closed connection without sending "
         "complete message body (received 10 bytes, expected 100) after 3 attempts"),
        ("author_pages", "A/private/hidden", None, 0,
         f"robots_disallowed: {base}/private/hidden is disallowed by {base}/robots.txt"),
    ], key=str)
    assert read_fetch_log(ws)["run_id"].unique().to_list() == ["run-1"]
    assert (len(a.log), len(b.log)) == (19, 1)
    raw = read_fetch_log(ws).write_csv()
    assert "sekret-key" not in raw and "api_key=***" in raw

    manifest = read_manifest(ws)
    assert (manifest.height, set(manifest["kind"])) == (6, {"http"})
    assert manifest.filter(pl.col("capture").str.contains("arxiv"))["capture"].n_unique() == 2

    counts = parse_pending(ws).counts
    assert (counts["papers"], counts["rejects"]) == (9, 0)
    resolve_all(ws)
    validate_staged(ws, "run-1")  # the publish loads only validated staging
    publish_run(ws, "run-1")
    db = ws.db_path
    quarantined = rows(db, "SELECT source, replace(capture, ?, 'A'), reason, payload FROM audit.quarantine "
                           "WHERE stage = 'fetch' ORDER BY capture", [base])
    assert sorted((s, c.split("?")[0], r) for s, c, r, _ in quarantined) == sorted(
        (t, u.replace("B/", f"http://{hb}/"), e) for t, u, _, _, e in log.rows() if e)
    assert len(quarantined) == 7
    assert [p for s, _, _, p in quarantined if s == "openalex"] == ["<html>maintenance</html>"]
    assert rows(db, "SELECT count(*) FROM audit.quarantine WHERE stage <> 'fetch'") == [(0,)]
    assert rows(db, "SELECT count(*), count(DISTINCT arxiv_id) FROM core.papers") == [(4, 4)]
    assert rows(db, "SELECT source, count(*) FROM core.sightings GROUP BY ALL ORDER BY 1") == [
        ("arxiv_atom", 4), ("catalyzex", 2), ("crossref", 1), ("openalex", 2)]
    # A fetch reject is seen when the fetch failed, as the fetch log says.
    seen = [r[0] for r in rows(db, "SELECT seen_at FROM audit.quarantine ORDER BY seen_at")]
    failed = read_fetch_log(ws).filter(pl.col("error").is_not_null()).sort("fetched_at")
    assert seen == failed["fetched_at"].to_list()

    # Persisted with the landing zone's unreadable-file rejects, so every rebuild keeps them.
    assert read_land_rejects(ws)["stage"].to_list() == ["fetch"] * 7


def test_missing_openalex_key_stops_the_run_with_one_line(tmp_path):
    (tmp_path / "papertrail.yaml").write_text(
        "sources:\n  openalex: {api_key_env: MY_OPENALEX_KEY}\nauthors:\n  - {name: A, openalex: A1}\n")
    done = run_cli("run", "--config", "papertrail.yaml", cwd=tmp_path, env={"MY_OPENALEX_KEY": ""})
    assert done.returncode == 1
    assert done.stderr == ("papertrail: error: OpenAlex needs an API key: set the environment variable "
                           "MY_OPENALEX_KEY (named by sources.openalex.api_key_env in papertrail.yaml)\n")
    assert not (tmp_path / "warehouse.duckdb").exists()
