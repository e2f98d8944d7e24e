"""Second pass over people: the groups average linkage left apart, compared as whole profiles.

Most of one person's papers share nothing with each other (on the AMiner set, 61 % of a
person's paper pairs share no co-author and 74 % no telling title word), so pairwise evidence
groups a career into several pieces: the papers with one set of co-authors, then the next. Each
piece, taken whole, is a profile (its co-authors, venues, title and affiliation words, each word
weighted by its idf and the profile normalised), and two profiles of one name are compared by
the cosine of those vectors, one comparison per field. The levels' weights are trained on the
input like the first pass's (u from profiles of different names, m by EM over the profiles of
one name), and two profiles join by average linkage where the posterior odds say one person:
their weight plus the prior log-odds EM found (the share of candidate profile pairs that match).
"""
from __future__ import annotations

import math

import numpy as np
import polars as pl

from .linkage import Comparison, Model, random_pairs, train
from .settings import PEOPLE_BLOCK_MAX

PROFILE_FIELDS = ("coauthors", "venue", "twords", "awords")
COSINE_LEVELS = (0.5, 0.3, 0.15, 0.05)
PROFILE_COMPARISONS = tuple(
    Comparison(field, ("most", "much", "some", "little", "none"), (0.2, 0.2, 0.2, 0.15, 0.25),
               (0.001, 0.005, 0.02, 0.07, 0.904))
    for field in PROFILE_FIELDS)
PROFILE_RANDOM_PAIRS = 50_000
UNKNOWN_TOKEN_IDF = 7.0
TOKEN_PAIRS_PER_SLICE = 5_000_000
PROFILE_TOKENS = 40


def profiles(sigs: pl.DataFrame, person: pl.Series) -> pl.DataFrame:
    """(pid, name_key, orcids) per first-pass person, pid 0.. in name order."""
    return (sigs.select("name_key", "orcid", person.alias("person"))
            .group_by("person").agg(pl.col("name_key").first(), pl.col("orcid").drop_nulls().unique().alias("orcids"))
            .sort("name_key", "person").with_row_index("pid"))


def profile_vectors(sigs: pl.DataFrame, person: pl.Series, prof: pl.DataFrame,
                    idf: dict[str, pl.DataFrame], compared: pl.Series) -> pl.DataFrame:
    """(pid, field, tok, w) for the `compared` profiles: tf·idf vectors per field, unit length."""
    ids = person.to_frame("person").join(prof.select("person", "pid"), on="person", how="left")["pid"]
    keep = ids.is_in(compared.implode())
    parts = []
    for field in PROFILE_FIELDS:
        parts.append(
            sigs.select(ids.alias("pid"), pl.col(field).alias("tok")).filter(keep).explode("tok").drop_nulls("tok")
            .group_by("pid", "tok").len()
            .join(idf[field], on="tok", how="left")
            .select("pid", pl.lit(field).alias("field"), "tok",
                    (pl.col("len") * pl.col("idf").fill_null(UNKNOWN_TOKEN_IDF)).alias("w")))
    vectors = pl.concat(parts).with_columns(pl.col("w") / (pl.col("w") ** 2).sum().over("pid", "field").sqrt())
    # Unit length over the whole vector, then only its PROFILE_TOKENS heaviest words: a busy
    # person's profile holds hundreds of words, the light ones move a cosine little and would make
    # the name's token join quadratic in them.
    return vectors.filter(pl.col("w").rank("ordinal", descending=True).over("pid", "field") <= PROFILE_TOKENS)


def _levels(frame: pl.DataFrame, vectors: pl.DataFrame) -> pl.DataFrame:
    """(a, b, cos_<field>...) -> (a, b, one level per field; null where either side lacks it)."""
    # Profile ids are row numbers: which fields each profile has is an array looked up by index.
    top = int(max(vectors["pid"].max() or 0, frame["a"].max() or 0, frame["b"].max() or 0)) + 1
    columns = [pl.col("a"), pl.col("b")]
    for field in PROFILE_FIELDS:
        has = np.zeros(top, dtype=bool)
        has[vectors.filter(pl.col("field") == field)["pid"].unique().to_numpy()] = True
        both = pl.Series(has[frame["a"].to_numpy()] & has[frame["b"].to_numpy()])
        level = pl.lit(len(COSINE_LEVELS), pl.Int8)
        for i, t in reversed(list(enumerate(COSINE_LEVELS))):
            level = pl.when(pl.col("cos_" + field).fill_null(0.0) >= t).then(pl.lit(i, pl.Int8)).otherwise(level)
        columns.append(pl.when(pl.lit(both)).then(level).alias(field))
    return frame.select(columns)


