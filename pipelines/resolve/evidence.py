"""Evidence that two differently written names are one person, for the weak name rules.

"A. Turing" and "Alan Turing", "Bill Smith" and "William Smith" are merged only when the data
says so: the two spellings sit at the same (or an adjacent) position of one paper's author list
on different sources, or they share a co-author. Candidates come from vectorised joins; the
name comparison runs once per distinct pair of spellings.
"""
from __future__ import annotations

from functools import lru_cache

import polars as pl
from nicknames import NickNamer

from .settings import COAUTHOR_LIST_MAX, POSITION_SLACK

PAIR_SCHEMA = {"mid_a": pl.UInt32, "mid_b": pl.UInt32, "rule": pl.String, "evidence": pl.String}


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=200_000)
def _same_first_name(a: str, b: str) -> bool:
    nn = _nicknamer()
    return b in nn.nicknames_of(a) or a in nn.nicknames_of(b) or bool(nn.canonicals_of(a) & nn.canonicals_of(b))


def _tokens_compatible(a: list[str], b: list[str]) -> bool:
    """Given-name tokens agree where both have one: equal, or an initial of the other."""
    return all(x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
               for x, y in zip(a, b))


@lru_cache(maxsize=200_000)
def name_link(given_a: str, given_b: str) -> str | None:
    """How two given-name strings of one family name can be one person: 'initials' ('a m' ~
    'alan mathison', 'alan' ~ 'alan m'), 'nickname' ('bill' ~ 'william'), or None ('alan' vs
    'anne', 'y' vs nothing)."""
    a, b = given_a.split(), given_b.split()
    if not a or not b:
        return None
    if _tokens_compatible(a, b):
        return "initials"
    if len(a[0]) > 1 and len(b[0]) > 1 and _same_first_name(a[0], b[0]) and _tokens_compatible(a[1:], b[1:]):
        return "nickname"
    return None


def _with_cluster(mentions: pl.DataFrame, cluster: pl.Series) -> pl.DataFrame:
    m = (mentions.select("mid", "paper_id", "record_ref", "position", "last", "given", "name_key", "linkable", "strong")
         .filter(pl.col("paper_id").is_not_null()))
    return m.with_columns(cluster.gather(m["mid"]).alias("cls"))


def _shared_family_name() -> pl.Expr:
    """Evidence joins two clusters of one family name: a family name that only one cluster uses
    (most of them) can be set aside before any join."""
    return pl.col("cls").filter(pl.col("linkable")).n_unique().over("last") > 1


def shared_paper_pairs(mentions: pl.DataFrame, cluster: pl.Series) -> pl.DataFrame:
    """Mentions of one paper on different records' lists, same family name, positions within
    POSITION_SLACK: the same author slot written two ways."""
    m = _with_cluster(mentions, cluster).filter(pl.col("linkable") & _shared_family_name())
    cols = ["mid", "paper_id", "record_ref", "position", "last", "given", "name_key", "cls"]
    pairs = (m.select(cols).join(m.select(cols), on=["paper_id", "last"], suffix="_b")
             .filter((pl.col("mid") < pl.col("mid_b")) & (pl.col("record_ref") != pl.col("record_ref_b"))
                     & (pl.col("cls") != pl.col("cls_b"))
                     & ((pl.col("position") - pl.col("position_b")).abs() <= POSITION_SLACK)))
    return pairs.select(pl.col("mid").alias("mid_a"), "mid_b", "given", "given_b", "name_key", "name_key_b",
                        (pl.lit("paper:") + pl.col("paper_id")).alias("evidence"),
                        pl.lit("shared_paper").alias("basis"))


def coauthor_pairs(mentions: pl.DataFrame, cluster: pl.Series) -> pl.DataFrame:
    """Mentions of one family name on different papers that share a co-author (a co-author being
    a strongly resolved cluster: a full name or an id, never an initials-only or bare name).
    Lists longer than COAUTHOR_LIST_MAX (big collaborations) are no evidence of anything."""
    m = (_with_cluster(mentions, cluster).with_columns(pl.len().over("record_ref").alias("list_len"))
         .filter(pl.col("list_len") <= COAUTHOR_LIST_MAX))
    co = m.filter(pl.col("strong")).select("record_ref", pl.col("mid").alias("co_mid"),
                                           pl.col("cls").alias("co_cls"), pl.col("name_key").alias("co_name"))
    seekers = (m.filter(pl.col("linkable") & _shared_family_name())
               .select("mid", "record_ref", "paper_id", "last", "given", "name_key", "cls"))
    # One row per (person so far, co-author): a prolific pair would otherwise pair every one of
    # their papers with every other.
    with_co = (seekers.join(co, on="record_ref").filter(pl.col("mid") != pl.col("co_mid"))
               .sort("mid").unique(["cls", "co_cls"], keep="first"))
    # Most (family name, co-author) pairs occur once: nothing to pair, so set aside first.
    keyed = (with_co.filter(pl.len().over("last", "co_cls") > 1)
             .select("mid", "paper_id", "last", "given", "name_key", "cls", "co_cls", "co_name"))
    pairs = (pl.concat([_other_spelling_pairs(keyed), _same_spelling_links(keyed)])
             .sort("mid", "mid_b", "co_name").unique(["mid", "mid_b"], keep="first"))
    return pairs.select(pl.col("mid").alias("mid_a"), "mid_b", "given", "given_b", "name_key", "name_key_b",
                        (pl.lit("coauthor:") + pl.col("co_name")).alias("evidence"),
                        pl.lit("coauthor").alias("basis"))


