"""Constructed cases for the evaluation set: paper hard negatives cloned from real records, and
small author scenarios whose truth is known by construction (see evalset.py)."""
from __future__ import annotations

import hashlib

import polars as pl

FAMILY = ["Abbott", "Brandt", "Castillo", "Dubois", "Eriksen", "Fontaine", "Gallo", "Horvat",
          "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov"]
CO_GIVEN = ["Ada", "Bruno", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas"]
CO_SUFFIX = ["berg", "stein", "wood", "field", "ford", "ton"]
NICKNAMES = [("William", "Bill"), ("Robert", "Bob"), ("Margaret", "Peggy"), ("Elizabeth", "Liz"),
             ("Richard", "Dick"), ("James", "Jim"), ("Katherine", "Kate"), ("Alexander", "Alex")]
FULL = ["Alan", "Beatrice", "Carlos", "Dorothea", "Emil", "Frida", "Gustav", "Helena"]


def _bucket(ref: str, salt: str) -> int:
    return int(hashlib.sha1((salt + ref).encode()).hexdigest()[:8], 16) % 100


def paper_negatives(papers: pl.DataFrame) -> pl.DataFrame:
    """Clones of real records that must NOT join their original: the same title three years later,
    "Part II", the same abstract under another title, a title-less abstract that opens like this
    one and goes on like another, and the same title and year under another arXiv id."""
    base = (papers.filter(pl.col("title").is_not_null() & (pl.col("view") != "as_is"))
            .with_columns(pl.Series("b", [_bucket(r, "neg") for r in
                                          papers.filter(pl.col("title").is_not_null() & (pl.col("view") != "as_is"))["record_ref"].to_list()])))
    clone = {"authors": pl.lit([], dtype=papers.schema["authors"]), "view": pl.lit("no_ids")}

    def make(frame: pl.DataFrame, tag: str, **cols) -> pl.DataFrame:
        return frame.with_columns(**{**clone, **cols}, record_ref=pl.col("record_ref") + f"#{tag}",
                                  gold=pl.lit(f"neg:{tag}:") + pl.col("gold"))

    dated = base.filter(pl.col("published_on").is_not_null())
    # A different work has its own abstract; the clone has none, so abstracts cannot tell.
    year = make(dated.filter(pl.col("b") < 8), "year", published_on=pl.col("published_on").dt.offset_by("3y"),
                abstract=pl.lit(None, pl.String))
    part = make(base.filter(pl.col("b").is_between(8, 10)), "part", title=pl.col("title") + " Part II",
                abstract=pl.lit(None, pl.String))
    with_abstract = base.filter(pl.col("abstract").str.len_chars().fill_null(0) >= 200)
    # The same abstract under another title: only for papers no title-less view stands for, since
    # a title-less record with an abstract two titled papers share is undecidable by anyone.
    titleless = papers.filter(pl.col("view").is_in(["titleless", "titleless_cut"]))["gold"].implode()
    copied = make(with_abstract.filter(pl.col("b").is_between(11, 13) & ~pl.col("gold").is_in(titleless)),
                  "abs", title="On " + pl.col("title"))
    # The donor of the rest of a mixed abstract is another paper's (the next gold in order).
    donors = with_abstract.sort("gold").select("gold", pl.col("abstract").alias("donor"), pl.col("gold").alias("dg"))
    donors = donors.with_columns(pl.col("donor").shift(-1), pl.col("dg").shift(-1)).filter(pl.col("dg") != pl.col("gold"))
    mixed_src = (with_abstract.join(donors.select("gold", "donor").unique("gold", keep="first"), on="gold")
                 .filter(pl.col("b").is_between(14, 16)).drop_nulls("donor"))
    opening = pl.col("abstract").str.split(" ").list.head(8).list.join(" ")
    rest = pl.col("donor").str.split(" ").list.slice(8).list.join(" ")
    mixed = make(mixed_src, "mix", abstract=opening + " " + rest, view=pl.lit("titleless")).drop("donor")
    # Only where the original shows its arXiv id: a record with no id cannot tell twins apart.
    twins = make(base.filter(pl.col("b").is_between(17, 18) & pl.col("arxiv_id").is_not_null()
                             & pl.col("published_on").is_not_null() & pl.col("view").is_in(["ids", "arxiv_only"])),
                 "twin", arxiv_id=pl.lit("9999.") + pl.col("gold").hash().cast(pl.String).str.slice(0, 5),
                 doi=pl.lit(None, pl.String), openalex_id=pl.lit(None, pl.String), s2_id=pl.lit(None, pl.String),
                 abstract=pl.lit(None, pl.String), view=pl.lit("ids"))
    return pl.concat([year, part, copied, mixed, twins], how="diagonal_relaxed").drop("b")


def _paper(ref: str, title: str, names: list[str], orcids: dict[int, str] | None = None) -> dict:
    orcids = orcids or {}
    return {"record_ref": ref, "source": "crossref", "capture": "case", "title": title,
            "authors": [{"name": n, "position": i, "affiliations": [], "orcid": orcids.get(i),
                         "source_author_id": None} for i, n in enumerate(names, start=1)],
            "authors_truncated": False}


def author_cases() -> tuple[list[dict], pl.DataFrame]:
    """Per family name, papers whose people are known: namesakes told apart by ORCID, one person
    under two spellings of one ORCID, initials and nicknames with a shared co-author (same person)
    and initials with no evidence (someone else), "Last, First", and a bare name on two papers."""
    records, gold = [], []

    def add(ref: str, title: str, people: list[tuple[str, str]], orcids: dict[int, str] | None = None) -> None:
        records.append(_paper(ref, title, [n for n, _ in people], orcids))
        gold.extend({"record_ref": ref, "position": i, "scope": "cases", "gold": g}
                    for i, (_, g) in enumerate(people, start=1))

    for i, family in enumerate(FAMILY):
        co = [(f"{CO_GIVEN[(i + k) % len(CO_GIVEN)]} {family}{CO_SUFFIX[k]}", f"co{i}.{k}") for k in range(len(CO_SUFFIX))]
        full, (formal, nick) = FULL[i % len(FULL)], NICKNAMES[i % len(NICKNAMES)]
        t = f"Case {i}:"
        add(f"c{i}-ns1", f"{t} namesake one", [(f"Maria {family}", f"maria{i}a"), co[0]], {1: f"0000-0001-{i:04d}-0001"})
        add(f"c{i}-ns2", f"{t} namesake two", [(f"Maria {family}", f"maria{i}b"), co[1]], {1: f"0000-0001-{i:04d}-0002"})
        add(f"c{i}-or1", f"{t} orcid one", [(f"José {family}-Núñez", f"jose{i}"), co[2]], {1: f"0000-0002-{i:04d}-0001"})
        add(f"c{i}-or2", f"{t} orcid two", [(f"Jose {family} Nunez", f"jose{i}"), co[3]], {1: f"0000-0002-{i:04d}-0001"})
        add(f"c{i}-in1", f"{t} initials full", [(f"{full} {family}", f"full{i}"), co[4]])
        add(f"c{i}-in2", f"{t} initials evidenced", [co[4], (f"{full[0]}. {family}", f"full{i}")])
        add(f"c{i}-in3", f"{t} initials alone", [(f"{full[0]}. {family}", f"other{i}"), co[5]])
        add(f"c{i}-nk1", f"{t} nickname formal", [(f"{formal} {family}", f"nick{i}"), co[0], co[2]])
        add(f"c{i}-nk2", f"{t} nickname informal", [(f"{nick} {family}", f"nick{i}"), co[0]])
        add(f"c{i}-lf", f"{t} last first", [(f"{family}, {formal}", f"nick{i}"), co[2]])
        add(f"c{i}-b1", f"{t} bare one", [("Jack", f"jack{i}a"), co[1]])
        add(f"c{i}-b2", f"{t} bare two", [("Jack", f"jack{i}b"), co[1]])
    return records, pl.DataFrame(gold, schema={"record_ref": pl.String, "position": pl.Int32,
                                               "scope": pl.String, "gold": pl.String})
