"""Person names: one comparable key however a source writes the name."""
from __future__ import annotations

from functools import lru_cache

from nameparser import HumanName
from nameparser.config import CONSTANTS

from .text import clean, detex, fold

CONSTANTS.string_format = "{first} {middle} {last}"
# Affixes that nameparser would otherwise read as titles or drop; a name keeps its particles.
_GROUP_WORDS = ("collaboration", "consortium", "team", "group", "project", "initiative")


def display_name(raw: str | None) -> str | None:
    """The name as a person would write it: TeX decoded, mojibake repaired, 'Last, First' turned."""
    if not raw:
        return None
    text = clean(detex(raw))
    if not text:
        return None
    if text.count(",") == 1 and not _is_group(text):
        last, first = (part.strip() for part in text.split(","))
        if first and last and not first.lower().rstrip(".") in {"jr", "sr", "ii", "iii", "iv"}:
            text = f"{first} {last}"
    return text


def _is_group(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _GROUP_WORDS)


@lru_cache(maxsize=200_000)
def name_key(raw: str | None) -> str:
    """'Koura, Punit Singh', 'Punit Singh Koura', 'PUNIT SINGH KOURA', 'Púnit  Singh Koura'
    all give 'punit singh koura'. Suffixes (Jr., III) and titles (Dr.) are dropped."""
    name = display_name(raw)
    if not name:
        return ""
    if _is_group(name):
        return fold(name)
    parsed = HumanName(name)
    parts = " ".join(p for p in (parsed.first, parsed.middle, parsed.last) if p)
    return fold(parts or name)


def is_bare_name(raw: str | None) -> bool:
    """A single token ('Jack') identifies nobody: such names are never merged with anyone."""
    return len(name_key(raw).split()) < 2
