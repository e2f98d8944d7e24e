"""papertrail.yaml -> typed, validated settings.

The file's schema is a set of pydantic models (`ConfigFile` and its sections, strict types,
unknown keys refused); a validated file becomes the frozen runtime settings below (`Config`,
`SourceConfig`, ...), which the fetcher and the fetch sources' plans read. Every mistake surfaces as one ConfigError line naming the file and the key path, because a run
that starts with a typo'd key silently falls back to defaults and hammers a host or skips an
author. API keys are never read from the file, only from the environment variable it names.
"""
from __future__ import annotations

import ipaddress
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, Field, ValidationError, create_model

from .errors import ConfigError
from .sources.arxiv.settings import HOST_LIMIT as ARXIV_HOST_LIMIT
from .sources.arxiv.settings import OaiHarvestConfig, OaiSection
from .sources.registry import fetch_source_settings
from .sources.spec import ConfigSection, HostLimit, Positive, SourceDefaults, SourceSection

USER_AGENT_BASE = "papertrail/0.1 (+https://github.com/papertrail"


# Every fetch source's defaults (base_url, page sizes, pace) and section model come from its folder
# (sources/<folder>/settings.py), listed in sources/registry.py. Host limits follow each API's
# published policy; they attach to the host of the source's base_url, so a mirror inherits
# arXiv's 1 request per 3 s unless http.hosts says otherwise.
SECTIONS: dict[str, type[SourceSection]] = {name: settings.Section
                                            for name, settings in fetch_source_settings().items()}
SOURCES: dict[str, SourceDefaults] = {name: section.SOURCE for name, section in SECTIONS.items()}


@dataclass(frozen=True)
class SourceConfig:
    """One fetch source as configured: the common keys, and `options`, the keys its own Section
    adds (e.g. arXiv's max_results), defaults filled in."""

    name: str
    label: str
    enabled: bool
    base_url: str
    page_size: int
    api_key_env: str | None = None
    # repr=False: a dataclass repr lands in logs and tracebacks, the key must not.
    api_key: str | None = field(default=None, repr=False)
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class AuthorConfig:
    """A tracked author: a name, and per fetch source the entry that names them there (an arXiv
    search_query, an OpenAlex id, page URLs, ...), in the registry's order of fetch sources; only
    entries that ask for something."""

    name: str
    ids: Mapping[str, Any] = field(default_factory=dict, hash=False)


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
            hosts.update(host_key(u) for name, value in author.ids.items()
                         for u in SECTIONS[name].urls(value))
        if self.arxiv_oai and self.arxiv_oai.enabled:
            hosts.add(host_key(self.arxiv_oai.base_url))
        return frozenset(hosts)

    def host_limits(self) -> dict[str, HostLimit]:
        limits = {host_key(self.arxiv_oai.base_url): ARXIV_HOST_LIMIT} if self.arxiv_oai else {}
        limits.update({host_key(s.base_url): SOURCES[s.name].host_limit
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


Seconds = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]


class HostLimitSection(ConfigSection):
    requests_per_second: float = Field(1.0, gt=0)
    max_connections: Positive = 2
    burst: Positive = 1

    def limit(self) -> HostLimit:
        return HostLimit(float(self.requests_per_second), self.max_connections, self.burst)


class HttpSection(ConfigSection):
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


class _SourcesBase(ConfigSection):
    NULL_IS_EMPTY_SECTION: ClassVar[bool] = True


# `sources:`: one optional section per fetch source, in the registry's order.
SourcesSection = create_model("SourcesSection", __base__=_SourcesBase,
                              **{name: (section | None, None) for name, section in SECTIONS.items()})


class _AuthorBase(ConfigSection):
    name: str

    def author(self) -> AuthorConfig:
        """The tracked author, with the entries that make a fetch source live for them."""
        return AuthorConfig(name=self.name, ids={
            n: getattr(self, n) for n, section in SECTIONS.items()
            if section.names(getattr(self, n))})


# `authors[]`: a name, and per fetch source the entry its Section's AUTHOR_VALUE describes.
AuthorSection = create_model("AuthorSection", __base__=_AuthorBase,
                             **{name: (section.AUTHOR_VALUE | None, None)
                                for name, section in SECTIONS.items()})


class ConfigFile(ConfigSection):
    """The whole of papertrail.yaml."""

    mailto: str | None = None
    http: HttpSection = HttpSection()
    authors: list[AuthorSection] = []
    arxiv_oai: OaiSection | None = None
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
        msg = f"unknown source (known: {', '.join(SOURCES)})"
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
    used = {n for a in authors for n in a.ids}
    sources = {n: _source(raw.section(n) or SECTIONS[n](), environ, file)
               for n in SOURCES if raw.section(n) is not None or n in used}
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
    spec = section.SOURCE
    name = spec.name
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
    base_url = getattr(section, "base_url", None) or spec.base_url
    page_size = (getattr(section, "page_size", None) or spec.page_size) if spec.max_page_size else 0
    return SourceConfig(name=name, label=spec.label, enabled=section.enabled,
                        base_url=base_url, page_size=page_size, api_key_env=key_env,
                        api_key=api_key, options=section.options())


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
