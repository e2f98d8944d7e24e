"""The record-linkage failure classes of issue 12, each as a small hand-made case (no benchmark
text): recurring column titles, conference vs journal versions, typos and labels, short titles
with the same people, two arXiv ids behind one DOI, namesakes, and page identity."""
from __future__ import annotations

from datetime import date

import polars as pl

from papertrail.pipelines.records import SCHEMAS, table_of
from papertrail.pipelines.resolve.authors import resolve_authors
from papertrail.pipelines.resolve.papers import CROSSWALK_SCHEMA, resolve_papers


def rec(ref: str, title: str, names: list[str], year: int = 2001, source: str = "crossref",
        capture: str | None = None, **fields) -> dict:
    return {"record_ref": ref, "source": source, "capture": capture or f"/c/{ref}", "title": title,
            "published_on": date(year, 6, 1), "date_precision": "day", "authors_truncated": False,
            "authors": [{"name": n, "position": i, "affiliations": [], "orcid": None, "source_author_id": None}
                        for i, n in enumerate(names, start=1)], **fields}


def resolve(rows: list[dict]) -> dict[str, pl.DataFrame]:
    return resolve_papers(pl.from_arrow(table_of(rows, SCHEMAS["papers"])), pl.DataFrame(schema=CROSSWALK_SCHEMA))


def clusters(out: dict[str, pl.DataFrame]) -> set[frozenset[str]]:
    return {frozenset(r) for r in out["records"].group_by("paper_id").agg("record_ref")["record_ref"].to_list()}


def test_a_recurring_column_title_never_chains_different_issues_and_editors():
    rows = [rec(f"ed{i}", "Editor's Notes", [editor], year=1996 + i, capture="/c/library-a")
            for i, editor in enumerate(["Jane Doe", "Jane Doe", "Arun Patel", "Arun Patel"])]
    rows += [rec(f"other{i}", "Editor's notes", [editor], year=1996 + i, source="openalex", capture="/c/library-b")
             for i, editor in enumerate(["Jane Doe", "Jane Doe", "Arun Patel", "Arun Patel"])]
    out = resolve(rows)
    # each issue's column is matched across the two libraries, never two issues into one paper
    assert clusters(out) == {frozenset({f"ed{i}", f"other{i}"}) for i in range(4)}


def test_a_conference_paper_and_its_journal_version_are_two_related_papers():
    out = resolve([
        rec("conf", "Online Aggregation for Large Tables", ["Ann Hall", "Bo Chen"], 2001,
            venue="Proceedings of the ACM SIGMOD Conference"),
        rec("jour", "Online aggregation for large tables", ["Ann Hall", "Bo Chen"], 2002, source="openalex",
            venue="ACM Transactions on Database Systems"),
    ])
    assert clusters(out) == {frozenset({"conf"}), frozenset({"jour"})}
    assert out["relations"].select("relation").to_series().to_list() == ["version_of"]


def test_typos_labels_and_prefixes_still_match():
    out = resolve([
        rec("a1", "Efficient and Tunable Similar Set Retrieval", ["Ann Hall", "Bo Chen"]),
        rec("a2", "Efficient and tumble similar set retrieval", ["Bo Chen", "Ann Hall"], source="openalex"),
        rec("b1", "Data Access", ["Carla Ruiz", "Dev Shah"]),
        rec("b2", "Tutorial: Data access (tutorial session)", ["Dev Shah", "Carla Ruiz"], source="openalex"),
        rec("c1", "Where's the Beef? (Panel)", ["Eve Stone"]),
        rec("c2", "Where's the beef?", ["Eve Stone"], source="openalex"),
    ])
    assert clusters(out) == {frozenset({"a1", "a2"}), frozenset({"b1", "b2"}), frozenset({"c1", "c2"})}


def test_identical_short_titles_match_with_the_same_people_and_not_without():
    out = resolve([
        rec("s1", "Online Aggregation", ["Ann Hall", "Bo Chen"]),
        rec("s2", "Online aggregation", ["Bo Chen", "Ann Hall"], source="openalex"),
        rec("s3", "Online aggregation", ["Fay Lin"], source="semanticscholar"),
    ])
    assert clusters(out) == {frozenset({"s1", "s2"}), frozenset({"s3"})}


