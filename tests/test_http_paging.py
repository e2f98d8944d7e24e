"""Request plans over real HTTP on 127.0.0.1: the exact sequence of requests each source makes."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from papertrail.pipelines.config import HostLimit, parse_config
from papertrail.pipelines.http import FetchResult, Fetcher, fetch_all
from papertrail.pipelines.sources.arxiv.paging import ArxivQueryPlan
from papertrail.pipelines.sources.author_pages.paging import AuthorPagePlan
from papertrail.pipelines.sources.crossref.paging import CrossrefWorksPlan
from papertrail.pipelines.sources.openalex.paging import OpenAlexWorksPlan
from papertrail.pipelines.sources.semanticscholar.paging import S2AuthorPapersPlan, S2PaperBatchPlan
from papertrail.pipelines.sources.fetch_plans import plans_for_config


@pytest.fixture(scope="module")
def _srv():
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(_srv):
    _srv.clear()
    yield _srv
    _srv.clear()


def collect(plans, **kw) -> list[FetchResult]:
    async def go():
        opts = dict(allowed_hosts=["127.0.0.1"], default_limit=HostLimit(1000, 4),
                    backoff_initial=0.01, jitter=0, max_attempts=2)
        opts.update(kw)
        async with Fetcher(**opts) as fetcher:
            return [r async for r in fetch_all(plans, fetcher)]
    return asyncio.run(go())


def atom(total: int, n: int, first: int = 0) -> str:
    entries = "".join(f"<entry><id>http://arxiv.org/abs/2401.{first + i:05d}v1</id></entry>"
                      for i in range(n))
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f"<opensearch:totalResults>{total}</opensearch:totalResults>{entries}</feed>")


def test_arxiv_empty_page_mid_query_is_retried_then_paging_continues(server):
    served: dict[int, int] = {}

    def handler(request):
        start, size = int(request.args["start"]), int(request.args["max_results"])
        served[start] = served.get(start, 0) + 1
        if start == 2 and served[start] == 1:  # arXiv's glitch: empty, and claims 0 results
            return Response(atom(0, 0), content_type="application/atom+xml")
        return Response(atom(5, min(size, 5 - start), start), content_type="application/atom+xml")

    server.expect_request("/api/query").respond_with_handler(handler)
    plan = ArxivQueryPlan(server.url_for("/api/query"), "au:lewis_m", page_size=2)
    results = collect([plan])
    requested = [(int(r.args["start"]), int(r.args["max_results"])) for r, _ in server.log]
    assert requested == [(0, 2), (2, 2), (2, 2), (4, 1)]
    assert [r.error for r in results] == [None] * 4
    assert server.log[0][0].args["search_query"] == "au:lewis_m"
    assert plan.total == 5


def test_arxiv_gives_up_after_repeated_empty_pages_and_respects_caps(server):
    def handler(request):
        start = int(request.args["start"])
        body = atom(10, 2, start) if start == 0 else atom(0, 0)
        return Response(body, content_type="application/atom+xml")

    server.expect_request("/api/query").respond_with_handler(handler)
    collect([ArxivQueryPlan(server.url_for("/api/query"), "cat:cs.CL", page_size=2,
                            empty_page_retries=2)])
    assert [int(r.args["start"]) for r, _ in server.log] == [0, 2, 2, 2]
    capped = ArxivQueryPlan("http://x/api", "q", page_size=5000, max_results=99999)
    assert (capped.page_size, capped.max_results) == (2000, 30000)


def test_arxiv_genuinely_empty_query_asks_once(server):
    server.expect_request("/api/query").respond_with_data(atom(0, 0),
                                                          content_type="application/atom+xml")
    collect([ArxivQueryPlan(server.url_for("/api/query"), "au:nobody")])
    assert len(server.log) == 1


def test_openalex_cursor_paging_with_api_key(server):
    pages = {"*": "c2", "c2": "c3", "c3": None}

    def handler(request):
        cursor = request.args["cursor"]
        return Response(json.dumps({"meta": {"next_cursor": pages[cursor]},
                                    "results": [{"id": cursor}]}), content_type="application/json")

    server.expect_request("/works").respond_with_handler(handler)
    plan = OpenAlexWorksPlan(server.url_for("/"), "A5012345678", api_key="oa-KEY-123456",
                             mailto="me@example.org")
    results = collect([plan], secrets=["oa-KEY-123456"])
    assert [r.args["cursor"] for r, _ in server.log] == ["*", "c2", "c3"]
    first = server.log[0][0].args
    assert (first["filter"], first["per_page"], first["api_key"], first["mailto"]) == (
        "author.id:A5012345678", "200", "oa-KEY-123456", "me@example.org")
    assert all("oa-KEY" not in r.url and "api_key=***" in r.url for r in results)


def test_openalex_orcid_filter():
    plan = OpenAlexWorksPlan("http://x", "https://orcid.org/0000-0002-1825-0097", api_key=None)
    assert plan.filter == "author.orcid:0000-0002-1825-0097"


def test_s2_batch_chunks_1201_ids_into_500_500_201_posts(server):
    server.expect_request("/graph/v1/paper/batch", method="POST").respond_with_json([])
    ids = [f"CorpusId:{i}" for i in range(1201)]
    results = collect([S2PaperBatchPlan(server.url_for("/graph/v1"), ids, fields="title",
                                        api_key="s2-KEY-9999")], secrets=["s2-KEY-9999"])
    bodies = [json.loads(r.data)["ids"] for r, _ in server.log]
    assert [r.method for r, _ in server.log] == ["POST"] * 3
    assert [len(b) for b in bodies] == [500, 500, 201]
    assert sum(bodies, []) == ids
    assert all(r.headers["x-api-key"] == "s2-KEY-9999" and r.args["fields"] == "title"
               for r, _ in server.log)
    assert [r.status for r in results] == [200] * 3


def test_s2_author_papers_offset_paging(server):
    def handler(request):
        offset, limit = int(request.args["offset"]), int(request.args["limit"])
        body = {"offset": offset, "data": [{"paperId": str(offset + i)} for i in range(limit)]}
        if offset + limit < 5:
            body["next"] = offset + limit
        return Response(json.dumps(body), content_type="application/json")

    server.expect_request("/graph/v1/author/42/papers").respond_with_handler(handler)
    collect([S2AuthorPapersPlan(server.url_for("/graph/v1"), "42", page_size=2)])
    assert [(r.args["offset"], r.args["limit"]) for r, _ in server.log] == [
        ("0", "2"), ("2", "2"), ("4", "2")]


def _fake(data) -> FetchResult:
    return FetchResult(url="u", final_url="u", status=200, headers={}, content=json.dumps(data).encode(),
                       fetched_at=datetime.now(timezone.utc), sha256=None, bytes=0, attempts=1)


def test_s2_offset_plus_limit_stays_below_10000():
    steps = S2AuthorPapersPlan("http://x", "1", page_size=1000).steps()
    req = next(steps)
    asked = [(req.params["offset"], req.params["limit"])]
    try:
        while True:
            offset, limit = asked[-1]
            req = steps.send(_fake({"next": offset + limit, "data": [{}]}))
            asked.append((req.params["offset"], req.params["limit"]))
    except StopIteration:
        pass
    assert asked[-2:] == [(8000, 1000), (9000, 999)]
    assert all(o + lim < 10000 for o, lim in asked)


def test_crossref_cursor_paging_with_mailto(server):
    pages = {"*": ("n1", 2), "n1": ("n2", 2), "n2": ("n3", 1)}

    def handler(request):
        nxt, count = pages[request.args["cursor"]]
        message = {"next-cursor": nxt, "total-results": 5, "items": [{}] * count}
        return Response(json.dumps({"status": "ok", "message": message}),
                        content_type="application/json")

    server.expect_request("/works").respond_with_handler(handler)
    collect([CrossrefWorksPlan(server.url_for("/"), orcid="0000-0002-1825-0097", rows=2,
                               mailto="me@example.org")])
    assert [r.args["cursor"] for r, _ in server.log] == ["*", "n1", "n2"]
    first = server.log[0][0].args
    assert (first["rows"], first["mailto"], first["filter"]) == (
        "2", "me@example.org", "orcid:0000-0002-1825-0097")


def test_author_page_follows_next_link_until_the_last_page(server):
    server.no_handler_status_code = 404  # so /robots.txt is "absent": everything allowed
    page1 = ("<html><h1>Mike Lewis</h1><div class=count>82 Papers</div>"
             + "<div class=paper>p</div>" * 50 + '<a href="/author/ml?page=2">Next ›</a></html>')
    page2 = "<html>" + "<div class=paper>p</div>" * 32 + '<a href="/author/ml">‹ Prev</a></html>'
    server.expect_request("/author/ml", query_string="").respond_with_data(page1, content_type="text/html")
    server.expect_request("/author/ml", query_string="page=2").respond_with_data(
        page2, content_type="text/html")
    plan = AuthorPagePlan(server.url_for("/author/ml"))
    results = collect([plan])
    assert [(r.path, r.query_string) for r, _ in server.log] == [
        ("/robots.txt", b""), ("/author/ml", b""), ("/author/ml", b"page=2")]
    assert [r.status for r in results] == [200, 200]
    assert (plan.declared_total, plan.pages_fetched) == (82, 2)


def test_plans_for_config_point_at_base_urls(server):
    base = server.url_for("")
    config = parse_config({
        "mailto": "me@example.org",
        "http": {"allowed_hosts": ["127.0.0.1"]},
        "sources": {"arxiv": {"base_url": base + "/api/query", "page_size": 2},
                    "openalex": {"base_url": base, "api_key_env": "OA_KEY"},
                    "crossref": {"base_url": base}},
        "authors": [{"name": "Mike Lewis", "arxiv": "au:lewis_m", "openalex": "A1",
                     "crossref": "Mike Lewis"}],
    }, file=__import__("pathlib").Path("papertrail.yaml"), environ={"OA_KEY": "oa-secret-1"})
    plans = plans_for_config(config)
    assert [type(p).__name__ for p in plans] == ["ArxivQueryPlan", "OpenAlexWorksPlan",
                                                "CrossrefWorksPlan"]
    server.expect_request("/api/query").respond_with_data(atom(1, 1), content_type="application/atom+xml")
    server.expect_request("/works").respond_with_json({"meta": {"next_cursor": None},
                                                       "results": [], "message": {"items": []}})
    fetcher = Fetcher.from_config(config, default_limit=HostLimit(1000, 4))
    asyncio.run(_drain(plans, fetcher))
    paths = sorted(r.path for r, _ in server.log)
    assert paths == ["/api/query", "/works", "/works"]


async def _drain(plans, fetcher):
    async with fetcher:
        return [r async for r in fetch_all(plans, fetcher)]
