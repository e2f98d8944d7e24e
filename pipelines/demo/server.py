"""A local demo web on 127.0.0.1: the demo corpus as author pages (four layouts, paged with "next"
links) and as arXiv (Atom API and OAI-PMH ListRecords with resumptionTokens), OpenAlex, Semantic
Scholar and Crossref API answers, so that `make run` goes through the real fetcher, paging plans
and landing zone without the internet.

stdlib `http.server` in a thread: no extra dependency, and HTTP/1.1 keep-alive, ETag / 304 and
gzip behave like the real hosts closely enough for the fetcher's code paths.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import importlib
import json
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from unidecode import unidecode

from . import api_shapes as api
from .corpus import (PEOPLE, SNAPSHOT_DAYS, demo_papers, demo_profiles, openalex_author_id,
                     openalex_list, openalex_work)
from .model import DemoPaper, DemoProfile

DEMO_PORT = 47291  # tried first, so that capture URLs (and their ETags) stay the same across runs
DEMO_KEY_ENV = "PAPERTRAIL_DEMO_OPENALEX_KEY"
DEMO_KEY = "demo-openalex-key"
PAGE_SIZE = 10  # papers an author page shows; the rest is behind its "next" link
OAI_PAGE_SIZE = 25  # records per ListRecords page: the corpus plus one deletion is 3 pages
OAI_RESPONDED = datetime(2026, 6, 1, tzinfo=timezone.utc)  # fixed: a rerun gets the same bytes
OAI_DELETED = ("2402.09999", date(2024, 2, 29), "cs")  # a withdrawn paper: a deleted record
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
# Which tracked people each API knows about (every tracked person has an author page).
ON_ARXIV, ON_OPENALEX, ON_S2, ON_CROSSREF = range(6), (0, 2, 4, 6), (1, 3, 5, 7), (0, 3, 6)
# The pager each layout's renderer prints; rewritten to the real next page or dropped.
_PAGERS = {"scored_profile": ('<div class="sp-pager"><a href="?page=2" rel="next">Load more</a></div>\n',
                              "?page=2"),
           "aitopics": ('<nav class="pager"><a href="?page=1">next &rsaquo;</a></nav>\n', "?page=1")}


@dataclass(frozen=True)
class Tracked:
    person: str
    profile: DemoProfile
    slug: str
    arxiv: str | None
    openalex: str | None
    s2: str | None
    crossref: str | None


def arxiv_query(person: str) -> str:
    first, _, last = unidecode(person).partition(" ")
    return f"au:{last.replace(' ', '_')}_{first[0]}"


class DemoSite:
    """Pure routing: (path, query) -> (status, content type, body). No sockets, easy to test."""

    def __init__(self, today: date | None = None, oai_page_size: int = OAI_PAGE_SIZE):
        self.today = today or datetime.now(timezone.utc).date()
        self.oai_page_size = oai_page_size
        self.papers = demo_papers()
        self.index = {p.arxiv_id: i for i, p in enumerate(self.papers)}
        self.tracked = []
        for i, profile in enumerate(demo_profiles()):
            person = PEOPLE[i]
            self.tracked.append(Tracked(
                person=person, profile=profile, slug=unidecode(person).lower().replace(" ", "-"),
                arxiv=arxiv_query(person) if i in ON_ARXIV else None,
                openalex=openalex_author_id(person) if i in ON_OPENALEX else None,
                s2=api.s2_author_id(person) if i in ON_S2 else None,
                crossref=person if i in ON_CROSSREF else None))

    def works_of(self, person: str) -> list[tuple[int, DemoPaper]]:
        """(corpus index, paper) for a person's papers, oldest first (as the APIs sort)."""
        return sorted(((i, p) for i, p in enumerate(self.papers) if person in p.authors),
                      key=lambda ip: (ip[1].published_on, ip[0]))

    def _who(self, attr: str, value: str | None) -> Tracked | None:
        return next((t for t in self.tracked if value and getattr(t, attr) == value), None)

    def route(self, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        parts = [p for p in path.split("/") if p]
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS
        if len(parts) == 2 and parts[0] == "authors":
            return self.author_page(parts[1], query.get("page", "1"))
        if parts == ["arxiv", "api", "query"]:
            return self.arxiv(query)
        if parts == ["arxiv", "oai"]:
            return self.oai(query)
        if parts == ["openalex", "works"]:
            return self.openalex(query)
        if len(parts) == 4 and parts[:2] == ["s2", "author"] and parts[3] == "papers":
            return self.s2(parts[2], query)
        if parts == ["crossref", "works"]:
            return self.crossref(query)
        return _json(404, {"error": f"no such demo resource: {path}"})

    def author_page(self, slug: str, page: str) -> tuple[int, str, bytes]:
        who = next((t for t in self.tracked if t.slug == slug), None)
        pages = _chunks(who.profile.papers) if who else []
        if not page.isdigit() or not 1 <= int(page) <= len(pages):
            return 404, "text/html", b"<html><body><h1>Not found</h1></body></html>"
        n = int(page)
        render = importlib.import_module(f"papertrail.pipelines.sources.{who.profile.layout}.render")
        html = render.render_html(replace(who.profile, papers=pages[n - 1]), self.today)
        return 200, "text/html; charset=utf-8", _pager(html, who.profile.layout,
                                                        n + 1 if n < len(pages) else None).encode()

    def arxiv(self, q: dict[str, str]) -> tuple[int, str, bytes]:
        query = q.get("search_query", "")
        start, size = _int(q.get("start"), 0), min(_int(q.get("max_results"), 10), 2000)
        who = self._who("arxiv", query)
        works = [p for _, p in self.works_of(who.person)] if who else []
        body = api.arxiv_feed(query, works[start:start + size], start, size, total=len(works))
        return 200, "application/atom+xml; charset=utf-8", body.encode()

    def oai_items(self, start: str, until: str, set_spec: str) -> list[str]:
        """The records a ListRecords over [start, until] in `set_spec` lists, by datestamp."""
        listed = [(p.published_on, i, api.oai_record(p), api.oai_set(p.topic))
                  for i, p in enumerate(self.papers)]
        aid, day, spec = OAI_DELETED
        listed.append((day, -1, api.oai_deleted(aid, day, spec), spec))
        return [xml for day, _, xml, spec in sorted(listed, key=lambda r: (r[0], r[1]))
                if (not start or day.isoformat() >= start) and (not until or day.isoformat() <= until)
                and (not set_spec or spec == set_spec)]

    def oai(self, q: dict[str, str]) -> tuple[int, str, bytes]:
        """ListRecords, metadataPrefix=arXiv, with from/until/set and resumptionToken paging;
        OAI errors (badVerb, badArgument, badResumptionToken, cannotDisseminateFormat,
        noRecordsMatch) come back as HTTP 200 with an <error>, as the protocol says."""
        def error(code: str, message: str) -> tuple[int, str, bytes]:
            return _xml(api.oai_error(code, message, {}, OAI_RESPONDED))
        if q.get("verb") != "ListRecords":
            return error("badVerb", f"Illegal verb: {q.get('verb')!r} (the demo serves ListRecords)")
        if "resumptionToken" in q:
            if set(q) != {"verb", "resumptionToken"}:
                return error("badArgument", "resumptionToken is an exclusive argument")
            args = _oai_token_args(q["resumptionToken"])
            if args is None:
                return error("badResumptionToken", f"Unknown or expired resumptionToken "
                             f"{q['resumptionToken']!r}")
            offset, start, until, set_spec = args
        else:
            if q.get("metadataPrefix") != "arXiv":
                return error("cannotDisseminateFormat" if q.get("metadataPrefix") else "badArgument",
                             f"metadataPrefix {q.get('metadataPrefix')!r}: the demo serves arXiv")
            offset, start, until, set_spec = 0, q.get("from", ""), q.get("until", ""), q.get("set", "")
            try:
                [date.fromisoformat(d) for d in (start, until) if d]
            except ValueError:
                return error("badArgument", f"from/until must be YYYY-MM-DD, got {start!r}/{until!r}")
        items = self.oai_items(start, until, set_spec)
        if not items:
            return error("noRecordsMatch", "The combination of the values of the from, until, "
                         "set and metadataPrefix arguments results in an empty list.")
        end = offset + self.oai_page_size
        token = _oai_token(end, start, until, set_spec) if end < len(items) else None
        return _xml(api.oai_list_records(items[offset:end], dict(q), OAI_RESPONDED, token=token,
                                         cursor=offset, complete_size=len(items),
                                         resumed="resumptionToken" in q))

    def openalex(self, q: dict[str, str]) -> tuple[int, str, bytes]:
        if q.get("api_key") != DEMO_KEY:
            return _json(401, {"error": "Invalid or missing API key", "message": "pass api_key"})
        ident = q.get("filter", "").removeprefix("author.id:")
        who = self._who("openalex", ident)
        works = self.works_of(who.person) if who else []
        start, size = _cursor(q.get("cursor", "*")), min(_int(q.get("per_page"), 25), 200)
        page = works[start:start + size]
        more = start + size < len(works)
        day, step = SNAPSHOT_DAYS[-1], len(SNAPSHOT_DAYS) - 1
        return _json(200, openalex_list([openalex_work(p, i, day, step) for i, p in page],
                                        next_cursor=_next_cursor(start + size) if more else None,
                                        count=len(works)))

    def s2(self, author_id: str, q: dict[str, str]) -> tuple[int, str, bytes]:
        who = self._who("s2", author_id)
        if not who:
            return _json(404, {"error": f"Author with id {author_id} not found"})
        offset, limit = _int(q.get("offset"), 0), min(_int(q.get("limit"), 100), 1000)
        return _json(200, api.s2_author_papers(self.works_of(who.person), offset, limit))

    def crossref(self, q: dict[str, str]) -> tuple[int, str, bytes]:
        who = self._who("crossref", q.get("query.author"))
        works = self.works_of(who.person) if who else []
        start, rows = _cursor(q.get("cursor", "*")), min(_int(q.get("rows"), 20), 1000)
        return _json(200, api.crossref_works(works, start, rows, q.get("query.author", ""),
                                             _next_cursor(start + rows)))


def _chunks(papers: tuple[DemoPaper, ...]) -> list[tuple[DemoPaper, ...]]:
    return [papers[i:i + PAGE_SIZE] for i in range(0, len(papers), PAGE_SIZE)] or [()]


def _pager(html: str, layout: str, next_page: int | None) -> str:
    link = f"?page={next_page}"
    if layout in _PAGERS:
        pager, href = _PAGERS[layout]
        return html.replace(pager, pager.replace(href, link) if next_page else "", 1)
    if next_page is None:
        return html
    return html.replace("</main>", f'<nav class="pager"><a href="{link}" rel="next">Next page'
                                   "</a></nav>\n</main>", 1)


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def _cursor(value: str) -> int:
    if value == "*":
        return 0
    try:
        return int(base64.urlsafe_b64decode(value.encode()).decode().removeprefix("offset:"))
    except ValueError:
        return 0


def _next_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _oai_token(offset: int, start: str, until: str, set_spec: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}|{start}|{until}|{set_spec}".encode()).decode()


def _oai_token_args(token: str) -> tuple[int, str, str, str] | None:
    try:
        offset, start, until, set_spec = base64.urlsafe_b64decode(token.encode()).decode().split("|")
        return int(offset), start, until, set_spec
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors too
        return None


def _xml(body: str) -> tuple[int, str, bytes]:
    return 200, "text/xml; charset=utf-8", body.encode()


def _json(status: int, data) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(data, indent=1, ensure_ascii=False).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs and the fetcher's pool expect
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server: "_Server"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        status, ctype, body = self.server.site.route(url.path, query)
        self.server.hits.append(url.path)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        encoding = None
        if len(body) > 2048 and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body, encoding = gzip.compress(body, 6, mtime=0), "gzip"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if status == 200:
            self.send_header("ETag", etag)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # the demo should not chatter on stderr
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, site: DemoSite):
        self.site, self.hits = site, []
        super().__init__(address, _Handler)


