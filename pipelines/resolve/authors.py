"""Author resolution: every mention of a person (a byline slot on any source's list, a profile
page's owner) -> one author_id.

Rules, strongest first, each recorded in audit.merges:
- the same ORCID, OpenAlex author id or S2 author id is one person whatever the spelling;
- the same full name ("Koura, Punit Singh" == "Punit Singh Koura", see normalize.names) is one
  person, unless its mentions carry two different ORCIDs: then the ORCID holders stay apart and
  only the mentions without one stay together;
- initials-only spellings ("A. Turing") and variants ("Alan M. Turing", "Bill" for "William") join
  a different spelling only with evidence (evidence.py): the same slot of one paper on another
  source's list, or a shared co-author. One initials spelling is one author like a full name,
  unless its evidence points at two different people ("Alan" and "Anne"): then each of its
  mentions stands alone, joined only where its own evidence leads;
- a bare single name ("Jack") identifies nobody and is never merged.
Mentions with two different ORCIDs never end in one author, whatever chain of rules links them.
Python work is per distinct spelling (name parsing) or per conflicting cluster, never per record.
"""
from __future__ import annotations

import polars as pl

from ..normalize.names import name_table
from .evidence import evidence_pairs
from .people import name_edges
from .keys import assign_ids, components
from .settings import AUTHOR_CROSSWALK_PREFIX, AUTHOR_KEY_PRIORITY

# Sources whose bylines (and profile owners) carry the source's own person id; dblp, ORCID, ACL and
# Scholar-profile ids come prefixed ("dblp:<pid>"), so one kind holds them apart.
SOURCE_AUTHOR_KIND = {"openalex": "openalex_author", "semanticscholar": "s2_author",
                      "google_scholar": "source_author", "google_scholar_profile": "source_author",
                      "dblp": "source_author", "orcid": "source_author", "acl_anthology": "source_author"}
EVIDENCE_PRIORITY = len(AUTHOR_KEY_PRIORITY)


def mentions_of(records: pl.DataFrame, papers: pl.DataFrame, profiles: pl.DataFrame) -> pl.DataFrame:
    """One row per byline slot on every record's list and per profile owner, with name parts,
    the ids it carries and the flags the rules need."""
    profile_ref = pl.col("profile_ref") if "profile_ref" in records.columns else pl.lit(None, pl.String)
    listed = (records.select("idx", "paper_id", "record_ref", "source", "authors", profile_ref.alias("profile_ref"))
              .join(papers.select("paper_id", "authors_idx"), on="paper_id", how="left")
              .with_columns((pl.col("idx") == pl.col("authors_idx")).fill_null(False).alias("chosen"))
              .select("paper_id", "record_ref", "source", "chosen", "profile_ref", "authors").explode("authors")
              .drop_nulls("authors").unnest("authors").rename({"name": "raw_name"})
              .with_columns(pl.lit(False).alias("owner")))
    owner_id = pl.col("source_author_id") if "source_author_id" in profiles.columns else pl.lit(None, pl.String)
    owners = profiles.select("record_ref", "source", "capture", pl.col("name").alias("raw_name"), "orcid",
                             owner_id.alias("source_author_id"),
                             pl.col("openalex_id").alias("owner_openalex"), pl.col("s2_id").alias("owner_s2"),
                             pl.lit(False).alias("chosen"), pl.lit(True).alias("owner"))
    mentions = pl.concat([listed, owners], how="diagonal_relaxed").with_row_index("mid")
    keys = name_table(mentions["raw_name"])
    bare = pl.col("name_key").fill_null("").str.contains(" ").not_()
    return (mentions.join(keys, on="raw_name", how="left", maintain_order="left")
            .with_columns(bare.alias("bare"), (pl.col("weak").fill_null(False) & ~bare).alias("weak"))
            .with_columns((~pl.col("bare") & ~pl.col("weak")).alias("strong"),
                          (~pl.col("bare") & (pl.col("given").fill_null("") != "")).alias("linkable")))