def cosine_levels(vectors: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Levels of any (a, b) pairs (the random sample): each pair joined to its tokens."""
    out = pairs.select("a", "b")
    for field in PROFILE_FIELDS:
        v = vectors.filter(pl.col("field") == field).select("pid", "tok", "w")
        dots = (out.join(v.rename({"pid": "a", "w": "wa"}), on="a").join(v.rename({"pid": "b", "w": "wb"}), on=["b", "tok"])
                .group_by("a", "b").agg((pl.col("wa") * pl.col("wb")).sum().alias("cos_" + field)))
        out = out.join(dots, on=["a", "b"], how="left")
    return _levels(out, vectors)


def name_cosine_levels(vectors: pl.DataFrame, prof: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """Levels of the candidate pairs (profiles of one name): dot products from the tokens two
    profiles of a name share (a join on name and token), so the cost follows the shared tokens."""
    # One integer per (name, field, word): the join then copies no strings.
    named = vectors.join(prof.select("pid", "name_key"), on="pid").select(
        "pid", "field", "w", "name_key", pl.struct("name_key", "field", "tok").hash(7).alias("key"))
    # Names a slice at a time, each slice's token pairs within a budget: a name written by
    # hundreds of profiles sharing common words makes the self-join quadratic in its size.
    cost = (named.group_by("name_key", "key").len().group_by("name_key")
            .agg((pl.col("len").cast(pl.Int64) ** 2).sum().alias("cost")).sort("name_key")
            .with_columns((pl.col("cost").cum_sum() // TOKEN_PAIRS_PER_SLICE).alias("slice")))
    named = named.join(cost.select("name_key", "slice"), on="name_key").drop("name_key")
    parts = []
    for _, chunk in named.partition_by("slice", as_dict=True, include_key=False).items():
        side = chunk.select("key", "pid", "w")
        parts.append(chunk.join(side, on="key", suffix="_b").filter(pl.col("pid") < pl.col("pid_b"))
                     .group_by(_pair_key(pl.col("pid"), pl.col("pid_b")).alias("pair"), "field")
                     .agg((pl.col("w") * pl.col("w_b")).sum().alias("cos")))
    dots = pl.concat(parts)
    out = candidates.select("a", "b", _pair_key(pl.col("a"), pl.col("b")).alias("pair"))
    for field in PROFILE_FIELDS:
        out = out.join(dots.filter(pl.col("field") == field).select("pair", pl.col("cos").alias("cos_" + field)),
                       on="pair", how="left")
    return _levels(out, vectors)


def _pair_key(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return a.cast(pl.UInt64) * (1 << 32) + b.cast(pl.UInt64)


def candidate_pairs(prof: pl.DataFrame) -> pl.DataFrame:
    """Every pair of profiles of one name written by at most PEOPLE_BLOCK_MAX profiles."""
    sized = prof.select("pid", "name_key", pl.len().over("name_key").alias("n")).filter(
        (pl.col("n") >= 2) & (pl.col("n") <= PEOPLE_BLOCK_MAX))
    return (sized.join(sized.select("pid", "name_key"), on="name_key", suffix="_b")
            .filter(pl.col("pid") < pl.col("pid_b"))
            .select(pl.col("pid").alias("a"), pl.col("pid_b").alias("b")).cast({"a": pl.UInt32, "b": pl.UInt32}))


def profile_model(prof: pl.DataFrame, vectors: pl.DataFrame, candidates: pl.DataFrame) -> tuple[Model, pl.DataFrame]:
    """The trained model and the candidates' levels."""
    # Random pairs among the compared profiles (those with vectors), of different names.
    pids = vectors["pid"].unique().sort()
    sample = random_pairs(pids.len(), PROFILE_RANDOM_PAIRS)
    sample = pl.DataFrame({"a": pids.gather(sample["a"]), "b": pids.gather(sample["b"])})
    names = prof["name_key"]
    sample = sample.filter(names.gather(sample["a"]) != names.gather(sample["b"]))
    gamma = name_cosine_levels(vectors, prof, candidates)
    return train(PROFILE_COMPARISONS, cosine_levels(vectors, sample), gamma), gamma


def scored_profiles(sigs: pl.DataFrame, person: pl.Series, idf: dict[str, pl.DataFrame], models: dict
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(profiles, scored pairs (a, b, weight, conflict)): weight is the posterior log2-odds."""
    prof = profiles(sigs, person)
    candidates = candidate_pairs(prof)
    empty = pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32, "weight": pl.Float64, "conflict": pl.Boolean})
    if candidates.is_empty():
        return prof, empty
    compared = pl.concat([candidates["a"], candidates["b"]]).unique()
    vectors = profile_vectors(sigs, person, prof, idf, compared)
    if "profiles" in models:
        model, gamma = models["profiles"], name_cosine_levels(vectors, prof, candidates)
    else:
        model, gamma = profile_model(prof, vectors, candidates)
        models["profiles"] = model
    share = min(max(model.match_share, 1e-6), 1 - 1e-6)
    # Two profiles holding different ORCIDs are two people whatever their cosine.
    held = prof.select("pid", "orcids").filter(pl.col("orcids").list.len() > 0)
    conflict = (gamma.select("a", "b").join(held.rename({"pid": "a", "orcids": "oa"}), on="a", how="left")
                .join(held.rename({"pid": "b", "orcids": "ob"}), on="b", how="left")
                .select((pl.col("oa").is_not_null() & pl.col("ob").is_not_null()
                         & (pl.col("oa").list.set_intersection("ob").list.len() == 0)).fill_null(False))
                .to_series())
    weight = model.score(gamma) + math.log2(share / (1 - share))
    return prof, gamma.select("a", "b").with_columns(weight.alias("weight"), conflict.alias("conflict"))


def merged_people(sigs: pl.DataFrame, person: pl.Series, idf: dict[str, pl.DataFrame], cluster,
                  models: dict | None = None) -> pl.Series:
    """Per signature, its person after profiles of one name are joined. `cluster(frame, pairs)`
    is the first pass's average linkage, reused over profiles; `models` keeps the profile model
    trained on the first part of the names for the others."""
    prof, pairs = scored_profiles(sigs, person, idf, models if models is not None else {})
    if pairs.is_empty():
        return person
    joined = cluster(prof.select(pl.col("pid").alias("sid"), "name_key"), pairs).to_numpy()
    ids = person.to_frame("person").join(prof.select("person", "pid"), on="person", how="left")["pid"].to_numpy()
    return pl.Series("person", np.asarray(prof["person"])[joined[ids]])
