"""Typed errors. Parsers raise only `ParseError` subclasses; the CLI turns `PapertrailError` into
one clear line and a non-zero exit."""
from __future__ import annotations


class PapertrailError(Exception):
    """An error the user can act on; its message is the whole story in one line."""


class ParseError(PapertrailError):
    """A capture (or one record of it) could not be parsed. `reason` is a short stable code."""

    reason = "parse_error"

    def __init__(self, message: str, *, reason: str | None = None):
        super().__init__(message)
        if reason:
            self.reason = reason

    def describe(self) -> str:
        return f"{self.reason}: {self}"


class EmptyCapture(ParseError):
    reason = "empty_capture"


class BinaryCapture(ParseError):
    reason = "binary_capture"


class UnknownFormat(ParseError):
    reason = "unknown_format"


class TruncatedCapture(ParseError):
    reason = "truncated_capture"


class ApiErrorPayload(ParseError):
    reason = "api_error_payload"


class NotAnAuthorPage(ParseError):
    """A page served instead of the one asked for: a sign-in or consent interstitial, a captcha,
    a search with no results. `reason` names which (sign_in_page, captcha_page, ...)."""

    reason = "not_an_author_page"


class WarehouseError(PapertrailError):
    """The warehouse file is corrupt, locked, or cannot be written."""


class ConfigError(PapertrailError):
    """papertrail.yaml or the environment is wrong (e.g. a missing API key variable)."""
