"""What goes into the fetcher (Request) and what comes out (FetchResult, fetch-log rows).

HTTP problems are data, not exceptions: one bad host or page must not abort a run that has
hundreds of other pages to land, and the landing zone quarantines failed fetches by their error.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Headers worth keeping: validators for the next run, pacing hints, and the type the parser needs.
_KEEP = ("content-type", "etag", "last-modified", "retry-after")
_KEEP_PREFIXES = ("x-rate-limit-", "x-ratelimit-", "ratelimit-")

EXPECT_TYPES = {
    "json": ("application/json", "+json"),
    "xml": ("application/atom+xml", "application/xml", "text/xml", "+xml"),
    "html": ("text/html", "application/xhtml+xml", "text/plain"),
}


@dataclass(frozen=True)
class Request:
    """One HTTP request a plan wants made.

    `expect` ("json" | "xml" | "html" | None) guards against a host answering an API call with an
    HTML error or login page. `robots` makes the fetcher consult robots.txt (author-page hosts).
    `conditional` sends stored validators; a 304 then yields unchanged=True and no content."""

    url: str
    method: str = "GET"
    params: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    json: Any = None
    expect: str | None = None
    robots: bool = False
    conditional: bool = False
    tag: str | None = None  # free-form label for the caller (e.g. the source name)


@dataclass
class FetchResult:
    url: str  # redacted: API keys in query strings are replaced by ***
    final_url: str
    status: int | None
    headers: dict[str, str]
    content: bytes | None
    fetched_at: datetime
    sha256: str | None
    bytes: int
    attempts: int
    error: str | None = None
    unchanged: bool = False
    request: Request | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def log_row(self) -> dict[str, Any]:
        return fetch_log_row(self)


def fetch_log_row(result: FetchResult) -> dict[str, Any]:
    """One fetch-log row; the landing zone stores it next to the bytes (keyed by sha256)."""
    return {
        "url": result.url,
        "final_url": result.final_url,
        "status": result.status,
        "headers": json.dumps(result.headers, sort_keys=True),
        "fetched_at": result.fetched_at,
        "sha256": result.sha256,
        "bytes": result.bytes,
        "error": result.error,
        "attempts": result.attempts,
        "unchanged": result.unchanged,
        "tag": result.request.tag if result.request else None,
    }


def relevant_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()
            if k.lower() in _KEEP or k.lower().startswith(_KEEP_PREFIXES)}


def content_type_matches(expect: str | None, content_type: str | None) -> bool:
    if not expect or not content_type:  # no header: let the parser's sniffing decide
        return True
    mime = content_type.split(";", 1)[0].strip().lower()
    return any(mime.endswith(t) if t.startswith("+") else mime == t for t in EXPECT_TYPES[expect])


# (?<![a-z]): OAI-PMH's resumptionToken is paging state, not a secret; it must stay readable.
_KEY_PARAM = re.compile(r"(?i)(?<![a-z])((?:api[_-]?key|apikey|access_token|token)=)[^&\s#\"']+")


class Redactor:
    """Replaces every known secret (and any api_key=... query value) with ***.

    Applied to URLs, error strings and log messages, so a key can only leak if it is both unknown
    to the fetcher and sent in a parameter with an unusual name."""

    def __init__(self, secrets: Iterable[str] = ()):
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _KEY_PARAM.sub(r"\1***", text)

    def bytes(self, data: bytes) -> bytes:
        """A body with the same redaction (an error page that echoes the request URL), unchanged
        when there is nothing to redact."""
        text = data.decode("utf-8", errors="replace")
        redacted = self(text)
        return data if redacted == text else redacted.encode("utf-8")


# Loggers whose records may carry a URL with its key: the HTTP stack's and ours.
_LOGGERS = ("httpx", "httpcore", "tenacity", "pipelines", "pipelines.http", "pipelines.http.paging",
            "pipelines.http.oai", "pipelines.http.validators", "pipelines.stages.fetch",
            "pipelines.sources.arxiv.harvest")


def redacted_loggers() -> list[str]:
    """The loggers a fetcher filters: the known ones and any other of the pipelines package (a
    logger filter sees only the records logged on that very logger, not its children's; ours are
    named pipelines.*, a getLogger(__name__) would be papertrail.pipelines.*)."""
    ours = [name for name in logging.root.manager.loggerDict
            if name in {"pipelines", "papertrail"} or name.startswith(("pipelines.", "papertrail."))]
    return list(dict.fromkeys([*_LOGGERS, *ours]))


class RedactingFilter(logging.Filter):
    """Installed on the HTTP stack's loggers (httpx/httpcore log full request URLs, with api_key=)
    and ours. Redacts the message, and the traceback of `log.exception(...)` (an exception's text
    often holds the URL): it is formatted here, redacted, and kept as the record's exc_text."""

    def __init__(self, redactor: Redactor):
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix; drop its args safely
            message = str(record.msg)
        record.msg, record.args = self.redactor(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters print exc_text when set; without exc_info they never format the raw one.
            record.exc_text = self.redactor(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True
