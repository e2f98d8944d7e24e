"""A local demo web on 127.0.0.1: the demo corpus as every fetch source's host would answer it —
author pages (four layouts, paged with "next" links), arXiv (Atom API and OAI-PMH ListRecords with
resumptionTokens), OpenAlex, Semantic Scholar and Crossref — so that `make run` goes through the
real fetcher, paging plans and landing zone without the internet.

Each fetch source's fake host lives in its folder, `sources/<folder>/demo.py` (found through the
source registry), and says:
    PATH: str                   its first path segment here ("openalex" -> /openalex/works)
    KNOWS: indices              which tracked people it knows
    ENVIRON: dict               environment variables its demo config needs (an API key)
    author_id(person) -> str    what identifies the person there (routing, authors[].<source>)
    yaml_value(id, base_url)    that entry as written in the demo's papertrail.yaml
    section(base_url) -> str    its `sources.<source>` mapping in the demo's papertrail.yaml
    answer(site, parts, query)  (status, content type, body), or None for a path it does not serve
    history(site, folder)       optional: saved captures of an earlier time (citation history)

stdlib `http.server` in a thread: no extra dependency, and HTTP/1.1 keep-alive, ETag / 304 and
gzip behave like the real hosts closely enough for the fetcher's code paths.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

from ..sources.registry import fetch_source_demos
from .corpus import demo_papers, demo_profiles
from .model import PEOPLE, DemoPaper, DemoProfile
from .wire import Answer, json_answer

DEMO_PORT = 47291  # tried first, so that capture URLs (and their ETags) stay the same across runs
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@dataclass(frozen=True)
class Tracked:
    person: str
    profile: DemoProfile
    # fetch source -> what identifies the person there (an arXiv query, an OpenAlex id, a page slug)
    ids: dict[str, str] = field(default_factory=dict, hash=False)


class DemoSite:
    """Pure routing: (path, query) -> (status, content type, body). No sockets, easy to test."""

    def __init__(self, today: date | None = None, oai_page_size: int | None = None):
        self.today = today or datetime.now(timezone.utc).date()
        self.hosts: dict[str, ModuleType] = fetch_source_demos()
        self.oai_page_size = oai_page_size or self.hosts["arxiv"].OAI_PAGE_SIZE
        self.papers = demo_papers()
        self.tracked = [Tracked(person=PEOPLE[i], profile=profile,
                                ids={name: host.author_id(PEOPLE[i]) for name, host in self.hosts.items()
                                     if i in host.KNOWS})
                        for i, profile in enumerate(demo_profiles())]

    def works_of(self, person: str) -> list[tuple[int, DemoPaper]]:
        """(corpus index, paper) for a person's papers, oldest first (as the APIs sort)."""
        return sorted(((i, p) for i, p in enumerate(self.papers) if person in p.authors),
                      key=lambda ip: (ip[1].published_on, ip[0]))

    def who(self, source: str, value: str | None) -> Tracked | None:
        """The tracked person the fetch source `source` knows as `value`."""
        return next((t for t in self.tracked if value and t.ids.get(source) == value), None)

    def environ(self) -> dict[str, str]:
        """The environment the demo's papertrail.yaml needs (API keys its hosts check)."""
        return {k: v for host in self.hosts.values() for k, v in host.ENVIRON.items()}

    def route(self, path: str, query: dict[str, str]) -> Answer:
        parts = [p for p in path.split("/") if p]
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS
        for host in self.hosts.values():
            if parts[:1] == [host.PATH]:
                answer = host.answer(self, parts[1:], query)
                if answer is not None:
                    return answer
        return json_answer(404, {"error": f"no such demo resource: {path}"})


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
    """A papertrail.yaml for the demo: every fetch source's base_url on the demo server, loopback
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
        *(f"  {name}: {demo.section(base_url)}" for name, demo in site.hosts.items()),
        *([f"arxiv_oai: {site.hosts['arxiv'].oai_section(base_url)}"] if oai else []),
        "authors:",
    ]
    for t in site.tracked:
        lines.append(f"  - name: {json.dumps(t.person, ensure_ascii=False)}")
        lines += [f"    {name}: {site.hosts[name].yaml_value(value, base_url)}" for name, value in t.ids.items()]
    return "\n".join(lines) + "\n"
