"""Which mentions of one full name are one person: scored pairs, clustered by average linkage.

"Wei Wang" on two papers is one person only if the papers say so. A *signature* is a name on one
paper (every source's mention of that slot); signatures of one full name are compared on what
their papers share: co-authors (weighted by how many share them), venue, affiliation, rare title
words, topic and years. Within a name, clusters come from average-linkage agglomeration of those
weights (scipy), so one shared co-author cannot chain two otherwise unrelated groups the way
connected components would. Names written by more than PEOPLE_BLOCK_MAX signatures compare only
signatures that share a co-author, venue or affiliation word (sorted neighbourhood beyond that) and
join by components of strong links, so the cost stays linear in the mentions.
The weights are log2 likelihood ratios set from what the public AMiner name-disambiguation set
shows (docs/benchmarks.md): a shared co-author almost never happens between two different people,
its absence says little (most of one person's papers share none), venue and affiliation agreement
are moderately telling.
"""
from __future__ import annotations

import numpy as np
import polars as pl
from scipy.cluster.hierarchy import linkage

from .keys import folded
from .linkage import block_pairs
from .settings import COAUTHOR_LIST_MAX, PEOPLE_BLOCK_MAX, PEOPLE_MERGE_WEIGHT, PEOPLE_STRONG_LINK

# (level, log2 weight) per comparison, strongest first.
WEIGHTS = {
    "coauthors": {"two_or_more": 12.0, "one": 8.0, "none": -0.3},
    "venue": {"same": 2.5, "differ": -0.5},
    "affiliation": {"same": 3.0, "differ": -1.0},
    "title_words": {"two_or_more": 2.5, "one": 1.0, "none": -0.5},  # by summed idf, TITLE_IDF_LEVELS
    "topic": {"same": 1.0, "differ": -1.0},
    "years": {"near": 0.5, "mid": 0.0, "far": -1.5},
    # Agreeing on a full name whose family name few names in the input carry ("Koura") says more
    # than agreeing on "Wei Wang" (term-frequency adjustment of the name agreement itself).
    # An initials-only spelling ("Z. Wang") may be Zhen or Zhi: agreeing on it says less still.
    "name": {"rare_family": 1.5, "common_family": 0.0, "initials": -1.5},
}
# Shared title words count by their summed inverse document frequency (ln N/df over the papers):
# "rough" and "fuzzy" together say something, "networks" and "wireless" little.
TITLE_IDF_LEVELS = (10.0, 5.0)
# Venues agree when their shared words are telling enough ("fuzzy systems", not "ieee transactions").
VENUE_IDF_SAME = 5.0
IDF_PSEUDO_DOCUMENTS = 1000
BLOCK_KEYS_PER_LIST = 3
SCORE_SLICE_PAIRS = 500_000
# A shared affiliation word is a place when rare ("aberystwyth"), not when it is "university".
AFFILIATION_IDF_SAME, AFFILIATION_IDF_DIFFER = 4.0, 2.5
RARE_FAMILY_NAMES = 2  # at most this many distinct full names with the family name
_VENUE_NOISE = {"the", "of", "on", "in", "and", "for", "international", "proceedings", "proc", "conference",
                "conf", "journal", "annual", "workshop", "symposium", "th", "st", "nd", "rd", "ieee", "acm", "j"}
_STOP = {"a", "an", "the", "of", "for", "and", "in", "on", "to", "with", "by", "from", "at", "via", "its", "is",
         "are", "as", "using", "based", "towards", "toward", "new", "approach", "method", "methods", "study",
         "analysis", "system", "systems", "model", "models", "data", "paper", "into", "under", "over",
         # affiliation words every institution has
         "university", "univ", "department", "dept", "school", "institute", "inst", "college", "laboratory",
         "science", "sciences", "engineering", "faculty", "center", "centre", "research", "national"}


