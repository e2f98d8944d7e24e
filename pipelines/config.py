"""papertrail.yaml -> typed, validated settings.

The file's schema is a set of pydantic models (`ConfigFile` and its sections, strict types,
unknown keys refused); a validated file becomes the frozen runtime settings below (`Config`,
`SourceConfig`, ...), which the fetcher and the sources read. Every mistake surfaces as one ConfigError line naming the file and the key path, because a run
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
import typing
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

import yaml
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      ValidationError, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from .errors import ConfigError
from .sources.openalex import settings as openalex_settings
from .sources.spec import HostLimit, SourceDefaults

USER_AGENT_BASE = "papertrail/0.1 (+https://github.com/papertrail"


# Host limits follow each API's published policy; they attach to the host of the source's
# base_url, so a mirror inherits arXiv's 1 request per 3 s unless http.hosts says otherwise.
SOURCES: dict[str, SourceDefaults] = {
    "arxiv": SourceDefaults("arXiv", "https://export.arxiv.org/api/query", 2000, 2000,
                            HostLimit(1 / 3, 1), extra={"max_results": 30000, "empty_page_retries": 3}),
    "openalex": openalex_settings.FETCH_SOURCE,
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


# --- The file's schema: pydantic models, one per YAML mapping --------------------------------
# Strict types (YAML `yes` is not 1, "5" is not 5), unknown keys refused, a null value means "use
# the default". Validation errors become one ConfigError line: file, key path, problem.


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


def _problem(kind: str, message: str, key: str | None = None) -> PydanticCustomError:
    """A validation error with this file's own wording; `key` names the key a model-level check
    is about (pydantic reports those at the model's path). The message is passed as context:
    pydantic formats `{name}` placeholders in a message template."""
    return PydanticCustomError(kind, "{message}", {"message": message, "key": key})


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _problem("url", f"expected an http(s) URL, got {value!r}")
    return value


def _check_day(value: Any) -> str:
    if not isinstance(value, (str, date)):
        raise _problem("day", f"expected str or date, got {type(value).__name__} {value!r}")
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise _problem("day", "expected a date YYYY-MM-DD (OAI-PMH day granularity), "
                              f"got {value!r}") from None


Url = Annotated[str, AfterValidator(_check_url)]
Day = Annotated[str, BeforeValidator(_check_day)]
Seconds = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]


class HostLimitSection(_Section):
    requests_per_second: float = Field(1.0, gt=0)
    max_connections: Positive = 2
    burst: Positive = 1

    def limit(self) -> HostLimit:
        return HostLimit(float(self.requests_per_second), self.max_connections, self.burst)


class HttpSection(_Section):
    connect_timeout: Seconds = 10.0
    read_timeout: Seconds = 30.0
    max_attempts: Positive = 5
    retry_budget: Count = 200
    backoff_initial: Seconds = 1.0
    backoff_max: Seconds = 60.0
    retry_after_cap: Seconds = 60.0
    max_body_bytes: Positive = 50 * 1024 * 1024
    max_redirects: Count = 5
    max_concurrency: Positive = 8
    allowed_hosts: list[str] = []
    state_dir: str | None = None
    default_host: HostLimitSection = HostLimitSection()
    hosts: dict[str, HostLimitSection] = {}

    def settings(self, base: Path) -> HttpSettings:
        return HttpSettings(
            connect_timeout=float(self.connect_timeout), read_timeout=float(self.read_timeout),
            max_attempts=self.max_attempts, retry_budget=self.retry_budget,
            backoff_initial=float(self.backoff_initial), backoff_max=float(self.backoff_max),
            retry_after_cap=float(self.retry_after_cap), max_body_bytes=self.max_body_bytes,
            max_redirects=self.max_redirects, max_concurrency=self.max_concurrency,
            allowed_hosts=tuple(h.lower() for h in self.allowed_hosts),
            state_dir=(base / self.state_dir) if self.state_dir else None,
            default_host=self.default_host.limit(),
            hosts={h.lower(): limit.limit() for h, limit in self.hosts.items()})


class SourceSection(_Section):
    """A fetch source's section; subclasses add the keys that source understands. Defaults that
    differ per source (base_url, page_size) are None here and come from ALL_SOURCES."""

    NAME: ClassVar[str] = ""
    # Declared so that a key in the file is refused with its own message, never stored.
    api_key: Any = Field(None, exclude=True)
    enabled: bool = True

    @field_validator("api_key")
    @classmethod
    def _never_in_the_file(cls, value: Any) -> Any:
        raise _problem("api_key_in_file", "API keys never go in the config file: put the key in "
                       "an environment variable and name that variable with api_key_env")

    @property
    def spec(self) -> SourceDefaults:
        return ALL_SOURCES[self.NAME]

    def options(self) -> dict[str, Any]:
        """The source's own keys, defaults filled in, as SourceConfig fields."""
        return {k: getattr(self, k) for k in self.spec.extra}


class _HostedSection(SourceSection):
    base_url: Url | None = None  # None: the source's default


class _PagedSection(_HostedSection):
    page_size: Positive | None = None

    @model_validator(mode="after")
    def _page_size_within_the_api_limit(self) -> _PagedSection:
        if self.page_size is not None and self.page_size > self.spec.max_page_size:
            raise _problem("page_size", f"{self.spec.label} allows at most "
                           f"{self.spec.max_page_size}, got {self.page_size}", key="page_size")
        return self


class ArxivSection(_PagedSection):
    NAME: ClassVar[str] = "arxiv"
    max_results: int = 30000
    empty_page_retries: int = 3

    @field_validator("max_results")
    @classmethod
    def _arxiv_cap(cls, value: int) -> int:
        if value > 30000:
            raise _problem("max_results",
                           f"arXiv serves at most 30000 results per query, got {value}")
        return value


class OpenAlexSection(_PagedSection):
    NAME: ClassVar[str] = "openalex"
    api_key_env: str | None = None


class SemanticScholarSection(_PagedSection):
    NAME: ClassVar[str] = "semantic_scholar"
    api_key_env: str | None = None
    fields: str = ALL_SOURCES["semantic_scholar"].extra["fields"]


class CrossrefSection(_PagedSection):
    NAME: ClassVar[str] = "crossref"


class AuthorPagesSection(SourceSection):
    NAME: ClassVar[str] = "author_pages"
    respect_robots: bool = True
    max_pages: int = 20


class DblpSection(_HostedSection):
    NAME: ClassVar[str] = "dblp"
    respect_robots: bool = True


class OrcidSection(_HostedSection):
    NAME: ClassVar[str] = "orcid"


SECTIONS: dict[str, type[SourceSection]] = {s.NAME: s for s in (
    ArxivSection, OpenAlexSection, SemanticScholarSection, CrossrefSection, AuthorPagesSection,
    DblpSection, OrcidSection)}
assert list(SECTIONS) == list(ALL_SOURCES), "every source has a section model, in order"


class SourcesSection(_Section):
    arxiv: ArxivSection | None = None
    openalex: OpenAlexSection | None = None
    semantic_scholar: SemanticScholarSection | None = None
    crossref: CrossrefSection | None = None
    author_pages: AuthorPagesSection | None = None
    dblp: DblpSection | None = None
    orcid: OrcidSection | None = None

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        # `sources: {arxiv: }` turns arXiv on with its defaults
        if data is None:
            return {}
        if isinstance(data, dict):
            return {k: {} if v is None else v for k, v in data.items()}
        return data


assert list(SourcesSection.model_fields) == list(ALL_SOURCES), "a section per source, in order"


class CrossrefQuery(_Section):
    query: str | None = None
    orcid: str | None = None


def _crossref(value: Any) -> Any:
    if isinstance(value, str):
        return {"query": value}
    if not isinstance(value, dict):
        raise _problem("crossref", f"expected str or dict, got {type(value).__name__} {value!r}")
    return value


def _id_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _problem("id", f"expected str or int, got {type(value).__name__} {value!r}")
    return str(value)


class AuthorSection(_Section):
    name: str
    orcid: str | None = None
    author_pages: list[Url] = []
    arxiv: str | None = None
    openalex: str | None = None
    semantic_scholar: Annotated[str, BeforeValidator(_id_text)] | None = None
    crossref: Annotated[CrossrefQuery, BeforeValidator(_crossref)] | None = None
    dblp: str | None = None

    def author(self) -> AuthorConfig:
        cross = self.crossref or CrossrefQuery()
        return AuthorConfig(
            name=self.name, orcid=self.orcid, author_pages=tuple(self.author_pages),
            arxiv=self.arxiv, openalex=self.openalex,
            semantic_scholar=self.semantic_scholar or None, crossref_query=cross.query,
            crossref_orcid=cross.orcid, dblp=self.dblp)

    def sources(self) -> set[str]:
        """The fetch sources this author names (live even without a section of their own)."""
        c = self.crossref
        return {n for n, v in (
            ("arxiv", self.arxiv), ("openalex", self.openalex),
            ("semantic_scholar", self.semantic_scholar),
            ("crossref", c and (c.query or c.orcid)), ("author_pages", self.author_pages),
            ("dblp", self.dblp), ("orcid", self.orcid)) if v}


class ArxivOaiSection(_Section):
    from_: Day = Field(alias="from")
    until: Day | None = None
    set: str | None = None
    enabled: bool = True
    max_pages: Positive | None = None
    base_url: Url = OAI_DEFAULT_URL

    @model_validator(mode="before")
    @classmethod
    def _from_is_required(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("from") is None:
            raise _problem("missing_from", "required key is missing: the first datestamp to harvest "
                           "(YYYY-MM-DD); without it the harvest is the whole arXiv archive",
                           key="from")
        return data

    @model_validator(mode="after")
    def _until_after_from(self) -> ArxivOaiSection:
        if self.until and self.until < self.from_:
            raise _problem("until", f"is before from ({self.until} < {self.from_})", key="until")
        return self

    def harvest(self) -> OaiHarvestConfig:
        return OaiHarvestConfig(base_url=self.base_url, from_=self.from_, until=self.until,
                                set=self.set, enabled=self.enabled, max_pages=self.max_pages)


class ConfigFile(_Section):
    """The whole of papertrail.yaml."""

    mailto: str | None = None
    http: HttpSection = HttpSection()
    authors: list[AuthorSection] = []
    arxiv_oai: ArxivOaiSection | None = None
    sources: SourcesSection = SourcesSection()

    def section(self, name: str) -> SourceSection | None:
        return getattr(self.sources, name, None)


_EXPECTED = {"int_type": "int", "float_type": "int or float", "string_type": "str",
             "bool_type": "bool", "list_type": "list", "dict_type": "dict", "model_type": "dict",
             "model_attributes_type": "dict", "none_required": "nothing"}


def _key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold a mapping of (through Optional, list, dict
    values and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict:
        args = args[1:]
    elif typing.get_origin(annotation) is Annotated:
        args = args[:1]
    return [m for a in args for m in _models_in(a)]


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model that holds the mapping at `loc` (for the list of its known keys)."""
    model: type[BaseModel] | None = ConfigFile
    for i, part in enumerate(loc):
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        if field is None:
            # a dict key (http.hosts.<host>) or a list index: the model is already the value's
            continue
        models = _models_in(field.annotation)
        model = models[0] if models else None
    return model


def _fix(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else repr(v)


def explain(error: dict) -> str:
    """One pydantic error as `key.path: problem`, in the words this file has always used."""
    loc, kind, value, ctx = tuple(error["loc"]), error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        msg = "required key is missing"
    elif kind == "extra_forbidden" and loc[:-1] == ("sources",):
        msg = f"unknown source (known: {', '.join(ALL_SOURCES)})"
    elif kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        known = sorted((f.alias or n) for n, f in (model.model_fields.items() if model else ())
                       if n != "api_key")
        msg = f"unknown key (known keys here: {', '.join(known)})"
    elif kind in _EXPECTED:
        expected = "a mapping" if not loc else _EXPECTED[kind]
        msg = f"expected {expected}, got {type(value).__name__}"
        if isinstance(value, (bool, int, float, str)):
            msg += f" {value!r}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
              "less_than": "<"}[kind]
        bound = next(iter(ctx.values()))
        msg = f"must be {op} {_fix(bound)}, got {value!r}"
    else:
        msg = error["msg"].removeprefix("Value error, ")
        if ctx.get("key"):
            loc = (*loc, ctx["key"])
    return f"{_key_path(loc) or '(top level)'}: {msg}"


def _validate(data: Any, file: Path) -> ConfigFile:
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{file}: {explain(exc.errors(include_url=False)[0])}") from None


def parse_config(data: Any, file: Path, environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    raw = _validate(data, file)
    authors = tuple(a.author() for a in raw.authors)
    # A source an author names is live even without its own section (defaults apply), so that
    # its API key requirement is checked now rather than halfway through a run.
    used = {n for a in raw.authors for n in a.sources()}
    sources = {n: _source(raw.section(n) or SECTIONS[n](), environ, file)
               for n in ALL_SOURCES if raw.section(n) is not None or n in used}
    config = Config(path=file, mailto=raw.mailto, http=raw.http.settings(file.parent),
                    sources=sources, authors=authors,
                    arxiv_oai=raw.arxiv_oai.harvest() if raw.arxiv_oai else None)
    explicit = set(config.http.allowed_hosts)
    for host in config.allowed_hosts() - explicit:
        if host.rsplit(":", 1)[0] in explicit:  # "127.0.0.1" allows every port on it
            continue
        kind = is_private_host(host)
        if kind:  # a typo'd base_url must not quietly point the fetcher at an internal service
            raise ConfigError(f"{file}: {host} is a {kind} address: list it in http.allowed_hosts "
                              "to fetch from it (e.g. a local test server)")
    return config


def _source(section: SourceSection, environ: Mapping[str, str], file: Path) -> SourceConfig:
    name, spec = section.NAME, section.spec
    key_env = getattr(section, "api_key_env", None)
    if spec.api_key_required and section.enabled and not key_env:
        raise ConfigError(f"{file}: sources.{name}.api_key_env: {spec.label} needs an API key: name "
                          "the environment variable that holds it, e.g. api_key_env: "
                          "OPENALEX_API_KEY")
    api_key = environ.get(key_env) or None if key_env else None
    if spec.api_key_required and section.enabled and not api_key:
        raise ConfigError(
            f"{spec.label} needs an API key: set the environment variable {key_env} "
            f"(named by sources.{name}.api_key_env in {file.name})")
    base_url = "" if name == "author_pages" else (getattr(section, "base_url", None) or spec.base_url)
    page_size = (getattr(section, "page_size", None) or spec.page_size) if spec.max_page_size else 0
    return SourceConfig(name=name, label=spec.label, enabled=section.enabled,
                        base_url=base_url or "", page_size=page_size, api_key_env=key_env,
                        api_key=api_key, **section.options())


def load_config(path: str | os.PathLike, environ: Mapping[str, str] | None = None) -> Config:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read config file ({exc.strerror or exc})") from None
    try:
        data = yaml.safe_load(text)
    except ValueError as exc:  # a date the YAML loader cannot build, e.g. 2024-13-01
        raise ConfigError(f"{file}: not valid YAML: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{file}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return parse_config(data, file, environ)