def page_edges(m: pl.DataFrame, listed_papers: pl.DataFrame | None = None) -> pl.DataFrame:
    """Page identity: an author page's owner is the person it lists papers of. The owner mention
    and, on every paper the page lists, the mention whose name fits the owner's (the same name, the
    same family name and initial, or the owner's bare given name) share a key; two captures of one
    page (the same URL or file) have one owner."""
    owners = m.filter(pl.col("owner")).select(pl.col("mid").alias("owner_mid"), pl.col("record_ref").alias("profile_ref"),
                                              "capture", pl.col("name_key").alias("o_key"), pl.col("last").alias("o_last"),
                                              pl.col("given").alias("o_given"), pl.col("bare").alias("o_bare"))
    if owners.is_empty():
        return pl.DataFrame(schema={"idx": pl.UInt32, "key": pl.String, "kind": pl.String})
    first = pl.col("given").fill_null("").str.split(" ").list.first()
    o_first = pl.col("o_given").fill_null("").str.split(" ").list.first()
    fits = ((pl.col("name_key") == pl.col("o_key"))
            | ((pl.col("last") == pl.col("o_last")) & (first.str.slice(0, 1) == o_first.str.slice(0, 1))
               & ((first == o_first) | (first.str.len_chars() == 1) | (o_first.str.len_chars() == 1)))
            | (pl.col("o_bare") & ((first == pl.col("o_key")) | (pl.col("name_key") == pl.col("o_key")))))
    # The papers a page lists (listed_papers: profile_ref, paper_id), whichever source's byline of
    # them names the owner: a page may list a paper without its authors.
    if listed_papers is None:
        listed_papers = m.filter(pl.col("profile_ref").is_not_null()).select("profile_ref", "paper_id")
    listed = (m.filter(pl.col("paper_id").is_not_null())
              .select("mid", "record_ref", "paper_id", "name_key", "last", "given")
              .join(listed_papers.select("profile_ref", "paper_id").unique(), on="paper_id")
              .join(owners, on="profile_ref").filter(fits.fill_null(False)))
    # Where two names of one byline fit the owner, the page does not say which is theirs.
    listed = listed.filter(pl.len().over("owner_mid", "record_ref") == 1)
    page_key = pl.lit("page:") + pl.col("capture")
    return pl.concat([
        owners.select(pl.col("owner_mid").alias("idx"), page_key.alias("key")),
        listed.join(owners.select("owner_mid", "capture"), on="owner_mid").select(pl.col("mid").alias("idx"),
                                                                                   page_key.alias("key")),
    ]).with_columns(pl.col("idx").cast(pl.UInt32), pl.lit("page").alias("kind"))


def mention_edges(m: pl.DataFrame, context: pl.DataFrame | None = None,
                  listed_papers: pl.DataFrame | None = None) -> pl.DataFrame:
    """(idx = mid, key, kind) for the id, name, page and occurrence rules."""
    # Each rule filters only the columns it reads: a filter copies every column it is given, and
    # the mention table is millions of rows wide.
    ids = ["mid", "source", "orcid", "owner_openalex", "owner_s2"] + [c for c in ("source_author_id",) if c in m.columns]
    usable = m.select(*ids, "bare").filter(~pl.col("bare"))
    source_id = pl.col("source_author_id") if "source_author_id" in m.columns else pl.lit(None, pl.String)
    kind_of = pl.col("source").replace_strict(SOURCE_AUTHOR_KIND, default=None, return_dtype=pl.String)
    strong = m.select("mid", "name_key", "orcid", "strong").filter(pl.col("strong"))
    orcids_per_name = strong.group_by("name_key").agg(pl.col("orcid").drop_nulls().n_unique().alias("n_orcid"))
    named = (strong.join(orcids_per_name, on="name_key")
             .filter((pl.col("n_orcid") <= 1) | pl.col("orcid").is_null()))
    owner_mids = m.filter(pl.col("owner"))["mid"].implode()
    refused = strong.join(named.select("mid"), on="mid", how="anti")["mid"].implode()
    context = context if context is not None else pl.DataFrame(
        schema={"paper_id": pl.String, "title": pl.String, "venue": pl.String, "primary_topic": pl.String, "year": pl.Int32})
    occurrence = (pl.when(pl.col("owner")).then(pl.col("record_ref"))
                  .otherwise(pl.col("record_ref") + ":" + pl.col("position").cast(pl.String)))
    unnamed = m.select("mid", "strong", "bare", "owner", "record_ref", "position").filter(~pl.col("strong"))
    parts = [
        usable.select("mid", (pl.lit("orcid:") + pl.col("orcid")).alias("key"), pl.lit("orcid").alias("kind")),
        usable.select("mid", (kind_of + ":" + source_id).alias("key"), kind_of.alias("kind")),
        usable.select("mid", (pl.lit("openalex_author:") + pl.col("owner_openalex")).alias("key"),
                      pl.lit("openalex_author").alias("kind")),
        usable.select("mid", (pl.lit("s2_author:") + pl.col("owner_s2")).alias("key"), pl.lit("s2_author").alias("kind")),
        # Page owners keep the plain name key: it joins the name's person where the name stayed one.
        named.filter(pl.col("mid").is_in(owner_mids)).select(
            "mid", (pl.lit("name:") + pl.col("name_key")).alias("key"), pl.lit("name_key").alias("kind")),
        name_edges(m.filter(~pl.col("mid").is_in(refused)), context).rename({"idx": "mid"}),
        page_edges(m, listed_papers).rename({"idx": "mid"}),
        unnamed.select(
            "mid", (pl.when(pl.col("bare")).then(pl.lit("bare:")).otherwise(pl.lit("at:")) + occurrence).alias("key"),
            pl.lit("occurrence").alias("kind")),
    ]
    return pl.concat(parts).drop_nulls("key").select(pl.col("mid").cast(pl.UInt32).alias("idx"), "key", "kind")


