"""What a title and a venue say about identity, as polars expressions.

A title as the record linkage compares it: folded (case, accents, punctuation), possessives kept
as one word ("Editor's" -> "editors", never the two words "editor s"), and presentation labels
that sources add or drop removed: "(Panel)", "[abstract]", "Tutorial:", "Keynote -". Labels that
name a different work (erratum, reply, comment, retraction) are kept.
A venue's kind: a journal and a conference with the same title are two versions of a work, while
a preprint server or a repository is never a venue of its own version.
"""
from __future__ import annotations

import polars as pl

from .keys import folded

# Short labels that say how a work was presented, not which work it is.
PRESENTATION_LABELS = (
    "abstract", "extended abstract", "short paper", "full paper", "long paper", "poster", "demo",
    "demonstration", "demo paper", "panel", "panel session", "tutorial", "keynote", "keynote address",
    "keynote talk", "invited talk", "invited paper", "invited", "position paper", "vision paper",
    "industrial paper", "industry paper", "student abstract", "doctoral consortium", "best paper",
    "preprint", "working paper", "technical report", "extended version", "full version", "summary",
    "tutorial session", "panel session", "demo session", "panel abstract", "demo abstract", "talk",
)
_LABELS = "|".join(sorted(PRESENTATION_LABELS, key=len, reverse=True))
# "(Panel)" or "[Extended Abstract]" anywhere; "Tutorial: ..." / "Keynote - ..." at the start;
# "... - Abstract" / "...: poster" at the end.
_BRACKETED = rf"(?i)[\(\[]\s*(?:{_LABELS})\s*[\)\]]"
_PREFIX = rf"(?i)^\s*(?:{_LABELS})\s*[:\-\u2013\u2014]\s+"
_SUFFIX = rf"(?i)\s*[:\-\u2013\u2014]\s*(?:{_LABELS})\s*$"

JOURNAL_WORDS = (r"(?i)\b(journal|transactions|trans\.|letters|lett\.|review|magazine|bulletin|annals|"
                 r"record|quarterly|j\.)|\bj\s")
CONFERENCE_WORDS = (r"(?i)\b(conference|conf\.|proceedings|proc\.|workshop|symposium|symp\.|congress|"
                    r"meeting|colloquium|summit|acl|emnlp|naacl|neurips|nips|icml|iclr|cvpr|iccv|eccv|"
                    r"aaai|ijcai|kdd|sigir|sigmod conference|www|icde|vldb|coling|interspeech|icassp)\b")
PREPRINT_WORDS = r"(?i)\b(arxiv|biorxiv|medrxiv|ssrn|preprint|repository|corr|hal|zenodo|research square)\b"


def clean_title(col: str | pl.Expr = "title") -> pl.Expr:
    """The folded title without presentation labels (None when nothing is left)."""
    expr = pl.col(col) if isinstance(col, str) else col
    stripped = (expr.str.replace_all(_BRACKETED, " ")
                .str.replace(_PREFIX, "")
                .str.replace(_SUFFIX, "")
                .str.replace_all(r"(?i)(\w)['\u2019]s\b", "${1}s"))
    key = folded(stripped)
    return pl.when(key.str.len_chars() > 0).then(key)


def venue_kind(col: str | pl.Expr = "venue", source: str | pl.Expr = "source") -> pl.Expr:
    """'preprint', 'journal', 'conference' or None (unknown) for a record's venue text. arXiv's own
    records are preprints whatever their journal-ref says: the published version is its own record."""
    venue = pl.col(col) if isinstance(col, str) else col
    src = pl.col(source) if isinstance(source, str) else source
    return (pl.when(src.str.starts_with("arxiv")).then(pl.lit("preprint"))
            .when(venue.is_null()).then(pl.lit(None, pl.String))
            .when(venue.str.contains(PREPRINT_WORDS)).then(pl.lit("preprint"))
            .when(venue.str.contains(JOURNAL_WORDS)).then(pl.lit("journal"))
            .when(venue.str.contains(CONFERENCE_WORDS)).then(pl.lit("conference")))


def family_names(authors: str | pl.Expr = "authors") -> pl.Expr:
    """The folded family names of an author list ("Koura, Punit Singh" and "Punit Singh Koura"
    both give "koura"); a cheap key for comparing two lists, not a name parse."""
    names = pl.col(authors) if isinstance(authors, str) else authors
    name = pl.element().struct.field("name").str.replace(r"(?i),?\s*(jr|sr|ii|iii|iv)\.?\s*$", "")
    surname_part = pl.when(name.str.contains(",")).then(name.str.split(",").list.first()).otherwise(name)
    family = surname_part.str.strip_chars().str.split(" ").list.last()
    return names.list.eval(folded(family)).list.eval(pl.element().filter(pl.element().str.len_chars() > 0)).list.unique()
