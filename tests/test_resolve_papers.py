"""Paper resolution on hand-built record frames: exact clusters, rules in audit.merges, ids."""
from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from papertrail.pipelines.records import SCHEMAS, table_of
from papertrail.pipelines.resolve.keys import folded
from papertrail.pipelines.resolve.papers import CROSSWALK_SCHEMA, abstract_keys, resolve_papers, with_record_keys
from papertrail.pipelines.resolve.settings import ABSTRACT_BLOCK_WORDS, ABSTRACT_KEY_CHARS, ABSTRACT_MIN_CHARS

ABSTRACT = ("We study the long run behaviour of adaptive optimisers on large language models and show "
            "that a simple warm restart schedule removes the divergence seen late in training, with "
            "experiments on seven model sizes and three data mixtures.")
OTHER = ("We study the long run behaviour of adaptive optimisers on protein folding models and find "
         "that gradient clipping alone explains most of the reported instabilities across benchmarks.")


def rec(ref: str, source: str = "arxiv_abs", year: int | None = 2020, **fields) -> dict:
    row = {"record_ref": ref, "source": source, "capture": f"/captures/{ref}",
           "published_on": date(year, 3, 1) if year else None, "date_precision": "day" if year else None}
    return {**row, **fields}


def resolve(rows: list[dict], crosswalk: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    frame = pl.from_arrow(table_of(rows, SCHEMAS["papers"]))
    return resolve_papers(frame, crosswalk if crosswalk is not None else pl.DataFrame(schema=CROSSWALK_SCHEMA))


def clusters(resolved: dict[str, pl.DataFrame]) -> set[frozenset[str]]:
    groups = resolved["records"].group_by("paper_id").agg(pl.col("record_ref"))
    return {frozenset(refs) for refs in groups["record_ref"].to_list()}


def rules(resolved: dict[str, pl.DataFrame]) -> set[tuple[str, tuple[str, ...]]]:
    merges = resolved["merges"]
    return {(rule, tuple(refs)) for rule, refs in zip(merges["rule"].to_list(), merges["records"].to_list())}


def test_identifiers_merge_across_sources_and_arxiv_dois_name_the_arxiv_id():
    out = resolve([
        rec("a1", "arxiv_atom", title="Sparse Mixtures", arxiv_id="2101.00001", doi="10.1000/journal.1"),
        rec("a2", "crossref", title="Sparse mixtures of experts (journal version)", doi="10.1000/journal.1"),
        rec("a3", "semanticscholar", title="Different Title Entirely Here", s2_id="abc", arxiv_id="2101.00001"),
        rec("a4", "openalex", title="Yet another spelling of it", openalex_id="W1", s2_id="abc"),
        rec("a5", "openalex", title="Sparse Mixtures Revisited Later", doi="10.48550/arxiv.2101.00001"),
        rec("b1", "arxiv_abs", title="Unrelated Work On Graphs", arxiv_id="2101.00002"),
    ])
    assert clusters(out) == {frozenset({"a1", "a2", "a3", "a4", "a5"}), frozenset({"b1"})}
    assert rules(out) >= {("arxiv", ("a1", "a3", "a5")), ("doi", ("a1", "a2")), ("s2", ("a3", "a4"))}
    paper = out["papers"].filter(pl.col("arxiv_id") == "2101.00001")
    assert paper.select("title", "doi", "openalex_id", "s2_id").row(0) == (
        "Sparse Mixtures", "10.1000/journal.1", "W1", "abc")


def test_preprint_and_published_version_are_one_paper_with_both_ids():
    out = resolve([
        rec("pre", "arxiv_atom", year=2019, title="Attention Over Graphs: A Study", arxiv_id="1901.00001"),
        rec("pub", "crossref", year=2020, title="Attention over graphs - a study", doi="10.1000/pub"),
    ])
    assert clusters(out) == {frozenset({"pre", "pub"})}
    assert out["papers"].select("arxiv_id", "doi", "year").row(0) == ("1901.00001", "10.1000/pub", 2019)
    assert ("linkage", ("pre", "pub")) in rules(out)
    merge = out["merges"].filter(pl.col("rule") == "linkage").row(0, named=True)
    assert merge["comparisons"] == "title=exact:+19.7 year=next:+0.8"
    assert merge["weight"] == 20.44


def test_same_title_years_apart_are_different_papers_and_a_yearless_record_joins_neither():
    # y2015-y2016 and y2019 cannot share a paper (years apart), so the yearless record, equally
    # close to both, is an ambiguous choice and stays alone
    out = resolve([
        rec("y2015", year=2015, title="Lectures on Random Matrices"),
        rec("y2016", "crossref", year=2016, title="Lectures on random matrices"),
        rec("y2019", "openalex", year=2019, title="Lectures on Random Matrices"),
        rec("nyear", "scored_profile", year=None, title="Lectures on Random Matrices"),
        # one window only: the yearless record may join it
        rec("s2020", year=2020, title="Graph Neural Networks at Scale"),
        rec("snone", "catalyzex", year=None, title="Graph neural networks at scale"),
        # one source listing a title three times in a row of years: a recurring title (a column,
        # lecture notes), so the title alone is weak evidence and none of them merge
        rec("c2010", year=2010, title="Notes on Operator Algebras"),
        rec("c2011", year=2011, title="Notes on Operator Algebras"),
        rec("c2012", year=2012, title="Notes on Operator Algebras"),
    ])
    assert clusters(out) == {frozenset({"y2015", "y2016"}), frozenset({"y2019"}), frozenset({"nyear"}),
                             frozenset({"s2020", "snone"}), frozenset({"c2010"}), frozenset({"c2011"}),
                             frozenset({"c2012"})}
    keys = set(out["merges"].filter(pl.col("rule") == "linkage")["key"].to_list())
    assert keys == {"title:lectures on random matrices", "title:graph neural networks at scale"}


def test_short_titles_and_two_arxiv_ids_for_one_title_never_merge_on_the_title():
    out = resolve([
        rec("i1", "semanticscholar", title="Introduction"),
        rec("i2", "semanticscholar", title="Introduction"),
        rec("t1", title="A Note on Planar Graphs", arxiv_id="2001.00001"),
        rec("t2", title="A Note on Planar Graphs", arxiv_id="2001.00002"),
        rec("t3", "catalyzex", title="A note on planar graphs"),
    ])
    assert clusters(out) == {frozenset({r}) for r in ("i1", "i2", "t1", "t2", "t3")}


def test_titleless_records_join_by_exact_and_truncated_abstract_but_not_by_a_shared_opening():
    words = OTHER.split()
    out = resolve([
        rec("titled", title="Warm Restarts Remove Divergence", abstract=ABSTRACT),
        rec("exact", "abstract_list", year=None, abstract=ABSTRACT),
        rec("cut", "abstract_list", year=None, abstract=ABSTRACT[:140] + "…"),
        rec("typo", "abstract_list", year=None, abstract=ABSTRACT[:150].replace("warm", "wram") + "..."),
        # opens with the same eight words as ABSTRACT, then goes on about something else
        rec("opening", "abstract_list", year=None, abstract=" ".join(ABSTRACT.split()[:8] + words[8:])),
        # a titled record with the same abstract but another title is another paper
        rec("copied", "crossref", title="An Unrelated Survey of Optimisers", abstract=ABSTRACT),
    ])
    assert clusters(out) == {frozenset({"titled", "exact", "cut", "typo"}), frozenset({"opening"}),
                             frozenset({"copied"})}
    found = rules(out)
    assert ("abstract", ("exact", "titled")) in found
    assert {refs for rule, refs in found if rule == "abstract_fuzzy"} == {("cut", "titled", "typo")}


def authors(*names: str) -> list[dict]:
    return [{"name": n, "position": i, "affiliations": [], "orcid": None, "source_author_id": None}
            for i, n in enumerate(names, start=1)]


def test_a_truncated_author_list_never_replaces_a_complete_one_and_priority_picks_fields():
    out = resolve([
        rec("abs", "arxiv_abs", title="Scaling Laws for Tokenizers", authors=authors("Ann Lee", "Bo Chen"),
            authors_truncated=True, page_count=None, venue=None),
        rec("page", "scored_profile", year=2021, title="Scaling laws for tokenizers!",
            authors=authors("Ann Lee", "Bo Chen", "Cy Dorn"), authors_truncated=False, page_count=12),
    ])
    assert clusters(out) == {frozenset({"abs", "page"})}
    paper = out["papers"].row(0, named=True)
    chosen = out["records"].filter(pl.col("idx") == paper["authors_idx"])["record_ref"].item()
    assert (chosen, paper["authors_truncated"]) == ("page", False)
    # arXiv wins the title and the date; the page's own values stay on its record (sightings)
    assert (paper["title"], paper["year"], paper["page_count"]) == ("Scaling Laws for Tokenizers", 2020, 12)
    seen = dict(out["records"].select("record_ref", "title").iter_rows())
    assert seen == {"abs": "Scaling Laws for Tokenizers", "page": "Scaling laws for tokenizers!"}


def test_paper_ids_survive_a_new_source_that_joins_two_clusters():
    first = resolve([
        rec("pre", "arxiv_atom", year=2019, title="Robust Speech Recognition", arxiv_id="1905.00001"),
        rec("pub", "crossref", year=2022, title="Robust speech recognition in noise", doi="10.1/pub"),
        rec("page", "catalyzex", year=None, title="Robust Speech Recognition"),
    ])
    before = dict(first["records"].select("record_ref", "paper_id").iter_rows())
    assert len(set(before.values())) == 2 and before["pre"] == before["page"]
    second = resolve([
        rec("pre", "arxiv_atom", year=2019, title="Robust Speech Recognition", arxiv_id="1905.00001"),
        rec("pub", "crossref", year=2022, title="Robust speech recognition in noise", doi="10.1/pub"),
        rec("page", "catalyzex", year=None, title="Robust Speech Recognition"),
        rec("s2", "semanticscholar", year=2022, title="x", arxiv_id="1905.00001", doi="10.1/pub"),
    ], first["crosswalk"])
    after = dict(second["records"].select("record_ref", "paper_id").iter_rows())
    assert set(after.values()) == {before["pre"]}
    # and a rerun with the grown crosswalk changes nothing
    third = resolve([
        rec("pre", "arxiv_atom", year=2019, title="Robust Speech Recognition", arxiv_id="1905.00001"),
        rec("pub", "crossref", year=2022, title="Robust speech recognition in noise", doi="10.1/pub"),
        rec("page", "catalyzex", year=None, title="Robust Speech Recognition"),
        rec("s2", "semanticscholar", year=2022, title="x", arxiv_id="1905.00001", doi="10.1/pub"),
    ], second["crosswalk"])
    assert dict(third["records"].select("record_ref", "paper_id").iter_rows()) == after


ABSTRACT_TEXT = st.lists(st.sampled_from(["Warm", "restarts", "ÉCOLE", "naïve", "—", "...", "x²", "ﬁne",
                                          ";;;  ", "İstanbul", "a", "\n", "(1)", "ab" * 40, "!!!!!!!!!!"]),
                         max_size=400).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(ABSTRACT_TEXT, min_size=1, max_size=6))