def split_orcid_conflicts(m: pl.DataFrame, edges: pl.DataFrame, cluster: pl.Series) -> pl.Series:
    """Clusters holding two ORCIDs are rebuilt rule by rule, strongest first, refusing any union
    that would put two ORCIDs together. Only those (rare) clusters are touched, in Python."""
    labelled = m.select("mid", "orcid").with_columns(cluster.alias("cls"))
    bad = (labelled.group_by("cls").agg(pl.col("orcid").drop_nulls().n_unique().alias("n"))
           .filter(pl.col("n") > 1)["cls"])
    if bad.is_empty():
        return cluster
    members = labelled.filter(pl.col("cls").is_in(bad.implode()))
    orcid = dict(zip(members["mid"].to_list(), members["orcid"].to_list()))
    parent = {mid: mid for mid in orcid}
    held = {mid: ({o} if o else set()) for mid, o in orcid.items()}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    rank = pl.col("kind").replace_strict(AUTHOR_KEY_PRIORITY, default=EVIDENCE_PRIORITY, return_dtype=pl.Int32)
    groups = (edges.filter(pl.col("idx").is_in(members["mid"].implode())).with_columns(rank.alias("kp"))
              .group_by("kp", "key").agg(pl.col("idx").sort()).sort("kp", "key"))
    for group in groups["idx"].to_list():
        for a, b in zip(group, group[1:]):
            ra, rb = root(a), root(b)
            if ra != rb and len(held[ra] | held[rb]) <= 1:
                low, high = min(ra, rb), max(ra, rb)
                parent[high] = low
                held[low] |= held.pop(high)
    fixed = pl.DataFrame({"mid": list(orcid), "new": [root(x) for x in orcid]},
                         schema={"mid": pl.UInt32, "new": pl.UInt32})
    return (labelled.join(fixed, on="mid", how="left")
            .select(pl.coalesce("new", pl.col("cls").cast(pl.UInt32)))
            .to_series().alias("cluster"))


def cluster_mentions(m: pl.DataFrame, context: pl.DataFrame | None = None,
                     listed_papers: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.Series, pl.DataFrame]:
    """Returns every edge (with evidence links), the final cluster per mention and the evidence."""
    edges = mention_edges(m, context, listed_papers)
    strong_cluster = components(edges.select("idx", "key"), m.height)
    pairs = evidence_pairs(m, strong_cluster)
    key = pl.lit("ev:") + pl.col("mid_a").cast(pl.String) + "-" + pl.col("mid_b").cast(pl.String)
    linked = pl.concat([pairs.select(pl.col("mid_a").alias("idx"), key.alias("key"), pl.col("rule").alias("kind")),
                        pairs.select(pl.col("mid_b").alias("idx"), key.alias("key"), pl.col("rule").alias("kind"))])
    edges = pl.concat([edges, linked])
    cluster = split_orcid_conflicts(m, edges, components(edges.select("idx", "key"), m.height))
    return edges, cluster, pairs