def test_two_arxiv_ids_sharing_one_doi_stay_two_papers():
    out = resolve([
        rec("x1", "Sparse Mixtures of Experts", ["Ann Hall"], source="arxiv_abs", arxiv_id="2101.00001", doi="10.1/x"),
        rec("x2", "Dense Mixtures of Experts", ["Ann Hall"], source="arxiv_abs", arxiv_id="2101.00002", doi="10.1/x"),
    ])
    assert clusters(out) == {frozenset({"x1"}), frozenset({"x2"})}


def people_of(rows: list[dict], profiles: list[dict] = ()) -> dict[str, str]:
    papers = resolve(rows)
    prof = pl.from_arrow(table_of(list(profiles), SCHEMAS["profiles"]))
    out = resolve_authors(papers["records"], papers["papers"], prof)
    m = out["mentions"]
    return {(r if o else f"{r}:{p}"): a for r, p, o, a in m.select("record_ref", "position", "owner", "author_id").iter_rows()}


def test_namesakes_with_nothing_in_common_stay_apart_and_shared_coauthors_join():
    ids = people_of([
        rec("w1", "Spectral graph kernels", ["Wei Wang", "Lars Berg"], 2003, venue="Machine Learning Journal"),
        rec("w2", "Protein folding lattices", ["Wei Wang", "Lars Berg"], 2005, venue="Bioinformatics"),
        rec("w3", "Galaxy photometry at scale", ["Wei Wang", "Ola Nord"], 2019, venue="Astrophysical Letters"),
        rec("w4", "Lorem photon counting", ["Yi Zhang", "Wang, Wei"], 2020, venue="Astrophysical Letters"),
        rec("w5", "Bayesian market tensors", ["Zed Quill", "Pat Wang", "Wei Wang"], 2010, venue="Econometrica"),
        rec("w6", "Neural stream sketches", ["Kim Wang"], 2012),
    ])
    assert ids["w1:1"] == ids["w2:1"]            # a shared co-author
    assert ids["w3:1"] == ids["w4:2"]            # the same venue, years near
    assert len({ids["w1:1"], ids["w3:1"], ids["w5:3"]}) == 3   # nothing in common


def test_a_page_gives_its_owner_the_papers_it_lists_even_under_a_bare_given_name():
    rows = [rec("h1", "Spectral graph kernels", ["Hana", "Lars Berg"], profile_ref="page1", capture="/pages/hana.html"),
            rec("h2", "Protein folding lattices", ["Hana", "Ola Nord"], profile_ref="page2", capture="/pages/hana-later.html"),
            rec("j1", "Galaxy photometry", ["Hana", "Ida Moe"])]
    owner = {"source": "abstract_list", "name": "Hana", "captured_at": None}
    ids = people_of(rows, [{**owner, "record_ref": "page1", "capture": "https://example.org/hana"},
                           {**owner, "record_ref": "page2", "capture": "https://example.org/hana"}])
    assert ids["page1"] == ids["page2"] == ids["h1:1"] == ids["h2:1"]   # one URL, one owner
    assert ids["j1:1"] != ids["page1"]                                   # a bare name elsewhere joins nobody


def test_templated_titles_with_boilerplate_abstracts_stay_two_papers_without_the_same_people():
    opening = ("We study transformers for low-resource languages and show that a small amount of "
               "parallel data is enough to match much larger models on four benchmarks. ")
    out = resolve([
        rec("t1", "Self-Supervised Transformers for Low-Resource Languages", [], abstract=opening + "Self-supervision."),
        rec("t2", "Hierarchical Transformers for Low-Resource Languages", [], source="openalex",
            abstract=opening + "Hierarchy."),
        rec("t3", "Hierarchical transformers for low-resource languages", [], source="semanticscholar"),
    ])
    assert clusters(out) == {frozenset({"t1"}), frozenset({"t2", "t3"})}


def test_a_page_gives_its_owner_a_listed_paper_whose_byline_comes_from_another_source():
    rows = [rec("k1", "Spectral graph kernels", [], profile_ref="page", capture="/pages/koura.html"),
            rec("k2", "Spectral graph kernels", ["Lars Berg", "Punit Singh Koura"], source="openalex"),
            rec("k3", "Protein folding lattices", ["Punit Singh Koura", "Ola Nord"], year=2015, source="openalex",
                capture="/c/other")]
    ids = people_of(rows, [{"source": "catalyzex", "name": "Koura, Punit Singh", "captured_at": None,
                            "record_ref": "page", "capture": "https://example.org/koura"}])
    assert ids["page"] == ids["k2:2"]
