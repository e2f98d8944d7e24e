"""A labelled evaluation set for paper and author resolution, built from real overlaps.

Inputs are the real samples in ../shared/realdata (arXiv snapshot lines that are also `.abs`
records, `.abs` versions of one id, Atom responses repeating ids, S2/OpenAlex/Crossref records) and
the seed pages. Gold labels never come from the resolver:
- papers: connected components of the identifiers the records carry (arXiv id, DOI, OpenAlex id,
  S2 paperId); for the seed pages, which carry none, hand labels (HAND_LABELS, checked by reading
  the pages). The resolver then sees each record through a deterministic *view* that withholds
  some or all of those identifiers, and sometimes the title, or cuts the abstract short.
- authors: S2 author ids and OpenAlex author ids (withheld from the resolver), the slot of an
  arXiv paper's author list on the snapshot and `.abs` records of one id (lists of equal length
  only), and hand labels for the seed pages' people.
- hard negatives, constructed: the same title years apart, "Part II", a copied abstract under
  another title, a title-less abstract opening like another's, two ids for one title; namesakes
  with other ORCIDs and co-authors, initials without evidence, initials and nicknames with it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from papertrail.pipelines.records import SCHEMAS, Capture, ParsedBatch, table_of
from papertrail.pipelines.resolve.keys import components
from papertrail.pipelines.sources.registry import parse_capture

from .evalneg import author_cases, paper_negatives

CAPTURED_AT = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
SKIP_SUFFIXES = {".md", ".tsv", ".yaml"}
# Hand labels for the seed pages' title-less abstracts (the opening words -> the paper's title).
HAND_LABELS = {
    "Modern artificial intelligence (AI) systems are powered by foundation models": "The Llama 3 Herd of Models",
    "In this work, we develop and release Llama 2": "Llama 2: Open Foundation and Fine-Tuned Chat Models",
    "We present a theory for the previously unexplained divergent behavior":
        "A Theory on Adam Instability in Large-Scale Machine Learning",
}
# Seed abstracts known to be an arXiv paper that the real samples also hold (LLaMA, 2302.13971).
HAND_ARXIV = {"We introduce LLaMA, a collection of foundation language models": "2302.13971"}
# Hand labels for the seed pages' people: spelling -> person (the two "Jack" pages are two people).
SEED_PEOPLE = {"Punit Singh Koura": "koura", "Koura, Punit Singh": "koura", "Mike Lewis": "lewis"}
# Views, by a stable hash of the record: which identifiers and fields the resolver gets to see.
VIEWS = [(40, "ids"), (60, "no_ids"), (70, "arxiv_only"), (80, "doi_only"), (90, "titleless"),
         (100, "titleless_cut")]


def undecidable(papers: pl.DataFrame) -> pl.Series:
    """S2 keeps one paperId per version (working paper and journal article, preprint and
    Bulletin), so S2 records with one title (of 3+ words) and different paperIds are the same
    work or not, and no id says which: such records are left out of the paper scores (counted
    in the report). Short titles ("Introduction", "Index") stay in, as the distinct works they are."""
    title = pl.col("title").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    s2 = papers.with_columns(title.alias("t")).filter((pl.col("source") == "semanticscholar")
                                                      & (pl.col("t").str.count_matches(" ") >= 2))
    groups = s2.group_by("t").agg(pl.col("s2_id").n_unique().alias("n"), pl.col("record_ref")).filter(pl.col("n") > 1)
    return groups["record_ref"].explode()


@dataclass
class EvalSet:
    papers: pl.DataFrame      # the resolver's input (views applied), schema of records.PAPERS
    profiles: pl.DataFrame
    paper_gold: pl.DataFrame  # record_ref, gold, view, scored
    author_gold: pl.DataFrame  # record_ref, position (null for a profile owner), scope, gold


def parse_folder(folders: list[Path]) -> dict[str, pl.DataFrame]:
    batch = ParsedBatch()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in SKIP_SUFFIXES:
                batch.extend(parse_capture(Capture(str(path), path.read_bytes(), CAPTURED_AT)))
    return {name: pl.from_arrow(table) for name, table in batch.to_arrow().items()}


def _bucket(ref: str, salt: str = "") -> int:
    return int(hashlib.sha1((salt + ref).encode()).hexdigest()[:8], 16) % 100


def id_gold(papers: pl.DataFrame) -> pl.Series:
    """Per record, the component of records sharing any identifier (independent of the resolver's
    rules: no titles, no abstracts)."""
    indexed = papers.with_row_index("idx")
    edges = pl.concat([indexed.select("idx", (pl.lit(f"{k}:") + pl.col(k)).alias("key"))
                       for k in ("arxiv_id", "doi", "openalex_id", "s2_id")]).drop_nulls("key")
    return components(edges, papers.height)


def seed_gold(papers: pl.DataFrame) -> pl.Expr:
    opening = pl.lit(None, pl.String)
    for words, title in HAND_LABELS.items():
        opening = pl.when(pl.col("abstract").str.starts_with(words)).then(pl.lit(title)).otherwise(opening)
    return (pl.lit("seed:") + pl.coalesce("title", opening, pl.col("record_ref")))


def apply_views(papers: pl.DataFrame) -> pl.DataFrame:
    """Withholds identifiers/titles per the record's view; records with ids only (no text) keep
    them, a title-less view needs an abstract to stand on."""
    cut = pl.col("abstract").str.slice(0, (pl.col("abstract").str.len_chars() * 0.6).cast(pl.Int64)) + "…"
    views = pl.col("view")
    no_ids = views.is_in(["no_ids", "titleless", "titleless_cut"])
    return papers.with_columns(
        pl.when(no_ids | (views == "doi_only")).then(None).otherwise(pl.col("arxiv_id")).alias("arxiv_id"),
        pl.when(no_ids | (views == "arxiv_only")).then(None).otherwise(pl.col("doi")).alias("doi"),
        pl.when(no_ids | views.is_in(["arxiv_only", "doi_only"])).then(None).otherwise(pl.col("openalex_id")).alias("openalex_id"),
        pl.when(no_ids | views.is_in(["arxiv_only", "doi_only"])).then(None).otherwise(pl.col("s2_id")).alias("s2_id"),
        pl.when(views.is_in(["titleless", "titleless_cut"])).then(None).otherwise(pl.col("title")).alias("title"),
        pl.when(views == "titleless_cut").then(cut).otherwise(pl.col("abstract")).alias("abstract"),
    )


def choose_views(papers: pl.DataFrame) -> pl.Series:
    has_ids = pl.any_horizontal(*(pl.col(k).is_not_null() for k in ("arxiv_id", "doi", "openalex_id", "s2_id")))
    long_abstract = pl.col("abstract").str.len_chars().fill_null(0) >= 200
    buckets = [_bucket(r) for r in papers["record_ref"].to_list()]
    view = pl.lit("ids")
    for bound, name in reversed(VIEWS):
        view = pl.when(pl.Series(buckets) < bound).then(pl.lit(name)).otherwise(view)
    return papers.select(
        pl.when(~has_ids).then(pl.lit("as_is"))
        .when(pl.col("title").is_null()).then(pl.lit("ids"))
        .when(view.is_in(["titleless", "titleless_cut"]) & ~long_abstract).then(pl.lit("no_ids"))
        .otherwise(view).alias("view")).to_series()


def author_gold(papers: pl.DataFrame, profiles: pl.DataFrame) -> pl.DataFrame:
    """Gold people per mention, by scope; pairs are judged only within one scope."""
    slots = (papers.select("record_ref", "source", "arxiv_id", "capture", "authors").explode("authors")
             .drop_nulls("authors").unnest("authors"))
    s2 = slots.filter((pl.col("source") == "semanticscholar") & pl.col("source_author_id").is_not_null())
    oa = slots.filter((pl.col("source") == "openalex") & pl.col("source_author_id").is_not_null())
    arxiv_src = ["arxiv_abs", "arxiv_snapshot", "arxiv_atom", "arxiv_oai"]
    ax = slots.filter(pl.col("source").is_in(arxiv_src) & pl.col("arxiv_id").is_not_null())
    # Only ids whose lists all have one length: a slot then is one person on every source.
    lengths = ax.group_by("arxiv_id", "record_ref").len().group_by("arxiv_id").agg(pl.col("len").n_unique().alias("n"))
    ax = ax.join(lengths.filter(pl.col("n") == 1), on="arxiv_id")
    seeds = slots.filter(pl.col("capture").str.contains("/seeds/") & pl.col("name").is_in(list(SEED_PEOPLE)))
    owners = profiles.filter(pl.col("capture").str.contains("/seeds/"))
    return pl.concat([
        s2.select("record_ref", "position", pl.lit("s2").alias("scope"), ("s2:" + pl.col("source_author_id")).alias("gold")),
        oa.select("record_ref", "position", pl.lit("openalex").alias("scope"), ("oa:" + pl.col("source_author_id")).alias("gold")),
        ax.select("record_ref", "position", ("arxiv:" + pl.col("arxiv_id")).alias("scope"),
                  pl.col("position").cast(pl.String).alias("gold")),
        seeds.select("record_ref", "position", pl.lit("seeds").alias("scope"),
                     pl.col("name").replace_strict(SEED_PEOPLE).alias("gold")),
        owners.select("record_ref", pl.lit(None, pl.Int32).alias("position"), pl.lit("seeds").alias("scope"),
                      pl.col("name").replace_strict(SEED_PEOPLE, default=None)
                      .fill_null("owner:" + pl.col("record_ref")).alias("gold")),
    ])


def withhold_author_ids(papers: pl.DataFrame) -> pl.DataFrame:
    """S2 and OpenAlex author ids are the authors' gold: the resolver never sees them."""
    return papers.with_columns(pl.col("authors").list.eval(
        pl.element().struct.with_fields(pl.lit(None, pl.String).alias("source_author_id"))))


