"""name_table keys plain spellings with polars expressions: it must agree exactly with the
per-name functions (name_key, display_name, name_parts, is_initials_form) it stands in for."""
from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from papertrail.pipelines.normalize.names import (display_name, is_initials_form, name_key, name_parts,
                                       name_table)


def one_by_one(names: list[str]) -> pl.DataFrame:
    distinct = sorted({n for n in names if n is not None})
    return pl.DataFrame({
        "raw_name": distinct, "name_key": [name_key(n) for n in distinct],
        "display": [display_name(n) for n in distinct],
        "given": [name_parts(n)[0] for n in distinct], "last": [name_parts(n)[1] for n in distinct],
        "weak": [is_initials_form(name_parts(n)[0]) for n in distinct],
    }, schema=name_table(pl.Series([], dtype=pl.String)).schema)


def test_known_spellings_get_the_documented_keys():
    table = name_table(pl.Series(["Koura, Punit Singh", "Punit  Singh Koura ", "A. Turing", "Jack",
                                  "Jan van der Berg", "J.R.R. Tolkien", "J. -", None]))
    got = {r["raw_name"]: (r["name_key"], r["given"], r["last"], r["weak"]) for r in table.iter_rows(named=True)}
    assert got == {
        "Koura, Punit Singh": ("punit singh koura", "punit singh", "koura", False),
        "Punit  Singh Koura ": ("punit singh koura", "punit singh", "koura", False),
        "A. Turing": ("a turing", "a", "turing", True),
        "Jack": ("jack", "", "jack", False),
        "Jan van der Berg": ("jan van der berg", "jan", "van der berg", False),
        "J.R.R. Tolkien": ("j r r tolkien", "j r r", "tolkien", True),
        "J. -": ("j", "", "j", False),
    }
    assert table.filter(pl.col("raw_name") == "Punit  Singh Koura ")["display"].item() == "Punit Singh Koura"


WORDS = st.sampled_from(["A.", "J.-N.", "Yi", "Wang", "van", "de", "Dr.", "Jr.", "III", "and", "O'Brien",
                         "Müller", "Bal\\'azs", "Team", "x_y", "Li-3", "E", "K.", "al", "the", "--", ".",
                         "ALAN", "turing", "ed.", "Ph.D.", "(MIT)", "ß", "Łukasz"])
SPELLINGS = st.lists(WORDS, min_size=0, max_size=5).map(" ".join) | st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=24)


@settings(max_examples=300, deadline=None)
@given(st.lists(SPELLINGS, min_size=1, max_size=12))
def test_vectorised_keys_equal_the_per_name_functions(names):
    assert_frame_equal(name_table(pl.Series(names, dtype=pl.String)), one_by_one(names))
