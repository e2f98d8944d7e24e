"""Identifiers: arXiv ids without version, DOIs normalised."""
from __future__ import annotations

import re

_ARXIV_NEW = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(v\d+)?(?![\w])")
_ARXIV_OLD = re.compile(r"(?<![\w.-])([a-z][a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?")
_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)


def arxiv_id(text: str | None) -> str | None:
    """'http://arxiv.org/abs/2307.09288v2' / 'arXiv:hep-th/9108001v1' -> '2307.09288' / 'hep-th/9108001'."""
    if not text:
        return None
    m = _ARXIV_NEW.search(text) or _ARXIV_OLD.search(text)
    return m.group(1) if m else None


def doi(text: str | None) -> str | None:
    """'https://doi.org/10.1000/ABC' / 'doi:10.1000/abc.' -> '10.1000/abc'."""
    if not text:
        return None
    m = _DOI.search(text.strip())
    if not m:
        return None
    return m.group(0).rstrip(".,;)").lower()