def resolve_authors(records: pl.DataFrame, papers: pl.DataFrame, profiles: pl.DataFrame,
                    crosswalk: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """records: parsed papers with paper_id and idx; papers: resolved papers with authors_idx;
    crosswalk: (key, paper_id) rows, those under AUTHOR_CROSSWALK_PREFIX naming authors.
    Returns authorships, authors, profile owners, profile_papers, merges and crosswalk rows."""
    m = mentions_of(records, papers, profiles)
    context = papers.select(*[c for c in ("paper_id", "title", "venue", "primary_topic", "year") if c in papers.columns])
    # The record frame is not needed past this point but for the profile links: dropping it
    # (the caller passes a frame only this call holds) frees it before the clustering peaks.
    profile_links = (records.select("profile_ref", "paper_id", "source", "capture")
                     .filter(pl.col("profile_ref").is_not_null()))
    del records, papers
    edges, cluster, pairs = cluster_mentions(m, context, profile_links)
    known = (crosswalk if crosswalk is not None else pl.DataFrame(schema={"key": pl.String, "paper_id": pl.String}))
    known = (known.filter(pl.col("key").str.starts_with(AUTHOR_CROSSWALK_PREFIX))
             .select(pl.col("key").str.strip_prefix(AUTHOR_CROSSWALK_PREFIX), pl.col("paper_id").alias("id")))
    ids = assign_ids(edges, cluster, known, AUTHOR_KEY_PRIORITY, "A")
    # The id as a column of the mention table: joining would copy every one of its columns.
    author_id = (cluster.to_frame("cluster").join(ids.select("cluster", pl.col("id").alias("author_id")),
                                                  on="cluster", how="left", maintain_order="left")["author_id"])
    m = m.with_columns(cluster.alias("cluster"), author_id)
    kept = m.select("author_id", "chosen", "owner").filter(pl.col("chosen") | pl.col("owner")).select("author_id").unique()
    seen = m.select("author_id", "raw_name", "display", "weak").join(kept, on="author_id").drop_nulls("raw_name")
    # The display name is the full spelling seen most often, written the way a person writes it.
    display = (seen.group_by("author_id", "display").agg(pl.len(), pl.col("weak").first())
               .sort("author_id", "weak", "len", "display", descending=[False, False, True, False])
               .group_by("author_id", maintain_order=True).agg(pl.col("display").first().alias("display_name")))
    authors = (seen.group_by("author_id").agg(pl.col("raw_name").unique().sort().alias("name_variants"))
               .join(display, on="author_id").join(ids.select(pl.col("id").alias("author_id"),
                                                             pl.col("best_key").alias("author_key")), on="author_id")
               .sort("author_id").select("author_id", "display_name", "name_variants", "author_key"))
    owners = m.select("record_ref", "author_id", "owner").filter(pl.col("owner"))
    profile_papers = (profile_links
                      .join(owners.select(pl.col("record_ref").alias("profile_ref"), "author_id"), on="profile_ref")
                      .select("author_id", "paper_id", "source", "capture").unique()
                      .sort("author_id", "paper_id", "source", "capture"))
    authorships = (m.select("paper_id", "author_id", pl.col("position").cast(pl.Int32),
                            pl.col("raw_name").alias("name_as_written"), "orcid", "affiliations", "chosen")
                   .filter(pl.col("chosen")).drop("chosen")
                   .unique(["paper_id", "position"], keep="first").sort("paper_id", "position"))
    new_keys = (edges.filter(pl.col("kind").is_in(list(AUTHOR_KEY_PRIORITY)))
                .join(m.select(pl.col("mid").alias("idx"), "author_id"), on="idx")
                .select((pl.lit(AUTHOR_CROSSWALK_PREFIX) + pl.col("key")).alias("key"),
                        pl.col("author_id").alias("paper_id")).unique("key"))
    return {
        "authorships": authorships, "authors": authors,
        "owners": owners.select("record_ref", "author_id"),
        "profile_papers": profile_papers, "merges": author_merges(m, edges, pairs),
        "crosswalk": new_keys, "mentions": m,
    }


def author_merges(m: pl.DataFrame, edges: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """One row per rule application that joined different spellings or mentions: the rule, its
    key (the name key, the id, or 'a ~ b | evidence') and the spellings it joined."""
    info = m.select(pl.col("mid").alias("idx"), "author_id", "raw_name", "name_key")
    # A rule joined something only where its key is shared: most keys name a single mention.
    by_key = (edges.filter(pl.col("kind").is_in(list(AUTHOR_KEY_PRIORITY)) & (pl.col("kind") != "occurrence"))
              .filter(pl.col("key").is_duplicated())
              .join(info, on="idx").group_by("author_id", "kind", "key")
              .agg(pl.col("raw_name").unique().sort().alias("records"), pl.len().alias("n"),
                   pl.col("name_key").n_unique().alias("n_keys"))
              .filter(pl.when(pl.col("kind") == "name_key").then(pl.col("records").list.len() > 1)
                      .otherwise(pl.col("n") > 1))
              .with_columns(pl.when(pl.col("kind") == "name_key").then(pl.col("key").str.strip_prefix("name:"))
                            .otherwise(pl.col("key")).alias("key")))
    names = info.select("idx", "author_id", "raw_name", "name_key")
    evidence = (pairs.join(names.rename({"idx": "mid_a"}), on="mid_a")
                .join(names.select(pl.col("idx").alias("mid_b"), pl.col("raw_name").alias("raw_b"),
                                   pl.col("name_key").alias("key_b")), on="mid_b")
                .with_columns((pl.col("name_key") + " ~ " + pl.col("key_b") + " | " + pl.col("evidence")).alias("key"),
                              pl.concat_list("raw_name", "raw_b").list.unique().list.sort().alias("records"))
                .group_by("author_id", pl.col("rule").alias("kind"), "key")
                .agg(pl.col("records").list.explode(keep_nulls=False, empty_as_null=False).unique().sort()))
    return (pl.concat([by_key.select("author_id", "kind", "key", "records"), evidence])
            .select(pl.lit("author").alias("entity"), pl.col("author_id").alias("entity_id"),
                    pl.col("kind").alias("rule"), "key", "records"))