def signatures(m: pl.DataFrame, context: pl.DataFrame) -> pl.DataFrame:
    """One row per (full name, paper): its mentions and what the paper and the byline say."""
    named = m.filter((pl.col("strong") | pl.col("weak")) & pl.col("paper_id").is_not_null() & ~pl.col("owner"))
    coauthor_key = pl.col("last") + " " + pl.col("given").str.slice(0, 1)
    # Bylines longer than COAUTHOR_LIST_MAX (collaborations) give no co-author evidence: every
    # member would be every other's co-author, quadratic in the byline and telling nothing.
    chosen = m.filter(pl.col("chosen") & ~pl.col("bare"))
    short = chosen.group_by("paper_id").len().filter(pl.col("len") <= COAUTHOR_LIST_MAX).select("paper_id")
    byline = (chosen.join(short, on="paper_id")
              .select("paper_id", "name_key", coauthor_key.alias("co"))
              .drop_nulls())
    sigs = (named.group_by("name_key", "paper_id")
            .agg(pl.col("mid"), pl.col("affiliations").list.explode(keep_nulls=False, empty_as_null=False).drop_nulls().alias("affs"),
                 pl.col("orcid").drop_nulls().first().alias("orcid")))
    co = (sigs.select("name_key", "paper_id").join(byline, on="paper_id")
          .filter(pl.col("name_key") != pl.col("name_key_right"))
          .group_by("name_key", "paper_id").agg(pl.col("co").unique().alias("coauthors")))
    words = folded("title").str.split(" ").list.eval(
        pl.element().filter((pl.element().str.len_chars() > 2) & ~pl.element().is_in(sorted(_STOP)))).list.unique()
    venue_words = folded("venue").str.split(" ").list.eval(
        pl.element().filter((pl.element().str.len_chars() > 1) & ~pl.element().str.contains(r"^\d+$")
                            & ~pl.element().is_in(sorted(_VENUE_NOISE)))).list.unique()
    ctx = context.select("paper_id", words.alias("twords"), venue_words.alias("venue"),
                         pl.col("primary_topic").alias("topic"), "year")
    aff_words = pl.col("affs").list.eval(folded(pl.element())).list.join(" ").str.split(" ").list.eval(
        pl.element().filter((pl.element().str.len_chars() > 3) & ~pl.element().is_in(sorted(_STOP)))).list.unique()
    family_names = (m.filter(~pl.col("bare")).select("last", "name_key").unique().group_by("last").len()
                    .select("last", (pl.col("len") <= RARE_FAMILY_NAMES).alias("rare_family")))
    names = (named.select("name_key", "last", "weak").unique("name_key").join(family_names, on="last", how="left")
             .with_columns(pl.col("rare_family") & ~pl.col("weak"), pl.col("weak").alias("initials")))
    orcids = named.group_by("name_key").agg(pl.col("orcid").drop_nulls().n_unique().alias("n_orcid"))
    sigs = sigs.join(names.select("name_key", "rare_family", "initials"), on="name_key", how="left").join(orcids, on="name_key")
    return (sigs.join(co, on=["name_key", "paper_id"], how="left").join(ctx, on="paper_id", how="left")
            .with_columns(aff_words.alias("awords"))
            .with_columns(pl.when(pl.col(c).list.len() > 0).then(c).alias(c) for c in ("awords", "coauthors", "twords", "venue"))
            .drop("affs").sort("name_key", "paper_id").with_row_index("sid"))


def _pairs(sigs: pl.DataFrame) -> pl.DataFrame:
    """(a, b) sid pairs: every pair within a small name, shared evidence keys within a big one."""
    sizes = sigs.group_by("name_key").len()
    sized = sigs.join(sizes, on="name_key")
    small = sized.filter(pl.col("len") <= PEOPLE_BLOCK_MAX).select("sid", "name_key")
    all_pairs = (small.join(small, on="name_key", suffix="_b").filter(pl.col("sid") < pl.col("sid_b"))
                 .select(pl.col("sid").alias("a"), pl.col("sid_b").alias("b")))
    big = sized.filter(pl.col("len") > PEOPLE_BLOCK_MAX)
    if big.is_empty():
        return all_pairs.cast({"a": pl.UInt32, "b": pl.UInt32})
    # A few keys per signature: its first co-authors and affiliation words in a fixed order (more
    # keys add pairs, not recall, once blocks are cut to neighbourhoods).
    keys = pl.concat([
        big.with_columns(pl.col("coauthors").list.sort().list.head(BLOCK_KEYS_PER_LIST)).explode("coauthors")
        .select("sid", (pl.col("name_key") + "|c:" + pl.col("coauthors")).alias("key"), pl.col("year").alias("order")),
        big.select("sid", (pl.col("name_key") + "|v:" + pl.col("venue").list.sort().list.join(" ")).alias("key"),
                   pl.col("year").alias("order")),
        big.with_columns(pl.col("awords").list.sort().list.head(BLOCK_KEYS_PER_LIST)).explode("awords")
        .select("sid", (pl.col("name_key") + "|a:" + pl.col("awords")).alias("key"), pl.col("year").alias("order")),
    ]).rename({"sid": "idx"})
    near = block_pairs(keys, PEOPLE_BLOCK_MAX, 5)
    return pl.concat([all_pairs.cast({"a": pl.UInt32, "b": pl.UInt32}), near]).unique()


