"""What every record format's parser shares: decoding a capture's bytes into text, reporting an
unexpected shape, and the parser protocol.

A parser module exposes:
    NAME: str                                  # the record format, written to `source` columns
    def sniff(head: str) -> bool               # cheap test on the first ~8 KB of decoded text
    def parse(capture: Capture) -> ParsedBatch # raise only pipelines.errors.ParseError subclasses
"""
from __future__ import annotations

import codecs
import functools
from collections.abc import Callable

from ..errors import BinaryCapture, EmptyCapture, ParseError
from ..records import Capture, ParsedBatch

HEAD_CHARS = 8192
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


# The capture decoded last, and its text: detecting a format and then parsing decode the same
# capture twice. One slot, for captures up to this size, so nothing large is kept alive.
_LAST: tuple[Capture | None, str] = (None, "")
_REMEMBER_BYTES = 4 << 20


def decode(capture: Capture) -> str:
    """Bytes -> text. UTF-8 (with or without BOM), UTF-16 by BOM, else Latin-1 as a last resort.

    Raises EmptyCapture for empty/whitespace-only content and BinaryCapture for content with NUL
    bytes or a high share of control characters (an image, a PDF, a gzip saved by mistake)."""
    global _LAST
    last, text = _LAST
    if last is capture:
        return text
    text = _decode(capture)
    if len(capture.content) <= _REMEMBER_BYTES:
        _LAST = (capture, text)
    return text


def _decode(capture: Capture) -> str:
    data = capture.content
    if not data.strip():
        raise EmptyCapture(f"{capture.capture}: file is empty ({len(data)} bytes)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    sample = data[:4096]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # C speed, not a genexpr
    if b"\x00" in sample or controls > len(sample) // 20:
        raise BinaryCapture(
            f"{capture.capture}: binary content ({controls} control bytes in the first "
            f"{len(sample)}), not a page or API response")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# What a parser walking an unexpected shape raises (a string where a dict was, a missing key, ...).
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, ValueError, IndexError)


def shape_checked(name: str) -> Callable[[Callable[[Capture], ParsedBatch]], Callable[[Capture], ParsedBatch]]:
    """A parser of the record format `name` that reports any unexpected shape of the content as a
    ParseError (reason malformed_content) naming the format, never as another exception."""
    def wrap(parse: Callable[[Capture], ParsedBatch]) -> Callable[[Capture], ParsedBatch]:
        @functools.wraps(parse)
        def checked(capture: Capture) -> ParsedBatch:
            try:
                return parse(capture)
            except ParseError:
                raise
            except SHAPE_ERRORS as err:
                raise ParseError(f"{name}: unexpected structure ({type(err).__name__}: {err})",
                                 reason="malformed_content") from None
        return checked
    return wrap
