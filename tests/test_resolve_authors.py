"""Author resolution on hand-built record frames: exact people, the rule of every merge, ids."""
from __future__ import annotations

import zlib
from datetime import date

import polars as pl

from papertrail.pipelines.records import SCHEMAS, table_of
from papertrail.pipelines.resolve.authors import resolve_authors
from papertrail.pipelines.resolve.papers import CROSSWALK_SCHEMA, resolve_papers


_WORDS = ("graph", "spectral", "kernel", "protein", "lattice", "quantum", "sparse", "robust", "causal", "topic",
          "stream", "neural", "bayesian", "convex", "galaxy", "photon", "tensor", "market", "genome", "fluid")


def distinct_title(ref: str) -> str:
    """A title of its own per record, so papers never merge on look-alike placeholder titles."""
    n = zlib.crc32(ref.encode())
    return " ".join(_WORDS[(n >> (5 * i)) % len(_WORDS)] for i in range(4)).capitalize() + f" ({ref})"


def paper(ref: str, names: list[str], source: str = "crossref", title: str | None = None,
          orcids: dict[int, str] | None = None, ids: dict[int, str] | None = None) -> dict:
    orcids, ids = orcids or {}, ids or {}
    return {"record_ref": ref, "source": source, "capture": f"/c/{ref}", "title": title or distinct_title(ref),
            "published_on": date(2021, 1, 1), "authors_truncated": False,
            "authors": [{"name": n, "position": i, "affiliations": [], "orcid": orcids.get(i),
                         "source_author_id": ids.get(i)} for i, n in enumerate(names, start=1)]}


def profile(ref: str, name: str, **ids) -> dict:
    return {"record_ref": ref, "source": "openalex", "capture": f"/c/{ref}", "name": name, **ids}


def resolve(rows: list[dict], profiles: list[dict] = (), crosswalk: pl.DataFrame | None = None):
    frame = pl.from_arrow(table_of(rows, SCHEMAS["papers"]))
    crosswalk = crosswalk if crosswalk is not None else pl.DataFrame(schema=CROSSWALK_SCHEMA)
    papers = resolve_papers(frame, crosswalk)
    people = pl.from_arrow(table_of(list(profiles), SCHEMAS["profiles"]))
    return resolve_authors(papers["records"], papers["papers"], people, crosswalk)


def people(out) -> set[frozenset[str]]:
    """Each author as the set of 'record:position' mentions (profile owners as 'record')."""
    m = out["mentions"].with_columns(
        pl.when(pl.col("owner")).then(pl.col("record_ref"))
        .otherwise(pl.col("record_ref") + ":" + pl.col("position").cast(pl.String)).alias("at"))
    return {frozenset(x) for x in m.group_by("author_id").agg("at")["at"].to_list()}


def same(out, *mentions: str) -> bool:
    return any(set(mentions) <= p for p in people(out))


def merge_rules(out) -> set[str]:
    return set(out["merges"]["rule"].to_list())


def test_last_first_diacritics_and_tex_spellings_are_one_author():
    out = resolve([
        paper("p1", ["Koura, Punit Singh", "Bal\\'azs, Csaba"]),
        paper("p2", ["Púnit Singh KOURA", "Csaba Balázs"]),
        paper("p3", ["Punit Singh Koura"]),
    ], [profile("prof", "Koura, Punit Singh")])
    assert people(out) == {frozenset({"p1:1", "p2:1", "p3:1", "prof"}), frozenset({"p1:2", "p2:2"})}
    authors = {r["display_name"]: r["name_variants"] for r in out["authors"].iter_rows(named=True)}
    assert authors == {"Punit Singh Koura": ["Koura, Punit Singh", "Punit Singh Koura", "Púnit Singh KOURA"],
                       "Csaba Balázs": ["Bal\\'azs, Csaba", "Csaba Balázs"]}
    assert merge_rules(out) == {"name_key"}


def test_same_orcid_joins_spellings_and_different_orcids_keep_namesakes_apart():
    out = resolve([
        paper("a", ["Maria Keller"], orcids={1: "0000-0001-0000-0001"}),
        paper("b", ["Maria Keller"], orcids={1: "0000-0001-0000-0002"}),
        paper("c", ["Maria Keller"]),  # which one? the name cannot say: not merged into either
        paper("d", ["M. Keller-Roth"], orcids={1: "0000-0001-0000-0001"}),
    ])
    assert people(out) == {frozenset({"a:1", "d:1"}), frozenset({"b:1"}), frozenset({"c:1"})}
    orcid_rows = out["merges"].filter(pl.col("rule") == "orcid")
    assert orcid_rows.select("key", "records").rows() == [("orcid:0000-0001-0000-0001", ["M. Keller-Roth", "Maria Keller"])]