def token_weights(sigs: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Inverse document frequencies of title, venue (over papers) and affiliation words."""
    papers = sigs.unique("paper_id")
    return {"twords": _idf(papers, "twords"), "venue": _idf(papers, "venue"), "awords": _idf(sigs, "awords")}


def scored(sigs: pl.DataFrame, pairs: pl.DataFrame, idf: dict[str, pl.DataFrame] | None = None) -> pl.DataFrame:
    """Each pair's summed weight (and the ORCID conflict that forbids it)."""
    idf = idf or token_weights(sigs)
    side = sigs.select("sid", "coauthors", "venue", "awords", "twords", "topic", "year", "orcid", "rare_family", "initials", "n_orcid")
    j = pairs.join(side.rename(lambda c: c + "_a"), left_on="a", right_on="sid_a").join(
        side.rename(lambda c: c + "_b"), left_on="b", right_on="sid_b")
    # Co-authors agree by family name and initial, as sources that write only initials allow.
    shared_co = pl.col("coauthors_a").list.set_intersection("coauthors_b").list.len()
    j = j.with_row_index("pair").join(_shared_idf(j, "venue", idf["venue"], "sum"), on="pair", how="left") \
        .join(_shared_idf(j, "twords", idf["twords"], "sum"), on="pair", how="left") \
        .join(_shared_idf(j, "awords", idf["awords"], "max"), on="pair", how="left")
    shared_venue = pl.col("venue_idf").fill_null(0.0)
    shared_title = pl.col("twords_idf").fill_null(0.0)
    shared_aff = pl.col("awords_idf").fill_null(0.0)
    gap = (pl.col("year_a") - pl.col("year_b")).abs()
    W = WEIGHTS

    def lvl(both: str, cond_levels: list, default: float) -> pl.Expr:
        """The level's weight where both sides have the value, else 0 (nothing compared)."""
        expr = pl.lit(default)
        for cond, value in reversed(cond_levels):
            expr = pl.when(cond).then(pl.lit(value)).otherwise(expr)
        present = pl.col(both + "_a").is_not_null() & pl.col(both + "_b").is_not_null()
        return pl.when(present).then(expr).otherwise(0.0)

    weight = (
        lvl("coauthors", [(shared_co >= 2, W["coauthors"]["two_or_more"]), (shared_co == 1, W["coauthors"]["one"])],
            W["coauthors"]["none"])
        + lvl("venue", [(shared_venue >= VENUE_IDF_SAME, W["venue"]["same"])], W["venue"]["differ"])
        + lvl("awords", [(shared_aff >= AFFILIATION_IDF_SAME, W["affiliation"]["same"]),
                         (shared_aff >= AFFILIATION_IDF_DIFFER, 0.0)], W["affiliation"]["differ"])
        + lvl("twords", [(shared_title >= TITLE_IDF_LEVELS[0], W["title_words"]["two_or_more"]),
                         (shared_title >= TITLE_IDF_LEVELS[1], W["title_words"]["one"])],
              W["title_words"]["none"])
        + lvl("topic", [(pl.col("topic_a") == pl.col("topic_b"), W["topic"]["same"])], W["topic"]["differ"])
        + lvl("year", [(gap <= 3, W["years"]["near"]), (gap <= 10, W["years"]["mid"])], W["years"]["far"])
        + pl.when(pl.col("initials_a").fill_null(False)).then(W["name"]["initials"])
        .when(pl.col("rare_family_a").fill_null(False)).then(W["name"]["rare_family"]).otherwise(W["name"]["common_family"])
    )
    # A name held by two ORCIDs: a mention without one cannot tell which holder it is, so only a
    # strong link (a shared co-author) places it.
    unsure = ((pl.col("n_orcid_a") >= 2) & (pl.col("orcid_a").is_null() != pl.col("orcid_b").is_null())
              & (weight < PEOPLE_STRONG_LINK))
    conflict = (pl.col("orcid_a") != pl.col("orcid_b")).fill_null(False) | unsure
    return j.select("a", "b", weight.alias("weight"), conflict.alias("conflict"))


def _idf(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """(tok, idf) with idf = ln((documents + IDF_PSEUDO_DOCUMENTS) / (documents holding it + 1)): in a
    small input nothing is known to be common, so words count as fairly rare until the data says
    otherwise."""
    n = frame.height
    return (frame.select(pl.int_range(pl.len()).alias("doc"), column).explode(column).drop_nulls().unique()
            .group_by(column).len()
            .select(pl.col(column).alias("tok"), ((n + IDF_PSEUDO_DOCUMENTS) / (pl.col("len") + 1)).log().alias("idf")))


def _shared_idf(j: pl.DataFrame, column: str, idf: pl.DataFrame, how: str) -> pl.DataFrame:
    """(pair, <column>_idf): the sum or max idf of the tokens both sides of each pair hold, by
    one explode and join (a per-row lookup inside list.eval costs minutes at a million pairs)."""
    shared = (j.with_row_index("pair").select("pair", pl.col(column + "_a").list.set_intersection(column + "_b").alias("tok"))
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
    rest = by_name.filter(pl.col("len") > 2)
    for (name,), block in rest.partition_by("name_key", as_dict=True).items():
        first, n = int(block["first"][0]), int(block["len"][0])
        if n <= PEOPLE_BLOCK_MAX:
            label[first:first + n] = first + _average_linkage(block, first, n)
        else:
            strong = block.filter((pl.col("weight") >= PEOPLE_STRONG_LINK) & ~pl.col("conflict"))
            label[first:first + n] = first + _components(strong, first, n)
    return pl.Series("person", label)


def _average_linkage(block: pl.DataFrame, first: int, n: int) -> np.ndarray:
    # Distances from weights: d = cap - weight, so merging at average weight >= threshold is
    # cutting the dendrogram at cap - threshold; a conflict is a distance no average undoes.
    cap = 40.0
    dist = np.full((n, n), cap + 10.0)
    a = block["a"].to_numpy().astype(np.int64) - first
    b = block["b"].to_numpy().astype(np.int64) - first
    d = np.clip(cap - block["weight"].to_numpy(), 0.0, None)
    d[block["conflict"].to_numpy()] = 1e6
    dist[a, b] = d
    dist[b, a] = d
    np.fill_diagonal(dist, 0.0)
    condensed = dist[np.triu_indices(n, 1)]
    tree = linkage(condensed, method="average")
    return _cut(tree, n, cap - PEOPLE_MERGE_WEIGHT)


def _cut(tree: np.ndarray, n: int, height: float) -> np.ndarray:
    """fcluster(criterion='distance') without its per-call validation (most of its cost over tens
    of thousands of small names): average-linkage merge heights never decrease, so the clusters
    are the merges up to `height`, joined in order."""
    parent = np.arange(2 * n - 1)

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, (x, y, dist, _) in enumerate(tree):
        if dist > height:
            break
        parent[root(int(x))] = n + i
        parent[root(int(y))] = n + i
    roots = np.array([root(i) for i in range(n)])
    return np.unique(roots, return_inverse=True)[1].astype(np.int64)


def _components(links: pl.DataFrame, first: int, n: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    a = links["a"].to_numpy().astype(np.int64) - first
    b = links["b"].to_numpy().astype(np.int64) - first
    _, comp = connected_components(coo_matrix((np.ones(a.size), (a, b)), shape=(n, n)).tocsr(), directed=False)
    return comp.astype(np.int64)


def name_edges(m: pl.DataFrame, context: pl.DataFrame) -> pl.DataFrame:
    """(idx = mid, key, kind='name_key'): mentions of one full name judged one person share a key."""
    sigs = signatures(m, context)
    if sigs.is_empty():
        return pl.DataFrame(schema={"idx": pl.UInt32, "key": pl.String, "kind": pl.String})
    pairs = _pairs(sigs)
    idf = token_weights(sigs)
    # Scored a slice at a time: each pair carries both sides' word lists while it is scored,
    # so memory follows the slice, not all pairs of every name.
    slices = [scored(sigs, pairs.slice(start, SCORE_SLICE_PAIRS), idf)
              for start in range(0, pairs.height, SCORE_SLICE_PAIRS)]
    scores = pl.concat(slices) if slices else pl.DataFrame(
        schema={"a": pl.UInt32, "b": pl.UInt32, "weight": pl.Float64, "conflict": pl.Boolean})
    person = person_clusters(sigs, scores)
    # A name that stays one person keeps its plain key (and so its id from earlier runs); a name
    # split into several people names each by its earliest paper id (stable through the crosswalk).
    people = (sigs.select("mid", "name_key", "paper_id").with_columns(person)
              .with_columns(pl.col("paper_id").min().over("person").alias("anchor"),
                            pl.col("person").n_unique().over("name_key").alias("n_people")))
    key = pl.when(pl.col("n_people") == 1).then("name:" + pl.col("name_key")).otherwise(
        "name:" + pl.col("name_key") + "#" + pl.col("anchor"))
    return (people.explode("mid")
            .select(pl.col("mid").cast(pl.UInt32).alias("idx"), key.alias("key"), pl.lit("name_key").alias("kind")))