_SIDE = ["mid", "paper_id", "name_key", "cls", "co_name"]
_PAIR_COLS = ["mid", "mid_b", "given", "given_b", "name_key", "name_key_b", "co_name"]


def _other_spelling_pairs(keyed: pl.DataFrame) -> pl.DataFrame:
    """Every pair of mentions written with different given names, one family name, on different
    papers, sharing a co-author. Spellings are joined first (a few per family name and co-author),
    then expanded to their mentions, so the pairs of mentions written alike are never formed."""
    spellings = keyed.group_by("last", "co_cls", "given").agg(_SIDE)
    b_side = spellings.rename({c: f"{c}_b" for c in [*_SIDE, "given"]})
    return (spellings.join(b_side, on=["last", "co_cls"]).filter(pl.col("given") != pl.col("given_b"))
            .explode(_SIDE).explode([f"{c}_b" for c in _SIDE])
            .filter((pl.col("mid") < pl.col("mid_b")) & (pl.col("paper_id") != pl.col("paper_id_b"))
                    & (pl.col("cls") != pl.col("cls_b")))
            .select(_PAIR_COLS))


def _same_spelling_links(keyed: pl.DataFrame) -> pl.DataFrame:
    """Mentions written alike that share a co-author: all of them pairwise would be quadratic in
    a prolific author's papers (the 10^6 benchmark ran out of memory there), and they only need to
    end up connected. Each links to the group's first mention, and the mentions on that one's own
    paper to the first mention on another paper: connected exactly when all pairs on different
    papers are. (Pairs written alike never decide the ambiguity rules, which count full names.)"""
    group = ["last", "co_cls", "given"]
    ordered = keyed.sort("mid")
    hub = ordered.group_by(group).agg(pl.col("mid").first().alias("hub"), pl.col("paper_id").first().alias("hub_paper"))
    with_hub = ordered.join(hub, on=group)
    second = (with_hub.filter(pl.col("paper_id") != pl.col("hub_paper"))
              .group_by(group).agg(pl.col("mid").first().alias("hub2")))
    linked = (with_hub.join(second, on=group)
              .with_columns(pl.when(pl.col("paper_id") != pl.col("hub_paper")).then("hub")
                            .otherwise("hub2").alias("other"))
              .join(keyed.select(pl.col("mid").alias("other"), pl.col("cls").alias("other_cls")), on="other")
              .filter((pl.col("other") != pl.col("mid")) & (pl.col("other_cls") != pl.col("cls"))))
    return linked.select(pl.min_horizontal("mid", "other").alias("mid"), pl.max_horizontal("mid", "other").alias("mid_b"),
                         "given", pl.col("given").alias("given_b"), "name_key", pl.col("name_key").alias("name_key_b"),
                         "co_name")


def evidence_pairs(mentions: pl.DataFrame, cluster: pl.Series) -> pl.DataFrame:
    """(mid_a, mid_b, rule, evidence) for every evidenced pair whose names can be one person.

    mentions: mid, paper_id, record_ref, position, name_key, given, last, strong, weak, linkable.
    An initials-only mention that would join two full names with different first names ("Y.
    Wang" next to both "Yi Wang" and "Yu Wang") is ambiguous and joins nobody."""
    pairs = pl.concat([shared_paper_pairs(mentions, cluster), coauthor_pairs(mentions, cluster)])
    if pairs.is_empty():
        return pl.DataFrame(schema=PAIR_SCHEMA)
    distinct = pairs.select("given", "given_b").unique()
    links = distinct.with_columns(pl.Series(
        "link", [name_link(a, b) for a, b in zip(distinct["given"].to_list(), distinct["given_b"].to_list())],
        dtype=pl.String))
    linked = (pairs.join(links, on=["given", "given_b"]).drop_nulls("link")
              .with_columns(pl.when(pl.col("given") == pl.col("given_b")).then(pl.lit("name_key"))
                            .otherwise(pl.col("link")).alias("link"))
              .with_columns((pl.col("link") + "+" + pl.col("basis")).alias("rule")))
    weak = mentions.select("mid", "weak")
    sides = pl.concat([
        linked.select(pl.col("mid_a").alias("mid"), pl.col("given_b").alias("other_given"),
                      pl.col("mid_b").alias("other")),
        linked.select(pl.col("mid_b").alias("mid"), pl.col("given").alias("other_given"),
                      pl.col("mid_a").alias("other")),
    ]).join(weak.rename({"mid": "other", "weak": "other_weak"}), on="other")
    first_names = pl.col("other_given").str.split(" ").list.first()
    ambiguous = (sides.join(weak, on="mid").filter(pl.col("weak") & ~pl.col("other_weak")).group_by("mid")
                 .agg(first_names.n_unique().alias("n")).filter(pl.col("n") > 1).select("mid"))
    linked = (linked.join(ambiguous.rename({"mid": "mid_a"}), on="mid_a", how="anti")
              .join(ambiguous.rename({"mid": "mid_b"}), on="mid_b", how="anti"))
    return (linked.sort("mid_a", "mid_b", "rule").unique(["mid_a", "mid_b"], keep="first")
            .select(pl.col("mid_a").cast(pl.UInt32), pl.col("mid_b").cast(pl.UInt32), "rule", "evidence"))