# Punctuation-heavy or long-worded openings: the folded head falls short and the whole is folded.
@example(["!? " * 250 + "warm restarts remove divergence " * 10, "x" * 700 + " y", "short one"])
def test_abstract_keys_from_the_folded_head_equal_those_of_the_whole_fold(abstracts):
    frame = pl.DataFrame({"abstract": abstracts, "title": [None] * len(abstracts), "source": ["abstract_list"] * len(abstracts),
                          "published_on": [None] * len(abstracts)}, schema_overrides={"published_on": pl.Date, "title": pl.String})
    keyed = pl.concat([with_record_keys(frame), abstract_keys(frame["abstract"], keep_head=True).select("abstract_head")],
                      how="horizontal").with_columns(folded("abstract").alias("whole"))
    expected = pl.when(pl.col("whole").str.len_chars() >= ABSTRACT_MIN_CHARS).then(
        pl.lit("abstract:") + pl.col("whole").str.slice(0, ABSTRACT_KEY_CHARS))
    check = keyed.select(pl.col("abstract_key"), expected.alias("expected"),
                         pl.col("abstract_block").str.split(" ").alias("block"),
                         pl.col("whole").str.split(" ").list.head(ABSTRACT_BLOCK_WORDS).alias("whole_block"),
                         pl.col("whole").str.starts_with(pl.col("abstract_head")).alias("prefix"))
    assert check["abstract_key"].to_list() == check["expected"].to_list()
    long_enough = keyed["whole"].str.len_chars() >= ABSTRACT_MIN_CHARS
    assert check["block"].to_list() == [b if ok else None for b, ok in zip(check["whole_block"].to_list(), long_enough)]
    assert check["prefix"].all()
