"""A fast decoder for the TeX accents arXiv metadata is full of (`Bal\\'azs`, `G\\"{o}del`, `Pla{\\ss}`).

normalize.text.detex (pylatexenc) is right but costs ~10 ms on an abstract: at 2.7M snapshot lines
that is hours. These regexes cover the accents and special letters and nothing else, so math and
other macros are left exactly as written (as detex's verbatim math mode does). Callers fall back to
detex for whatever backslashes remain where it matters (author names).
"""
from __future__ import annotations

import re
import unicodedata

_MARKS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
          ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "d": "\u0323",
          "b": "\u0331", "k": "\u0328", "r": "\u030a", "t": "\u0361"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł",
            "L": "Ł", "oe": "œ", "OE": "Œ", "i": "ı", "j": "ȷ"}

_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
# \'a  \'{a}  \' a  \'{\i} ; letter-named accents need a brace or a space: \c{c}, \v s (never \cite)
_CORE = (rf"\\(?:(?P<sym>[`'^\"~=.])\s*(?:\{{\s*(?P<a>{_BASE})\s*\}}|(?P<b>{_BASE}))"
         rf"|(?P<let>[uvHcdbkrt])(?:\s*\{{\s*(?P<c>{_BASE})\s*\}}|\s+(?P<d>{_BASE})))")
_BRACED = re.compile(r"\{" + _CORE + r"\}")  # {\'a}: the braces go with the accent
_BARE = re.compile(_CORE)
_SPECIAL = re.compile(r"\{\\(ss|ae|AE|aa|AA|oe|OE|o|O|l|L)\}|\\(ss|ae|AE|aa|AA|oe|OE|o|O|l|L)(?![A-Za-z])(?:\{\})?")


def _accent(m: re.Match) -> str:
    base = m.group("a") or m.group("b") or m.group("c") or m.group("d")
    mark = _MARKS[m.group("sym") or m.group("let")]
    if base.startswith("\\"):
        base = base[1]  # \'{\i} is an accented i; the dotless form only exists to carry the accent
    return base + mark


def _special(m: re.Match) -> str:
    return _LETTERS[m.group(1) or m.group(2)]


def accents(text: str) -> str:
    """Decode TeX accents and special letters; everything else is returned unchanged."""
    if "\\" not in text:
        return text
    out = _BARE.sub(_accent, _BRACED.sub(_accent, text))
    out = _SPECIAL.sub(_special, out)
    return unicodedata.normalize("NFC", out) if out != text else text
