"""Which mentions of one full name are one person: trained pair scores, average linkage, then
whole profiles compared.

"Wei Wang" on two papers is one person only if the papers say so. A *signature* is a name on one
paper (every source's mention of that slot); signatures of one full name are compared on what
their papers share: co-authors and title, venue and affiliation words (each counted by how rare
it is, idf), topic and years, plus how common the name itself is. The comparisons' weights are
Fellegi–Sunter log2 likelihood ratios trained on the input (linkage.train): u from random pairs
of signatures of different names, m by EM over the candidate pairs. Within a name, clusters come
from average-linkage agglomeration of those weights (scipy), so one shared co-author cannot chain
two otherwise unrelated groups the way connected components would; the groups are then compared
whole (profiles.py), which joins the pieces of one career that share little pair by pair.
Names written by more than PEOPLE_BLOCK_MAX signatures compare only signatures that share a
co-author, venue or affiliation word (sorted neighbourhood beyond that) and join by components of
strong links, so the cost stays linear in the mentions.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from .agglomerate import average_linkage_blocks
from .keys import folded
from .profiles import merged_people
from .linkage import Comparison, Model, block_pairs, random_pairs, train
from .settings import COAUTHOR_LIST_MAX, PEOPLE_BLOCK_MAX, PEOPLE_MERGE_WEIGHT, PEOPLE_STRONG_LINK

# How much agreeing on the name itself may say either way (log2), beside the trained comparisons.
IDF_PSEUDO_DOCUMENTS = 1000
BLOCK_KEYS_PER_LIST = 3
SCORE_SLICE_PAIRS = 500_000
# At most this many named mentions are resolved at once (see name_edges); the hash seed is fixed
# so the parts, and the model trained on the first, are the same in every run.
PEOPLE_PART_MENTIONS, PART_SEED = 400_000, 20261202
# Names are scored and clustered a group of at most this many pairs at a time; a name above
# PEOPLE_BLOCK_MAX signatures counts this many pairs per signature (its sorted neighbourhoods).
PAIRS_PER_GROUP, BIG_NAME_PAIRS_PER_SIGNATURE = 2_000_000, 15
NAME_WEIGHT_CAP = 3.0
RARE_FAMILY_NAMES, RARE_FAMILY_WEIGHT = 2, 1.5  # at most this many distinct full names with the family name
_VENUE_NOISE = {"the", "of", "on", "in", "and", "for", "international", "proceedings", "proc", "conference",
                "conf", "journal", "annual", "workshop", "symposium", "th", "st", "nd", "rd", "ieee", "acm", "j"}
_STOP = {"a", "an", "the", "of", "for", "and", "in", "on", "to", "with", "by", "from", "at", "via", "its", "is",
         "are", "as", "using", "based", "towards", "toward", "new", "approach", "method", "methods", "study",
         "analysis", "system", "systems", "model", "models", "data", "paper", "into", "under", "over",
         # affiliation words every institution has
         "university", "univ", "department", "dept", "school", "institute", "inst", "college", "laboratory",
         "science", "sciences", "engineering", "faculty", "center", "centre", "research", "national"}


def named_mentions(m: pl.DataFrame) -> pl.DataFrame:
    """The mentions whose full name is compared (written out or as initials, placed on a paper)."""
    return (m.filter((pl.col("strong") | pl.col("weak")) & pl.col("paper_id").is_not_null() & ~pl.col("owner"))
            .select("mid", "name_key", "paper_id", "affiliations", "orcid", "weak"))


def shared_context(m: pl.DataFrame, context: pl.DataFrame, named: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """What every part of the names reads: each paper's byline (co-author keys), its words, venue,
    topic and year, and each name's weight."""
    coauthor_key = pl.col("last") + " " + pl.col("given").str.slice(0, 1)
    # Bylines longer than COAUTHOR_LIST_MAX (collaborations) give no co-author evidence: every
    # member would be every other's co-author, quadratic in the byline and telling nothing.
    chosen = m.select("paper_id", "name_key", "chosen", "bare", coauthor_key.alias("co")).filter(pl.col("chosen") & ~pl.col("bare"))
    short = chosen.group_by("paper_id").len().filter(pl.col("len") <= COAUTHOR_LIST_MAX).select("paper_id")
    byline = chosen.join(short, on="paper_id").select("paper_id", "name_key", "co").drop_nulls()
    words = folded("title").str.split(" ").list.eval(
        pl.element().filter((pl.element().str.len_chars() > 2) & ~pl.element().is_in(sorted(_STOP)))).list.unique()
    venue_words = folded("venue").str.split(" ").list.eval(
        pl.element().filter((pl.element().str.len_chars() > 1) & ~pl.element().str.contains(r"^\d+$")
                            & ~pl.element().is_in(sorted(_VENUE_NOISE)))).list.unique()
    ctx = context.select("paper_id", words.alias("twords"), venue_words.alias("venue"),
                         pl.col("primary_topic").alias("topic"), "year")
    return {"byline": byline, "ctx": ctx, "names": _name_weights(m, named),
            "papers": named.select("paper_id").unique().join(ctx, on="paper_id", how="left")}


