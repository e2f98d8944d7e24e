"""papertrail.yaml -> typed, validated settings.

Every mistake surfaces as one ConfigError line naming the file and the key path, because a run
that starts with a typo'd key silently falls back to defaults and hammers a host or skips an
author. API keys are never read from the file, only from the environment variable it names.
"""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .errors import ConfigError

USER_AGENT_BASE = "papertrail/0.1 (+https://github.com/papertrail"
_REQUIRED = object()


@dataclass(frozen=True)
class HostLimit:
    """Pace for one host. burst=1 means no burst: requests are evenly spaced."""

    requests_per_second: float
    max_connections: int = 2
    burst: int = 1


@dataclass(frozen=True)
class SourceDefaults:
    label: str
    base_url: str
    page_size: int
    max_page_size: int
    host_limit: HostLimit
    api_key_required: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


# Host limits follow each API's published policy; they attach to the host of the source's
# base_url, so a mirror inherits arXiv's 1 request per 3 s unless http.hosts says otherwise.
SOURCES: dict[str, SourceDefaults] = {
    "arxiv": SourceDefaults("arXiv", "https://export.arxiv.org/api/query", 2000, 2000,
                            HostLimit(1 / 3, 1), extra={"max_results": 30000, "empty_page_retries": 3}),
    "openalex": SourceDefaults("OpenAlex", "https://api.openalex.org", 200, 200,
                               HostLimit(10, 4), api_key_required=True),
    "semantic_scholar": SourceDefaults(
        "Semantic Scholar", "https://api.semanticscholar.org/graph/v1", 1000, 1000, HostLimit(1, 1),
        extra={"fields": "title,externalIds,year,publicationDate,authors,citationCount,venue"}),
    "crossref": SourceDefaults("Crossref", "https://api.crossref.org", 1000, 1000, HostLimit(5, 3)),
    "author_pages": SourceDefaults("Author pages", "", 0, 0, HostLimit(0.5, 1),
                                   extra={"respect_robots": True, "max_pages": 20}),
}
# Person sources: one person's record per tracked author (`dblp: <pid>`, `orcid: <id>`). dblp asks
# for a second or two between requests and a respected robots.txt; ORCID's public API allows 24
# requests/s (burst 40). Kept beside SOURCES rather than in it until the per-source fetch
# partitions (assets/partitions.py SOURCE_ORDER, which must cover SOURCES) give them a place;
# `papertrail run --config` and the per-author partitions fetch them already.
PERSON_SOURCES: dict[str, SourceDefaults] = {
    "dblp": SourceDefaults("dblp", "https://dblp.org", 0, 0, HostLimit(0.5, 1),
                           extra={"respect_robots": True}),
    "orcid": SourceDefaults("ORCID", "https://pub.orcid.org/v3.0", 0, 0, HostLimit(8, 2)),
}
ALL_SOURCES: dict[str, SourceDefaults] = {**SOURCES, **PERSON_SOURCES}


@dataclass(frozen=True)
class SourceConfig:
    name: str
    label: str
    enabled: bool
    base_url: str
    page_size: int
    api_key_env: str | None = None
    # repr=False: a dataclass repr lands in logs and tracebacks, the key must not.
    api_key: str | None = field(default=None, repr=False)
    max_results: int = 30000
    empty_page_retries: int = 3
    fields: str = ""
    respect_robots: bool = True
    max_pages: int = 20


@dataclass(frozen=True)
class AuthorConfig:
    name: str
    orcid: str | None = None
    author_pages: tuple[str, ...] = ()
    arxiv: str | None = None  # an arXiv search_query, e.g. "au:lewis_m"
    openalex: str | None = None  # an OpenAlex author id (A...) or an ORCID
    semantic_scholar: str | None = None
    crossref_query: str | None = None
    crossref_orcid: str | None = None
    dblp: str | None = None  # a dblp person id ("42/6178-1") or its URL


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_attempts: int = 5
    retry_budget: int = 200
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    retry_after_cap: float = 60.0
    max_body_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    max_concurrency: int = 8
    allowed_hosts: tuple[str, ...] = ()
    state_dir: Path | None = None
    default_host: HostLimit = HostLimit(1.0, 2)
    hosts: Mapping[str, HostLimit] = field(default_factory=dict)