def test_source_author_ids_join_spellings_but_two_orcids_are_never_one_author():
    out = resolve([
        paper("s1", ["Yoshua Bengio", "Aaron Courville"], "semanticscholar", ids={1: "1751762", 2: "1760871"}),
        paper("s2", ["Y. Bengio"], "semanticscholar", ids={1: "1751762"}),
        paper("o1", ["Jane Roe"], "openalex", orcids={1: "0000-0002-0000-0001"}, ids={1: "A1"}),
        paper("o2", ["Jane Roe-Smith"], "openalex", orcids={1: "0000-0002-0000-0002"}, ids={1: "A1"}),
    ], [profile("prof", "Y Bengio", s2_id="1751762")])
    assert same(out, "s1:1", "s2:1", "prof")
    assert not same(out, "o1:1", "o2:1")
    # the shared OpenAlex id would have joined the two ORCIDs: it is refused, so no such merge
    # the initials spelling is joined by the S2 id alone: an initials name is not a key of its own
    assert sorted(out["merges"].select("rule", "key").rows()) == [("s2_author", "s2_author:1751762")]


def test_initials_merge_only_with_a_shared_coauthor_or_the_same_slot_of_one_paper():
    out = resolve([
        paper("full", ["Alan Turing", "Claude Shannon"]),
        paper("co", ["Claude Shannon", "A. Turing"]),
        paper("alone", ["A. Turing", "Kurt Godel"]),
        # one paper on two sources: the slot is the evidence
        paper("x1", ["Grace Hopper", "Howard Aiken"], "arxiv_abs", title="Mark I Notes on Computing Machines"),
        paper("x2", ["G. M. Hopper", "H. H. Aiken"], "crossref", title="Mark I notes on computing machines"),
    ])
    assert same(out, "full:1", "co:2")
    assert not same(out, "full:1", "alone:1")
    assert same(out, "x1:1", "x2:1") and same(out, "x1:2", "x2:2")
    evidence = out["merges"].filter(pl.col("rule").str.contains(r"\+"))
    assert sorted(evidence.select("rule", "records").rows()) == [
        ("initials+coauthor", ["A. Turing", "Alan Turing"]),
        ("initials+shared_paper", ["G. M. Hopper", "Grace Hopper"]),
        ("initials+shared_paper", ["H. H. Aiken", "Howard Aiken"]),
    ]


def test_an_initial_pointing_at_two_people_joins_neither():
    out = resolve([
        paper("yi", ["Yi Wang", "Li Zhang"]),
        paper("yu", ["Yu Wang", "Li Zhang"]),
        paper("y", ["Y. Wang", "Li Zhang"]),
    ])
    assert people(out) == {frozenset({"yi:1"}), frozenset({"yu:1"}), frozenset({"y:1"}),
                           frozenset({"yi:2", "yu:2", "y:2"})}


def test_nicknames_merge_only_with_evidence():
    out = resolve([
        paper("w", ["William Smith", "Ada Brandt"]),
        paper("b", ["Bill Smith", "Ada Brandt"]),
        paper("other", ["Bill Smith-Jones"]),
        paper("bob", ["Bob Smith", "Otto Lind"]),
    ])
    assert same(out, "w:1", "b:1")
    assert not same(out, "w:1", "bob:1") and not same(out, "w:1", "other:1")
    assert "nickname+coauthor" in merge_rules(out)


def test_bare_single_names_are_never_merged():
    out = resolve([
        paper("j1", ["Jack", "Ada Brandt"], "arxiv_abs", title="One Paper Seen On Two Sources"),
        paper("j2", ["Jack", "Ada Brandt"], "crossref", title="One paper seen on two sources"),
        paper("j3", ["Jack"]),
    ], [profile("pj", "Jack")])
    assert people(out) == {frozenset({"j1:1"}), frozenset({"j2:1"}), frozenset({"j3:1"}), frozenset({"pj"}),
                           frozenset({"j1:2", "j2:2"})}


def test_author_ids_survive_a_new_source_adding_an_orcid():
    rows = [paper("p1", ["Alan Turing", "Claude Shannon"]), paper("p2", ["Alan Turing"])]
    first = resolve(rows)
    ids = dict(first["mentions"].select("record_ref", "author_id").filter(pl.col("record_ref") == "p1").head(1).iter_rows())
    crosswalk = pl.concat([pl.DataFrame(schema=CROSSWALK_SCHEMA), first["crosswalk"]])
    second = resolve(rows + [paper("p3", ["Alan M. Turing"], orcids={1: "0000-0003-0000-0001"}),
                             paper("p4", ["Alan Turing"], orcids={1: "0000-0003-0000-0001"})], crosswalk=crosswalk)
    turing = second["mentions"].filter(pl.col("record_ref").is_in(["p1", "p2", "p4"]) & (pl.col("position") == 1))
    assert set(turing["author_id"].to_list()) == {ids["p1"]}
