"""What a fetch source declares about itself, and the base of its `papertrail.yaml` section.

A fetch source (a host papertrail asks for a tracked author's records: arXiv, OpenAlex, ...) is
one folder under `sources/`, in the shape of dlt's verified sources:

- `settings.py`: `FETCH_SOURCE` (a `SourceDefaults`: its config key, label, default base_url,
  page sizes, pace), `Section` (the pydantic model of `sources.<name>` in papertrail.yaml, a
  subclass of one of the sections below; its own keys and their defaults) and, for the record
  formats its parsers write, `PRIORITY` ({record format: rank}, lower wins a conflicting field);
- `paging.py`: its request plans and `plans(value, source, config)`, the plans one tracked
  author's entry (`authors[].<name>: value`) calls for;
- `__init__.py` / `helpers.py`: its parser(s) of the record formats it answers in.

`sources/registry.py` lists the folders, one line each. Nothing here imports the project (only
pydantic), so config.py and every source folder can read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class HostLimit:
    """Pace for one host. burst=1 means no burst: requests are evenly spaced."""

    requests_per_second: float
    max_connections: int = 2
    burst: int = 1


@dataclass(frozen=True)
class SourceDefaults:
    """A fetch source's identity and defaults. `max_page_size` 0: the source does not page by size;
    `cites`: its answers carry citation counts (the weekly citation snapshot fetches it)."""

    name: str  # the key under `sources:` and on a tracked author in papertrail.yaml
    label: str
    base_url: str
    page_size: int
    max_page_size: int
    host_limit: HostLimit
    api_key_required: bool = False
    cites: bool = False


# --- The file's schema: the base models of every section ------------------------------------
# Strict types (YAML `yes` is not 1, "5" is not 5), unknown keys refused, a null value means "use
# the default". config.py turns a validation error into one line: file, key path, problem.


class ConfigSection(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    # A key written with no value: True for mappings of sections (`sources: {arxiv: }` turns
    # arXiv on with its defaults), else the key's default.
    NULL_IS_EMPTY_SECTION: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, dict) and cls.NULL_IS_EMPTY_SECTION:
            return {k: {} if v is None else v for k, v in data.items()}
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


def problem(kind: str, message: str, key: str | None = None) -> PydanticCustomError:
    """A validation error with this file's own wording; `key` names the key a model-level check
    is about (pydantic reports those at the model's path). The message is passed as context:
    pydantic formats `{name}` placeholders in a message template."""
    return PydanticCustomError(kind, "{message}", {"message": message, "key": key})


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise problem("url", f"expected an http(s) URL, got {value!r}")
    return value


Url = Annotated[str, AfterValidator(_check_url)]
Positive = Annotated[int, Field(ge=1)]


class SourceSection(ConfigSection):
    """A fetch source's section (`sources.<name>`); a source's `Section` adds the keys it
    understands. Defaults that differ per source (base_url, page_size) are None here and come
    from its FETCH_SOURCE."""

    SOURCE: ClassVar[SourceDefaults]
    # What a tracked author's `<name>:` entry holds (its annotation in the authors[] model).
    AUTHOR_VALUE: ClassVar[Any] = str
    # Declared so that a key in the file is refused with its own message, never stored.
    api_key: Any = Field(None, exclude=True)
    enabled: bool = True

    @field_validator("api_key")
    @classmethod
    def _never_in_the_file(cls, value: Any) -> Any:
        raise problem("api_key_in_file", "API keys never go in the config file: put the key in "
                      "an environment variable and name that variable with api_key_env")

    @classmethod
    def names(cls, value: Any) -> bool:
        """Whether an author's entry for this source asks for anything (makes the source live)."""
        return bool(value)

    @classmethod
    def urls(cls, value: Any) -> list[str]:
        """URLs an author's entry names itself (their hosts are allowed like base_urls')."""
        return []

    def options(self) -> dict[str, Any]:
        """The source's own keys (those its Section adds), defaults filled in."""
        common = set(PagedSection.model_fields) | {"api_key_env"}
        return {k: getattr(self, k) for k in type(self).model_fields if k not in common}


class HostedSection(SourceSection):
    base_url: Url | None = None  # None: the source's default


class PagedSection(HostedSection):
    page_size: Positive | None = None

    @model_validator(mode="after")
    def _page_size_within_the_api_limit(self) -> PagedSection:
        spec = self.SOURCE
        if self.page_size is not None and self.page_size > spec.max_page_size:
            raise problem("page_size", f"{spec.label} allows at most "
                          f"{spec.max_page_size}, got {self.page_size}", key="page_size")
        return self