@dataclass(frozen=True)
class OaiHarvestConfig:
    """An arXiv OAI-PMH ListRecords harvest (the `arxiv_oai` section)."""

    base_url: str
    from_: str  # YYYY-MM-DD, required: without it the harvest is the whole archive
    until: str | None = None
    set: str | None = None
    enabled: bool = True
    max_pages: int | None = None  # per run; the rest resumes from the stored token next run


OAI_DEFAULT_URL = "https://oaipmh.arxiv.org/oai"
OAI_HOST_LIMIT = HostLimit(1 / 3, 1)  # arXiv's pace, whichever arXiv endpoint


@dataclass(frozen=True)
class Config:
    path: Path
    mailto: str | None
    http: HttpSettings
    sources: Mapping[str, SourceConfig]
    authors: tuple[AuthorConfig, ...]
    arxiv_oai: OaiHarvestConfig | None = None

    @property
    def user_agent(self) -> str:
        return user_agent(self.mailto)

    def allowed_hosts(self) -> frozenset[str]:
        """Explicit http.allowed_hosts plus every host a base_url or author page names."""
        hosts = set(self.http.allowed_hosts)
        for src in self.sources.values():
            if src.enabled and src.base_url:
                hosts.add(host_key(src.base_url))
        for author in self.authors:
            hosts.update(host_key(u) for u in author.author_pages)
        if self.arxiv_oai and self.arxiv_oai.enabled:
            hosts.add(host_key(self.arxiv_oai.base_url))
        return frozenset(hosts)

    def host_limits(self) -> dict[str, HostLimit]:
        limits = {host_key(self.arxiv_oai.base_url): OAI_HOST_LIMIT} if self.arxiv_oai else {}
        limits.update({host_key(s.base_url): ALL_SOURCES[s.name].host_limit
                       for s in self.sources.values() if s.base_url})
        limits.update(self.http.hosts)  # explicit settings beat source defaults
        return limits

    def secrets(self) -> tuple[str, ...]:
        return tuple(s.api_key for s in self.sources.values() if s.api_key)


def user_agent(mailto: str | None) -> str:
    return f"{USER_AGENT_BASE}; mailto:{mailto})" if mailto else f"{USER_AGENT_BASE})"