def signatures(named: pl.DataFrame, shared: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per (full name, paper): its mentions and what the paper and the byline say."""
    sigs = (named.group_by("name_key", "paper_id")
            .agg(pl.col("mid"), pl.col("affiliations").list.explode(keep_nulls=False, empty_as_null=False).drop_nulls().alias("affs"),
                 pl.col("orcid").drop_nulls().first().alias("orcid")))
    co = (sigs.select("name_key", "paper_id").join(shared["byline"], on="paper_id")
          .filter(pl.col("name_key") != pl.col("name_key_right"))
          .group_by("name_key", "paper_id").agg(pl.col("co").unique().alias("coauthors")))
    aff_words = pl.col("affs").list.eval(folded(pl.element())).list.join(" ").str.split(" ").list.eval(
        pl.element().filter((pl.element().str.len_chars() > 3) & ~pl.element().is_in(sorted(_STOP)))).list.unique()
    orcids = named.group_by("name_key").agg(pl.col("orcid").drop_nulls().n_unique().alias("n_orcid"))
    sigs = sigs.join(shared["names"], on="name_key", how="left").join(orcids, on="name_key")
    return (sigs.join(co, on=["name_key", "paper_id"], how="left").join(shared["ctx"], on="paper_id", how="left")
            .with_columns(aff_words.alias("awords"))
            .with_columns(pl.when(pl.col(c).list.len() > 0).then(c).alias(c) for c in ("awords", "coauthors", "twords", "venue"))
            .drop("affs").sort("name_key", "paper_id").with_row_index("sid"))


def _name_weights(m: pl.DataFrame, named: pl.DataFrame) -> pl.DataFrame:
    """(name_key, name_weight): how much agreeing on this full name says, by how many other names
    share its family name and its given name (term-frequency adjustment of the name itself: two
    "Hui Yu"s are less likely one person than two "Barry Wilkinson"s). Counted over distinct
    names, so a name repeated on many papers does not make itself look common. An initials-only
    name ("Z. Wang") shares its initial with every Zhen and Zhi, and so says least."""
    names = m.filter(~pl.col("bare")).select("name_key", "last", pl.col("given").str.to_lowercase()
                                             .str.extract(r"^(\w+)").alias("first")).unique("name_key")
    total = max(names.height, 1)
    last_freq = names.group_by("last").len().select("last", (pl.col("len") / total).alias("f_last"))
    first_freq = names.group_by("first").len().select("first", (pl.col("len") / total).alias("f_first"))
    initial_freq = (names.group_by(pl.col("first").str.slice(0, 1).alias("initial")).len()
                    .select("initial", (pl.col("len") / total).alias("f_initial")))
    own = (named.select("name_key", "weak").unique("name_key")
           .join(names, on="name_key", how="left")
           .join(last_freq, on="last", how="left").join(first_freq, on="first", how="left")
           .join(initial_freq, left_on=pl.col("first").str.slice(0, 1), right_on="initial", how="left"))
    f_given = pl.when(pl.col("weak")).then("f_initial").otherwise("f_first").fill_null(1.0 / total)
    u_name = (pl.col("f_last").fill_null(1.0 / total) * f_given)
    own = own.with_columns(u_name.alias("u_name"))
    # The typical name a candidate pair is about: the median over mentions, not over names.
    typical = named.select("name_key").join(own, on="name_key").select(pl.col("u_name").median()).item() or 1.0
    u_name = pl.col("u_name")
    weight = (pl.lit(typical) / u_name).log(2).clip(-NAME_WEIGHT_CAP, NAME_WEIGHT_CAP)
    # In a small input every name looks typical; a family name no other name carries still
    # tells (the tracked "Koura" on two of a handful of papers is one person).
    family_names = names.group_by("last").len().select("last", (pl.col("len") <= RARE_FAMILY_NAMES).alias("rare_family"))
    rare = pl.col("rare_family").fill_null(False) & ~pl.col("weak")
    return (own.join(family_names, on="last", how="left")
            .select("name_key", pl.when(rare).then(pl.max_horizontal(weight, RARE_FAMILY_WEIGHT)).otherwise(weight)
                    .alias("name_weight"), pl.col("weak").alias("initials")))


def _name_blocks(sigs: pl.DataFrame) -> pl.DataFrame:
    """(name_key, first, len, cost) per name of two or more signatures, in sid order: a name's
    signatures are the consecutive sids first..first+len-1; cost is how many pairs it makes."""
    pairs_small = pl.col("len") * (pl.col("len") - 1) // 2
    return (sigs.group_by("name_key").agg(pl.col("sid").min().alias("first"), pl.len())
            .filter(pl.col("len") >= 2).sort("first")
            .with_columns(pl.when(pl.col("len") <= PEOPLE_BLOCK_MAX).then(pairs_small)
                          .otherwise(pl.col("len") * BIG_NAME_PAIRS_PER_SIGNATURE).cast(pl.Int64).alias("cost")))


def _pairs(sigs: pl.DataFrame, blocks: pl.DataFrame | None = None) -> pl.DataFrame:
    """(a, b) sid pairs of the given names (default all): every pair within a small name, shared
    evidence keys within a big one."""
    blocks = _name_blocks(sigs) if blocks is None else blocks
    small = blocks.filter(pl.col("len") <= PEOPLE_BLOCK_MAX)
    # Pairs of a small name are index arithmetic, no join (a join on the name would hold every
    # ordered pair and a copy of the name per row).
    parts = [pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})]
    for (n,), group in small.partition_by("len", as_dict=True).items():
        i, j = np.triu_indices(n, 1)
        first = group["first"].to_numpy().astype(np.int64)[:, None]
        parts.append(pl.DataFrame({"a": (first + i).ravel(), "b": (first + j).ravel()}).cast({"a": pl.UInt32, "b": pl.UInt32}))
    big_names = blocks.filter(pl.col("len") > PEOPLE_BLOCK_MAX)
    if not big_names.is_empty():
        # Only the columns read: a filter copies every column it is given.
        big = (sigs.select("sid", "name_key", "coauthors", "venue", "awords", "year")
               .filter(pl.col("name_key").is_in(big_names["name_key"].implode())))
        # A few keys per signature: its first co-authors and affiliation words in a fixed order
        # (more keys add pairs, not recall, once blocks are cut to neighbourhoods).
        keys = pl.concat([
            big.with_columns(pl.col("coauthors").list.sort().list.head(BLOCK_KEYS_PER_LIST)).explode("coauthors")
            .select("sid", (pl.col("name_key") + "|c:" + pl.col("coauthors")).alias("key"), pl.col("year").alias("order")),
            big.select("sid", (pl.col("name_key") + "|v:" + pl.col("venue").list.sort().list.join(" ")).alias("key"),
                       pl.col("year").alias("order")),
            big.with_columns(pl.col("awords").list.sort().list.head(BLOCK_KEYS_PER_LIST)).explode("awords")
            .select("sid", (pl.col("name_key") + "|a:" + pl.col("awords")).alias("key"), pl.col("year").alias("order")),
        ]).rename({"sid": "idx"})
        parts.append(block_pairs(keys, PEOPLE_BLOCK_MAX, 5))
    return pl.concat(parts)


def token_weights(papers: pl.DataFrame, parts: list[pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Inverse document frequencies of title and venue words (over the papers with a compared name)
    and of affiliation words and co-authors (over the signatures of every part)."""
    return {"twords": _idf([papers], "twords"), "venue": _idf([papers], "venue"),
            "awords": _idf(parts, "awords"), "coauthors": _idf(parts, "coauthors")}


# Comparison levels, strongest first (0); null where either side has nothing to compare. The
# priors only start EM (m) and smooth the random-pair counts (u): the weights are trained on the
# input (linkage.train), u from random signature pairs of different names, m by EM over the
# candidate pairs of one name.
COMPARISONS = (
    Comparison("coauthors", ("several_rare", "one_rare", "common", "none"), (0.10, 0.15, 0.10, 0.65),
               (1e-5, 5e-4, 2e-3, 0.9975)),
    Comparison("venue", ("same_rare", "same", "overlap", "differ"), (0.05, 0.10, 0.10, 0.75), (1e-4, 2e-3, 0.02, 0.978)),
    Comparison("affiliation", ("same_rare", "same", "overlap", "differ"), (0.20, 0.10, 0.05, 0.65), (1e-3, 5e-3, 0.03, 0.964)),
    Comparison("title_words", ("many_rare", "several", "some", "one", "none"), (0.05, 0.05, 0.08, 0.12, 0.70),
               (1e-4, 5e-4, 3e-3, 0.02, 0.976)),
    Comparison("topic", ("same", "differ"), (0.6, 0.4), (0.1, 0.9)),
    Comparison("years", ("near", "close", "mid", "far"), (0.35, 0.25, 0.3, 0.1), (0.2, 0.2, 0.35, 0.25)),
)
# Summed idf of the shared words at which each agreement level starts (the last level is "none").
VENUE_IDF_LEVELS = (10.0, 5.0, 2.5)
AFFILIATION_IDF_LEVELS = (5.0, 4.0, 2.5)
TITLE_IDF_LEVELS = (12.0, 8.0, 5.0, 3.0)
# A shared co-author counts by how rare the name (family name and initial) is: "Y. Wang" on both
# papers says less than "G. Weikum".
COAUTHOR_IDF_LEVELS = (12.0, 6.0, 1e-9)
YEAR_GAP_LEVELS = (1, 3, 10)
PEOPLE_RANDOM_PAIRS = 100_000


def _by_threshold(value: pl.Expr, thresholds: tuple[float, ...], present: pl.Expr, descending: bool = True) -> pl.Expr:
    """Level 0 for the first threshold met (>= when descending, <= otherwise), len(thresholds) for none."""
    expr = pl.lit(len(thresholds), pl.Int8)
    for level, t in reversed(list(enumerate(thresholds))):
        expr = pl.when(value >= t if descending else value <= t).then(pl.lit(level, pl.Int8)).otherwise(expr)
    return pl.when(present).then(expr)


def comparison_levels(sigs: pl.DataFrame, pairs: pl.DataFrame, idf: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(a, b, one level column per comparison, conflict inputs) for each pair."""
    side = sigs.select("sid", "coauthors", "venue", "awords", "twords", "topic", "year", "orcid", "name_weight", "n_orcid")
    j = pairs.select("a", "b").join(side.rename(lambda c: c + "_a"), left_on="a", right_on="sid_a").join(
        side.rename(lambda c: c + "_b"), left_on="b", right_on="sid_b").with_row_index("pair")
    j = j.join(_shared_idf(j, "venue", idf["venue"], "sum"), on="pair", how="left") \
        .join(_shared_idf(j, "twords", idf["twords"], "sum"), on="pair", how="left") \
        .join(_shared_idf(j, "awords", idf["awords"], "max"), on="pair", how="left") \
        .join(_shared_idf(j, "coauthors", idf["coauthors"], "sum"), on="pair", how="left")

    def both(column: str) -> pl.Expr:
        return pl.col(column + "_a").is_not_null() & pl.col(column + "_b").is_not_null()

    # Co-authors agree by family name and initial, as sources that write only initials allow.
    shared_co = pl.col("coauthors_a").list.set_intersection("coauthors_b").list.len()
    gap = (pl.col("year_a") - pl.col("year_b")).abs()
    return j.select(
        "a", "b",
        _by_threshold(pl.col("coauthors_idf").fill_null(0.0), COAUTHOR_IDF_LEVELS, both("coauthors")).alias("coauthors"),
        _by_threshold(pl.col("venue_idf").fill_null(0.0), VENUE_IDF_LEVELS, both("venue")).alias("venue"),
        _by_threshold(pl.col("awords_idf").fill_null(0.0), AFFILIATION_IDF_LEVELS, both("awords")).alias("affiliation"),
        _by_threshold(pl.col("twords_idf").fill_null(0.0), TITLE_IDF_LEVELS, both("twords")).alias("title_words"),
        pl.when(both("topic")).then((pl.col("topic_a") != pl.col("topic_b")).cast(pl.Int8)).alias("topic"),
        _by_threshold(gap, YEAR_GAP_LEVELS, both("year"), descending=False).alias("years"),
        pl.col("name_weight_a").fill_null(0.0).alias("name_weight"),
        "orcid_a", "orcid_b", "n_orcid_a",
    )


def people_model(sigs: pl.DataFrame, pairs: pl.DataFrame, idf: dict[str, pl.DataFrame]) -> Model:
    """Weights trained on this input: u from random pairs of signatures of different names (two
    people, almost surely), m by EM over a sample of the candidate pairs."""
    sample = random_pairs(sigs.height, PEOPLE_RANDOM_PAIRS)
    names = sigs["name_key"]
    sample = sample.filter(names.gather(sample["a"]) != names.gather(sample["b"]))
    random_gamma = comparison_levels(sigs, sample, idf)
    candidates = pairs if pairs.height <= SCORE_SLICE_PAIRS else pairs.sample(SCORE_SLICE_PAIRS, seed=20261202)
    return train(COMPARISONS, random_gamma, comparison_levels(sigs, candidates, idf))


def scored(sigs: pl.DataFrame, pairs: pl.DataFrame, idf: dict[str, pl.DataFrame],
           model: Model | None = None) -> pl.DataFrame:
    """Each pair's summed weight (and the ORCID conflict that forbids it)."""
    model = model or people_model(sigs, pairs, idf)
    gamma = comparison_levels(sigs, pairs, idf)
    weight = model.score(gamma) + gamma["name_weight"]
    g = gamma.select("a", "b", "orcid_a", "orcid_b", "n_orcid_a").with_columns(weight.alias("weight"))
    # A name held by two ORCIDs: a mention without one cannot tell which holder it is, so only a
    # strong link (a shared co-author) places it.
    unsure = ((pl.col("n_orcid_a") >= 2) & (pl.col("orcid_a").is_null() != pl.col("orcid_b").is_null())
              & (pl.col("weight") < PEOPLE_STRONG_LINK))
    conflict = (pl.col("orcid_a") != pl.col("orcid_b")).fill_null(False) | unsure
    return g.select("a", "b", "weight", conflict.alias("conflict"))


def _idf(frames: list[pl.DataFrame], column: str) -> pl.DataFrame:
    """(tok, idf) with idf = ln((documents + IDF_PSEUDO_DOCUMENTS) / (documents holding it + 1)),
    counted over several frames of distinct documents: in a small input nothing is known to be
    common, so words count as fairly rare until the data says otherwise."""
    n = sum(f.height for f in frames)
    counts = pl.concat([f.select(pl.col(column).list.unique()).explode(column).drop_nulls()
                        .group_by(column).len() for f in frames])
    return (counts.group_by(column).agg(pl.col("len").sum())
            .select(pl.col(column).alias("tok"), ((n + IDF_PSEUDO_DOCUMENTS) / (pl.col("len") + 1)).log().alias("idf")))


def _shared_idf(j: pl.DataFrame, column: str, idf: pl.DataFrame, how: str) -> pl.DataFrame:
    """(pair, <column>_idf): the sum or max idf of the tokens both sides of each pair hold, by
    one explode and join (a per-row lookup inside list.eval costs minutes at a million pairs)."""
    shared = (j.select("pair", pl.col(column + "_a").list.set_intersection(column + "_b").alias("tok"))
              .explode("tok").drop_nulls("tok").join(idf, on="tok"))
    agg = pl.col("idf").sum() if how == "sum" else pl.col("idf").max()
    return shared.group_by("pair").agg(agg.alias(column + "_idf"))


def person_clusters(sigs: pl.DataFrame, pairs: pl.DataFrame) -> pl.Series:
    """Per signature, a cluster number unique across names."""
    label = np.arange(sigs.height, dtype=np.int64)
    if pairs.is_empty():
        return pl.Series("person", label)
    names = sigs["name_key"]
    sizes = sigs.group_by("name_key").agg(pl.col("sid").min().alias("first"), pl.len())
    by_name = pairs.with_columns(names.gather(pairs["a"]).alias("name_key")).join(sizes, on="name_key")
    # Most names are written on two papers: average linkage of two is their one pair's weight,
    # decided for all such names at once rather than a Python call per name.
    two = by_name.filter((pl.col("len") == 2) & (pl.col("weight") >= PEOPLE_MERGE_WEIGHT) & ~pl.col("conflict"))
    label[two["b"].to_numpy().astype(np.int64)] = two["a"].to_numpy().astype(np.int64)
    rest = by_name.filter((pl.col("len") > 2) & (pl.col("len") <= PEOPLE_BLOCK_MAX))
    for (n,), part in rest.partition_by("len", as_dict=True).items():
        firsts = part["first"].unique().sort()
        rep = average_linkage_blocks(firsts.search_sorted(part["first"]).to_numpy(),
                                     (part["a"] - part["first"]).to_numpy().astype(np.int64),
                                     (part["b"] - part["first"]).to_numpy().astype(np.int64), part["weight"].to_numpy(),
                                     part["conflict"].to_numpy(), n, firsts.len(), PEOPLE_MERGE_WEIGHT)
        starts = firsts.to_numpy().astype(np.int64)[:, None]
        label[(starts + np.arange(n)).ravel()] = (starts + rep).ravel()
    for _, block in by_name.filter(pl.col("len") > PEOPLE_BLOCK_MAX).partition_by("name_key", as_dict=True).items():
        first, n = int(block["first"][0]), int(block["len"][0])
        strong = block.filter((pl.col("weight") >= PEOPLE_STRONG_LINK) & ~pl.col("conflict"))
        label[first:first + n] = first + _components(strong, first, n)
    return pl.Series("person", label)


def _components(links: pl.DataFrame, first: int, n: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    a = links["a"].to_numpy().astype(np.int64) - first
    b = links["b"].to_numpy().astype(np.int64) - first
    _, comp = connected_components(coo_matrix((np.ones(a.size), (a, b)), shape=(n, n)).tocsr(), directed=False)
    return comp.astype(np.int64)


def name_edges(m: pl.DataFrame, context: pl.DataFrame) -> pl.DataFrame:
    """(idx = mid, key, kind='name_key'): mentions of one full name judged one person share a key.

    Names are independent of each other once the input-wide figures are known (word idf, name
    weights, the trained models), so a big input is resolved a part of the names at a time (by a
    hash of the name, at most PEOPLE_PART_MENTIONS mentions a part): memory follows the part. The
    models are trained on the first part, a random sample of the names."""
    named = named_mentions(m)
    if named.is_empty():
        return pl.DataFrame(schema={"idx": pl.UInt32, "key": pl.String, "kind": pl.String})
    shared = shared_context(m, context, named)
    count = -(-named.height // PEOPLE_PART_MENTIONS)
    part_of = named["name_key"].hash(PART_SEED) % count
    with tempfile.TemporaryDirectory(prefix="papertrail-people-") as spill:
        paths = []
        for k in range(count):
            sigs = signatures(named.filter(part_of == k) if count > 1 else named, shared)
            paths.append(Path(spill) / f"part-{k}.parquet")
            sigs.write_parquet(paths[-1])
        del named, part_of
        idf = token_weights(shared.pop("papers"), [pl.read_parquet(p, columns=["awords", "coauthors"]) for p in paths])
        models: dict = {}
        edges = [_part_edges(pl.read_parquet(path), idf, models) for path in paths]
    return pl.concat(edges)


def _part_edges(sigs: pl.DataFrame, idf: dict[str, pl.DataFrame], models: dict) -> pl.DataFrame:
    blocks = _name_blocks(sigs)
    if "people" not in models:
        # Trained on the pairs of names picked by a hash of the name (a sample across the
        # alphabet) up to SCORE_SLICE_PAIRS pairs.
        sample = (blocks.sort(pl.col("name_key").hash(PART_SEED))
                  .filter(pl.col("cost").cum_sum().shift(1, fill_value=0) < SCORE_SLICE_PAIRS))
        models["people"] = people_model(sigs, _pairs(sigs, sample), idf)
    # Names a group at a time (consecutive sids, at most PAIRS_PER_GROUP pairs a group), each
    # group's pairs scored in slices and clustered before the next: memory follows the group,
    # however many pairs the whole input makes.
    person = np.arange(sigs.height, dtype=np.int64)
    groups = blocks.with_columns((pl.col("cost").cum_sum() // PAIRS_PER_GROUP).alias("group"))
    for _, group in groups.partition_by("group", as_dict=True, maintain_order=True).items():
        pairs = _pairs(sigs, group)
        slices = [scored(sigs, pairs.slice(start, SCORE_SLICE_PAIRS), idf, models["people"])
                  for start in range(0, pairs.height, SCORE_SLICE_PAIRS)]
        del pairs
        if not slices:
            continue
        labels = person_clusters(sigs, pl.concat(slices)).to_numpy()
        lo, hi = int(group["first"].min()), int((group["first"] + group["len"]).max())
        person[lo:hi] = labels[lo:hi]
    person = merged_people(sigs, pl.Series("person", person), idf, person_clusters, models)
    # A name that stays one person keeps its plain key (and so its id from earlier runs); a name
    # split into several people names each by its earliest paper id (stable through the crosswalk).
    people = (sigs.select("mid", "name_key", "paper_id").with_columns(person)
              .with_columns(pl.col("paper_id").min().over("person").alias("anchor"),
                            pl.col("person").n_unique().over("name_key").alias("n_people")))
    key = pl.when(pl.col("n_people") == 1).then("name:" + pl.col("name_key")).otherwise(
        "name:" + pl.col("name_key") + "#" + pl.col("anchor"))
    return (people.explode("mid")
            .select(pl.col("mid").cast(pl.UInt32).alias("idx"), key.alias("key"), pl.lit("name_key").alias("kind")))
