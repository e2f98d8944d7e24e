"""A page whose fetch failed is quarantined; once a later run fetches it, the stale quarantine
row goes (the fetch log keeps the failed attempts) and the page's papers are loaded."""
from __future__ import annotations

from pytest_httpserver import HTTPServer
from werkzeug import Response

from papertrail.pipelines.config import load_config
from papertrail.pipelines.demo.server import DemoSite
from papertrail.pipelines.sources.catalyzex.render import render_html
from papertrail.pipelines.stages.fetch import fetch_config, read_fetch_log
from papertrail.pipelines.stages.landing import read_land_rejects
from papertrail.pipelines.stages.parse import parse_pending
from papertrail.pipelines.workspace import Workspace

SITE = DemoSite()
AMARA = SITE.tracked[0]
PAPERS = tuple(p for _, p in SITE.works_of(AMARA.person)[:3])


def test_a_page_that_later_loads_leaves_quarantine_and_keeps_its_failures_in_the_log(tmp_path, loopback_server: HTTPServer):
    httpserver = loopback_server
    down = {"on": True}

    def page(_req):
        if down["on"]:
            return Response("maintenance", status=503)
        html = render_html(AMARA.profile.__class__(AMARA.profile.name, "catalyzex", PAPERS), SITE.today)
        return Response(html, content_type="text/html")

    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/authors/amara").respond_with_handler(page)
    url = httpserver.url_for("/authors/amara")
    config_file = tmp_path / "papertrail.yaml"
    config_file.write_text(f"""
http:
  allowed_hosts: ["127.0.0.1"]
  max_attempts: 2
  backoff_initial: 0.01
  backoff_max: 0.02
  hosts:
    "127.0.0.1:{httpserver.port}": {{requests_per_second: 1000, burst: 100}}
authors:
  - name: Amara Okafor
    author_pages: [{url}]
""")
    ws = Workspace.for_db(tmp_path / "w.duckdb").ensure()
    config = load_config(config_file)

    first = fetch_config(ws, config, "run-1")
    assert len(first.failed) == 1
    assert read_land_rejects(ws).select("stage", "capture").rows() == [("fetch", url)]

    down["on"] = False
    second = fetch_config(ws, config, "run-2")
    assert (len(second.failed), second.landed.observed) == (0, 1)
    assert read_land_rejects(ws).height == 0
    log = read_fetch_log(ws).sort("fetched_at").select("run_id", "status", "attempts").rows()
    assert log == [("run-1", 503, 2), ("run-2", 200, 1)]
    assert parse_pending(ws).counts["papers"] == len(PAPERS)