def host_key(url: str) -> str:
    """The rate-limit/allow-list key: the host, plus the port when the URL names one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal: bracket it so the port stays separable
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


def is_private_host(host: str) -> str | None:
    """'loopback' / 'link-local' / 'private' / 'reserved' for an IP literal or localhost, else None."""
    if host.startswith("["):
        name = host[1:host.find("]")]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return None
    for kind, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("private", ip.is_private), ("reserved", ip.is_reserved or ip.is_multicast
                                                   or ip.is_unspecified)):
        if flag:
            return kind
    return None


class _Reader:
    """Typed access to one YAML mapping that remembers its key path and rejects leftovers."""

    def __init__(self, data: Any, path: str, file: Path):
        self.path, self.file = path, file
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.fail(path, f"expected a mapping, got {type(data).__name__}")
        self.data, self.used = data, set()

    def fail(self, path: str, msg: str):
        raise ConfigError(f"{self.file}: {path or '(top level)'}: {msg}")

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def get(self, name: str, kind: type | tuple, default: Any = _REQUIRED) -> Any:
        self.used.add(name)
        if name not in self.data or self.data[name] is None:
            if default is _REQUIRED:
                self.fail(self.key(name), "required key is missing")
            return default
        value = self.data[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; "port: yes" must not pass as 1.
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.fail(self.key(name), f"expected {names}, got {type(value).__name__} {value!r}")
        return value

    def number(self, name: str, default: float, *, minimum: float = 0, integer: bool = False):
        value = self.get(name, int if integer else (int, float), default)
        if value < minimum:
            self.fail(self.key(name), f"must be >= {minimum}, got {value!r}")
        return value

    def sub(self, name: str) -> _Reader:
        return _Reader(self.get(name, dict, {}), self.key(name), self.file)

    def done(self, hint: str = "") -> None:
        unknown = sorted(set(self.data) - self.used, key=str)
        if unknown:
            allowed = ", ".join(sorted(self.used))
            self.fail(self.key(str(unknown[0])), f"unknown key (known keys here: {allowed}){hint}")


def _url(r: _Reader, name: str, default: str | None = _REQUIRED) -> str:
    value = r.get(name, str, default)
    if value is None:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        r.fail(r.key(name), f"expected an http(s) URL, got {value!r}")
    return value


def _host_limit(r: _Reader, fallback: HostLimit) -> HostLimit:
    rps = r.number("requests_per_second", fallback.requests_per_second)
    if rps <= 0:
        r.fail(r.key("requests_per_second"), f"must be > 0, got {rps!r}")
    limit = HostLimit(float(rps), r.number("max_connections", fallback.max_connections, minimum=1,
                                           integer=True),
                      r.number("burst", fallback.burst, minimum=1, integer=True))
    r.done()
    return limit


def _http(r: _Reader, base: Path) -> HttpSettings:
    d = HttpSettings()
    num = r.number
    hosts_r = r.sub("hosts")
    hosts = {str(h).lower(): _host_limit(hosts_r.sub(str(h)), d.default_host) for h in hosts_r.data}
    allowed = r.get("allowed_hosts", list, [])
    for i, h in enumerate(allowed):
        if not isinstance(h, str):
            r.fail(r.key(f"allowed_hosts[{i}]"), f"expected str, got {type(h).__name__}")
    state_dir = r.get("state_dir", str, None)
    settings = HttpSettings(
        connect_timeout=float(num("connect_timeout", d.connect_timeout)),
        read_timeout=float(num("read_timeout", d.read_timeout)),
        max_attempts=num("max_attempts", d.max_attempts, minimum=1, integer=True),
        retry_budget=num("retry_budget", d.retry_budget, integer=True),
        backoff_initial=float(num("backoff_initial", d.backoff_initial)),
        backoff_max=float(num("backoff_max", d.backoff_max)),
        retry_after_cap=float(num("retry_after_cap", d.retry_after_cap)),
        max_body_bytes=num("max_body_bytes", d.max_body_bytes, minimum=1, integer=True),
        max_redirects=num("max_redirects", d.max_redirects, integer=True),
        max_concurrency=num("max_concurrency", d.max_concurrency, minimum=1, integer=True),
        allowed_hosts=tuple(h.lower() for h in allowed),
        state_dir=(base / state_dir) if state_dir else None,
        default_host=_host_limit(r.sub("default_host"), d.default_host),
        hosts=hosts,
    )
    r.done()
    return settings


def _source(name: str, r: _Reader, environ: Mapping[str, str], file: Path) -> SourceConfig:
    spec = ALL_SOURCES[name]
    if "api_key" in r.data:
        r.fail(r.key("api_key"), "API keys never go in the config file: put the key in an "
               "environment variable and name that variable with api_key_env")
    enabled = r.get("enabled", bool, True)
    base_url = _url(r, "base_url", spec.base_url or None) if name != "author_pages" else ""
    page_size = 0
    if spec.max_page_size:
        page_size = r.number("page_size", spec.page_size, minimum=1, integer=True)
        if page_size > spec.max_page_size:
            r.fail(r.key("page_size"),
                   f"{spec.label} allows at most {spec.max_page_size}, got {page_size}")
    key_env = r.get("api_key_env", str, None) if name in ("openalex", "semantic_scholar") else None
    extra = {k: r.get(k, type(v), v) for k, v in spec.extra.items()}
    if extra.get("max_results", 0) > 30000:
        r.fail(r.key("max_results"),
               f"arXiv serves at most 30000 results per query, got {extra['max_results']}")
    r.done()
    if spec.api_key_required and enabled and not key_env:
        r.fail(r.key("api_key_env"), f"{spec.label} needs an API key: name the environment "
               "variable that holds it, e.g. api_key_env: OPENALEX_API_KEY")
    api_key = environ.get(key_env) or None if key_env else None
    if spec.api_key_required and enabled and not api_key:
        raise ConfigError(
            f"{spec.label} needs an API key: set the environment variable {key_env} "
            f"(named by sources.{name}.api_key_env in {file.name})")
    return SourceConfig(name=name, label=spec.label, enabled=enabled, base_url=base_url or "",
                        page_size=page_size, api_key_env=key_env, api_key=api_key, **extra)


def _author(r: _Reader) -> AuthorConfig:
    name = r.get("name", str)
    pages = r.get("author_pages", list, [])
    for i, _ in enumerate(pages):
        _url(_Reader({"u": pages[i]}, r.key(f"author_pages[{i}]"), r.file), "u")
    cross = r.get("crossref", (str, dict), None)
    c_query = c_orcid = None
    if isinstance(cross, str):
        c_query = cross
    elif isinstance(cross, dict):
        cr = _Reader(cross, r.key("crossref"), r.file)
        c_query, c_orcid = cr.get("query", str, None), cr.get("orcid", str, None)
        cr.done()
    author = AuthorConfig(
        name=name, orcid=r.get("orcid", str, None), author_pages=tuple(pages),
        arxiv=r.get("arxiv", str, None), openalex=r.get("openalex", str, None),
        semantic_scholar=str(r.get("semantic_scholar", (str, int), "")) or None,
        crossref_query=c_query, crossref_orcid=c_orcid, dblp=r.get("dblp", str, None))
    r.done()
    return author


def _day(r: _Reader, name: str, required: bool = False) -> str | None:
    value = r.get(name, (str, date), _REQUIRED if required else None)
    try:
        return value if value is None else date.fromisoformat(str(value)).isoformat()
    except ValueError:
        r.fail(r.key(name), f"expected a date YYYY-MM-DD (OAI-PMH day granularity), got {value!r}")


def _arxiv_oai(r: _Reader) -> OaiHarvestConfig:
    if "from" not in r.data:
        r.fail(r.key("from"), "required key is missing: the first datestamp to harvest "
               "(YYYY-MM-DD); without it the harvest is the whole arXiv archive")
    harvest = OaiHarvestConfig(
        base_url=_url(r, "base_url", OAI_DEFAULT_URL), from_=_day(r, "from", True),
        until=_day(r, "until"), set=r.get("set", str, None), enabled=r.get("enabled", bool, True),
        max_pages=r.get("max_pages", int, None))
    if harvest.max_pages is not None and harvest.max_pages < 1:
        r.fail(r.key("max_pages"), f"must be >= 1, got {harvest.max_pages!r}")
    if harvest.until and harvest.until < harvest.from_:
        r.fail(r.key("until"), f"is before from ({harvest.until} < {harvest.from_})")
    r.done()
    return harvest


def parse_config(data: Any, file: Path, environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    top = _Reader(data, "", file)
    mailto = top.get("mailto", str, None)
    http = _http(top.sub("http"), file.parent)
    raw_authors = top.get("authors", list, [])
    authors = tuple(_author(_Reader(a, f"authors[{i}]", file)) for i, a in enumerate(raw_authors))
    oai = _arxiv_oai(top.sub("arxiv_oai")) if "arxiv_oai" in top.data else None
    src_r = top.sub("sources")
    for name in src_r.data:
        if name not in ALL_SOURCES:
            src_r.fail(src_r.key(str(name)), f"unknown source (known: {', '.join(ALL_SOURCES)})")
    # A source an author names is live even without its own section (defaults apply), so that
    # its API key requirement is checked now rather than halfway through a run.
    used = {n for a in authors for n, v in (
        ("arxiv", a.arxiv), ("openalex", a.openalex), ("semantic_scholar", a.semantic_scholar),
        ("crossref", a.crossref_query or a.crossref_orcid), ("author_pages", a.author_pages),
        ("dblp", a.dblp), ("orcid", a.orcid)) if v}
    sources = {n: _source(n, src_r.sub(n), environ, file)
               for n in ALL_SOURCES if n in src_r.data or n in used}
    src_r.done()
    top.done()
    config = Config(path=file, mailto=mailto, http=http, sources=sources, authors=authors,
                    arxiv_oai=oai)
    explicit = set(http.allowed_hosts)
    for host in config.allowed_hosts() - explicit:
        if host.rsplit(":", 1)[0] in explicit:  # "127.0.0.1" allows every port on it
            continue
        kind = is_private_host(host)
        if kind:  # a typo'd base_url must not quietly point the fetcher at an internal service
            raise ConfigError(f"{file}: {host} is a {kind} address: list it in http.allowed_hosts "
                              "to fetch from it (e.g. a local test server)")
    return config


def load_config(path: str | os.PathLike, environ: Mapping[str, str] | None = None) -> Config:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read config file ({exc.strerror or exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{file}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return parse_config(data, file, environ)
