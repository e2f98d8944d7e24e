"""Text clean-up: mojibake, TeX accents, whitespace."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy
from pylatexenc.latex2text import LatexNodes2Text

_SPACES = re.compile(r"\s+")
_TEX_HINT = re.compile(r"\\[A-Za-z'`^\"~=.]|[{}]|\$")
_MOJIBAKE_HINT = re.compile("[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u201a-\u203a\u0152-\u0178\u02c6\u02dc]")


def squash(text: str | None) -> str | None:
    """Collapse runs of whitespace (hard-wrapped titles) to one space; empty becomes None.

    str.split() splits on exactly what a regex's \\s matches, at C speed; text that is already
    tidy (most of it) is recognised without splitting and returned as it is."""
    if text is None:
        return None
    if text.isascii() and _is_tidy(text):
        return text or None
    return " ".join(text.split()) or None


def _is_tidy(text: str) -> bool:
    """For ASCII text only: nothing for split/join to collapse. In ASCII, all str.split() splits
    on bar " " are control characters, which isprintable() rejects by a per-character table
    lookup; past a short name, nine substring scans (memchr speed) are cheaper."""
    if "  " in text or text[:1] == " " or text[-1:] == " ":
        return False
    if len(text) < 160:
        return text.isprintable()
    return not ("\n" in text or "\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text
                or "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text)


def repair(text: str | None) -> str | None:
    """Undo mojibake (UTF-8 read as Latin-1, e.g. 'WÃ¼bben' -> 'Wübben') with ftfy, then NFC."""
    if not text:
        return text
    if text.isascii():  # ASCII text can hold no mojibake
        return text
    if _MOJIBAKE_HINT.search(text):
        text = ftfy.fix_text(text, normalization="NFC")
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1)
def _latex() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def detex(text: str | None) -> str | None:
    """Decode TeX accents and braces (`Bal\\'azs` -> `Balázs`); leaves math verbatim."""
    if not text or not _TEX_HINT.search(text):
        return text
    try:
        return _latex().latex_to_text(text)
    except Exception:  # pylatexenc raises assorted errors on malformed TeX; keep the raw text
        return text


def clean(text: str | None) -> str | None:
    """The standard clean-up for any free text field from any source."""
    if text and text.isascii() and _is_tidy(text):  # no mojibake, nothing to squash: as it is
        return text
    return squash(repair(text))


# What fold turns into a space (names.name_table's expressions fold ASCII names with it too).
NON_WORD = r"[^\w]+"


def fold(text: str | None) -> str:
    """Lower-case ASCII-ish key: diacritics stripped, punctuation to spaces, spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    lowered = stripped.casefold()
    return _SPACES.sub(" ", re.sub(NON_WORD, " ", lowered)).strip()
