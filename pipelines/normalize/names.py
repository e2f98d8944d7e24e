"""Person names: one comparable key however a source writes the name."""
from __future__ import annotations

from functools import lru_cache

import polars as pl
from nameparser import HumanName
from nameparser.config import CONSTANTS

from .text import NON_WORD, clean, detex, fold

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


@lru_cache(maxsize=1)
def _special_words() -> frozenset[str]:
    """Words that make nameparser's full parse necessary: titles, suffixes, particles, conjunctions."""
    sets = (CONSTANTS.titles, CONSTANTS.suffix_acronyms, CONSTANTS.suffix_not_acronyms,
            CONSTANTS.prefixes, CONSTANTS.conjunctions)
    return frozenset(word for group in sets for word in group)


@lru_cache(maxsize=200_000)
def _parts(raw: str | None) -> tuple[str, str, str, bool]:
    """(given names, family name, display form, is a group), as written. Names of plain words
    ('Punit Singh Koura') are split directly; any title, suffix, particle or conjunction goes
    through nameparser, whose full parse costs ~0.3 ms a name (too slow for every spelling of a
    million-record corpus, and needless for the plain ones)."""
    name = display_name(raw)
    if not name:
        return "", "", "", False
    if _is_group(name):
        return "", name, name, True
    tokens = name.split()
    special = _special_words()
    plain = not any(c in name for c in '()"\'')
    # An initial ('E.', 'V.') is never the conjunction or numeral suffix its letter also spells.
    if plain and len(tokens) > 1 and not any(t.strip(".").lower() in special and not _is_initial(t)
                                             for t in tokens):
        return " ".join(tokens[:-1]), tokens[-1], name, False
    parsed = HumanName(name)
    given = " ".join(p for p in (parsed.first, parsed.middle) if p)
    if not parsed.last:
        return "", given or name, name, False
    return given, parsed.last, name, False


def _is_initial(token: str) -> bool:
    return token.endswith(".") and len(token.rstrip(".")) == 1


def name_key(raw: str | None) -> str:
    """'Koura, Punit Singh', 'Punit Singh Koura', 'PUNIT SINGH KOURA', 'Púnit  Singh Koura'
    all give 'punit singh koura'. Suffixes (Jr., III) and titles (Dr.) are dropped."""
    given, last, name, group = _parts(raw)
    if group:
        return fold(name)
    return fold(" ".join(p for p in (given, last) if p) or name)


def name_parts(raw: str | None) -> tuple[str, str]:
    """(given names, family name), each folded: 'van der Berg, Jan' -> ('jan', 'van der berg'),
    'J.R.R. Tolkien' -> ('j r r', 'tolkien'). Particles stay with the family name; a group or a
    single-token name has no given part."""
    given, last, name, group = _parts(raw)
    if group or not fold(given) or not fold(last):
        return "", name_key(raw)
    return fold(given), fold(last)


def is_bare_name(raw: str | None) -> bool:
    """A single token ('Jack') identifies nobody: such names are never merged with anyone."""
    return len(name_key(raw).split()) < 2



def is_initials_form(given: str) -> bool:
    """'a', 'a m', 'j r r': the first given name is only an initial, so the spelling names a
    family of people ('A. Turing' could be Alan or Anne) and is merged only with evidence."""
    return len(given.split(" ", 1)[0]) == 1 if given else False


# Printable ASCII without TeX, quotes, parentheses or commas: _parts splits such a name at its
# last space (unless a word is special), display_name only collapses its spaces, and fold only
# lower-cases it and turns non-word runs into spaces. Those rules, written as polars expressions,
# key the bulk of a large corpus's spellings without a Python call each.
_PLAIN_NAME = r"^[\x20-\x7e]+$"
_NOT_PLAIN = r"[\\{}$()\"',]"
_GROUP_PATTERN = "(?i)" + "|".join(_GROUP_WORDS)
NAME_TABLE_SCHEMA = {"raw_name": pl.String, "name_key": pl.String, "display": pl.String,
                     "given": pl.String, "last": pl.String, "weak": pl.Boolean}


def _ascii_fold(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(NON_WORD, " ").str.strip_chars(" ")


def _plain_names(raw: pl.Series) -> pl.DataFrame:
    special = sorted(_special_words())
    token = pl.element()
    is_initial = token.str.ends_with(".") & (token.str.strip_chars_end(".").str.len_chars() == 1)
    tokens = pl.col("display").str.split(" ")
    frame = (pl.DataFrame({"raw_name": raw})
             .with_columns(pl.col("raw_name").str.replace_all(" +", " ").str.strip_chars(" ").alias("display"))
             .with_columns(tokens.alias("tokens"))
             .filter(pl.col("tokens").list.len() > 1)
             .filter(~pl.col("tokens").list.eval(
                 token.str.strip_chars(".").str.to_lowercase().is_in(special) & ~is_initial).list.any()))
    given = _ascii_fold(pl.col("tokens").list.slice(0, pl.col("tokens").list.len() - 1).list.join(" "))
    last = _ascii_fold(pl.col("tokens").list.last())
    return (frame.with_columns(_ascii_fold(pl.col("display")).alias("name_key"), given.alias("g"), last.alias("l"))
            .with_columns(split=(pl.col("g") != "") & (pl.col("l") != ""))
            .select("raw_name", "name_key", "display",
                    pl.when("split").then("g").otherwise(pl.lit("")).alias("given"),
                    pl.when("split").then("l").otherwise("name_key").alias("last"))
            .with_columns(weak=pl.col("given").str.split(" ").list.first().str.len_chars() == 1))


def _parsed_names(names: list[str]) -> pl.DataFrame:
    parts = [name_parts(n) for n in names]
    return pl.DataFrame({
        "raw_name": names, "name_key": [name_key(n) for n in names],
        "display": [display_name(n) for n in names],
        "given": [g for g, _ in parts], "last": [last for _, last in parts],
        "weak": [is_initials_form(g) for g, _ in parts],
    }, schema=NAME_TABLE_SCHEMA)


def name_table(raw: pl.Series) -> pl.DataFrame:
    """Distinct spelling -> name_key, display form, folded given and family names, and whether
    the given name is only an initial: name_key/display_name/name_parts/is_initials_form for
    every spelling, with plain ones computed as expressions and only the rest in Python."""
    names = raw.drop_nulls().unique()
    candidate = names.str.contains(_PLAIN_NAME) & ~names.str.contains(_NOT_PLAIN) \
        & ~names.str.contains(_GROUP_PATTERN)
    plain = _plain_names(names.filter(candidate))
    rest = names.filter(~names.is_in(plain["raw_name"].implode())).to_list()
    return pl.concat([plain.cast(NAME_TABLE_SCHEMA), _parsed_names(rest)]).sort("raw_name")