def build(shared: Path) -> EvalSet:
    real = parse_folder([shared / "realdata"])
    seeds = parse_folder([shared / "seeds"])
    hand = pl.lit(None, pl.String)
    for words, arxiv in HAND_ARXIV.items():
        hand = pl.when(pl.col("abstract").str.starts_with(words)).then(pl.lit(arxiv)).otherwise(hand)
    seed_papers = seeds["papers"].with_columns(hand.alias("hand_arxiv"))
    # Gold ids: the records' own, plus the hand-given arXiv id of a seed abstract (gold only).
    both = pl.concat([real["papers"], seed_papers.with_columns(pl.col("hand_arxiv").alias("arxiv_id"))],
                     how="diagonal_relaxed")
    gold = ("id:" + id_gold(both).cast(pl.String)).alias("id_gold")
    both = both.with_columns(gold).with_columns(
        pl.when(pl.col("capture").str.contains("/seeds/") & pl.col("hand_arxiv").is_null())
        .then(seed_gold(both)).otherwise(pl.col("id_gold")).alias("gold"))
    papers = (both.with_columns(pl.when(pl.col("hand_arxiv").is_not_null()).then(None)
                                .otherwise(pl.col("arxiv_id")).alias("arxiv_id"))
              .drop("hand_arxiv", "id_gold"))
    # Records with neither title nor abstract nor id are quarantined before resolution.
    papers = papers.filter(pl.col("title").is_not_null() | pl.col("abstract").is_not_null())
    profiles = pl.concat([real["profiles"], seeds["profiles"]])
    gold_people = author_gold(papers, profiles)
    papers = papers.with_columns(choose_views(papers).alias("view"),
                                 ~pl.col("record_ref").is_in(undecidable(papers).implode()).alias("scored"))
    negatives = paper_negatives(papers)
    cases_papers, cases_gold = author_cases()
    viewed = apply_views(pl.concat([papers, negatives], how="diagonal_relaxed"))
    inputs = withhold_author_ids(viewed)
    frame = pl.concat([inputs.select(list(SCHEMAS["papers"].names)),
                       pl.from_arrow(table_of(cases_papers, SCHEMAS["papers"]))])
    gold = pl.concat([viewed.select("record_ref", "gold", "view", pl.col("scored").fill_null(True)),
                      pl.DataFrame({"record_ref": [r["record_ref"] for r in cases_papers],
                                    "gold": ["case:" + r["record_ref"] for r in cases_papers],
                                    "view": ["author_case"] * len(cases_papers),
                                    "scored": [True] * len(cases_papers)})])
    return EvalSet(papers=frame, profiles=profiles, paper_gold=gold,
                   author_gold=pl.concat([gold_people, cases_gold]))
