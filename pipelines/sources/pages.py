"""What the author-page layouts share: telling HTML from a text rendering, and a rejected
block's raw payload."""
from __future__ import annotations

import re

from ..normalize.text import clean as tidy  # noqa: F401 — the layouts' name for clean()

# Saved pages may open with comments ("<!-- saved from url=... -->") before the doctype.
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)", re.IGNORECASE | re.DOTALL)


def is_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:1024]))


def payload(block: dict) -> str:
    """A rejected block's raw text. The HTML form hands over the element itself, serialised only
    here, because serialising every paper of every page costs more than parsing them."""
    raw = block["raw"]
    return raw if isinstance(raw, str) else raw.html