class DemoServer:
    """`with DemoServer() as srv:` serves the demo on 127.0.0.1 until the block ends."""

    def __init__(self, site: DemoSite | None = None, port: int | None = DEMO_PORT):
        self.site = site or DemoSite()
        try:
            self._server = _Server(("127.0.0.1", port or 0), self.site)
        except OSError:  # the preferred port is taken: any free one will do
            self._server = _Server(("127.0.0.1", 0), self.site)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hits(self) -> list[str]:
        return self._server.hits

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def config_yaml(self, oai: bool = False) -> str:
        return demo_config_yaml(self.site, self.base_url, oai)


def demo_config_yaml(site: DemoSite, base_url: str, oai: bool = False) -> str:
    """A papertrail.yaml for the demo: every source's base_url on the demo server, loopback
    allowed explicitly, politeness relaxed for it (it is ours), small pages so paging shows.
    `oai` adds the arXiv OAI-PMH harvest of the whole corpus (off in `make run`, whose counts
    are the documented demo)."""
    host = urlsplit(base_url).netloc
    lines = [
        "# papertrail.yaml written by the built-in demo: every source points at the local server.",
        "mailto: demo@papertrail.invalid",
        "http:",
        '  allowed_hosts: ["127.0.0.1"]',
        "  max_attempts: 2",
        "  backoff_initial: 0.05",
        "  backoff_max: 0.2",
        "  connect_timeout: 2",
        "  read_timeout: 5",
        "  max_concurrency: 16",
        "  hosts:",
        f'    "{host}":',
        "      requests_per_second: 1000",
        "      max_connections: 16",
        "      burst: 100",
        "sources:",
        f"  arxiv: {{base_url: {base_url}/arxiv/api/query, page_size: 10}}",
        f"  openalex: {{base_url: {base_url}/openalex, api_key_env: {DEMO_KEY_ENV}, page_size: 10}}",
        f"  semantic_scholar: {{base_url: {base_url}/s2, page_size: 10}}",
        f"  crossref: {{base_url: {base_url}/crossref, page_size: 10}}",
        "  author_pages: {respect_robots: true, max_pages: 5}",
        *([f"arxiv_oai: {{base_url: {base_url}/arxiv/oai, from: 2019-01-01}}"] if oai else []),
        "authors:",
    ]
    for t in site.tracked:
        lines.append(f"  - name: {json.dumps(t.person, ensure_ascii=False)}")
        lines.append(f"    author_pages: [{base_url}/authors/{quote(t.slug)}]")
        for key, value in (("arxiv", t.arxiv), ("openalex", t.openalex),
                           ("semantic_scholar", t.s2), ("crossref", t.crossref)):
            if value:
                lines.append(f"    {key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
