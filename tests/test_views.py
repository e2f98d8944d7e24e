"""The analytics views on a hand-built warehouse, with every expected row written out.

The dataset is staged as Parquet exactly as resolution would stage it and published with the
real publish(), so the views run on the same file layout users query. Expected values are worked
out by hand in the comments, not copied from the views' output.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest

from papertrail.pipelines.stages.runlog import RUNS_SCHEMA
from papertrail.pipelines.warehouse.publish import LOADED, publish, sql_statements
from papertrail.pipelines.workspace import Workspace
from tests.helpers import rows

T1 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
T2 = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)

AUTHORS = {"ada": "Ada Lovelace", "ben": "Ben Okri", "cy": "Cy Twombly", "dee": "Dee Hart",
           "eve": "Eve Arden", "fay": "Fay Wray", "gus": "Gus Grissom"}
# paper_id: (year, primary_topic, byline)
PAPERS = {
    "p01": (2021, "cs.CL", ["ada", "ben", "cy"]),
    "p02": (2021, "cs.CL", ["ben", "ada"]),
    "p03": (2021, "cs.CV", ["ada"]),
    "p04": (2022, "cs.LG", ["cy", "ben", "ada"]),
    "p05": (2022, "cs.CL", ["ada", "cy"]),
    "p06": (2023, "cs.CL", ["cy", "ada"]),
    "p07": (2023, "cs.CV", ["ben", "cy"]),
    "p08": (2023, "cs.LG", ["cy", "ben"]),
    "p09": (2020, "cs.CL", ["fay"]),
    "p10": (2020, None, ["fay"]),
    "p11": (None, "cs.AI", ["gus"]),
    "p12": (2024, "cs.AI", ["gus"]),
    "p13": (2023, "cs.LG", ["cy"]),
    "p14": (2020, "cs.CL", ["fay"]),
    "p15": (2019, None, ["fay"]),
}
SNAPSHOTS = [  # (paper, source, captured_at, count); p06, p07, p14, p15 were never counted
    ("p01", "openalex", T1, 2), ("p01", "openalex", T2, 4), ("p01", "s2", T2, 4),
    ("p02", "openalex", T1, 10), ("p02", "s2", T2, 4),
    ("p03", "openalex", T2, 3), ("p03", "s2", T2, 4),
    ("p04", "crossref", T1, 4),
    ("p05", "openalex", T2, 2),
    ("p08", "openalex", T2, 7),
    ("p09", "openalex", T2, 0),
    ("p10", "openalex", T1, 0),
    ("p11", "s2", T1, 90), ("p11", "s2", T2, 100),
    ("p12", "openalex", T1, 50),
    ("p13", "openalex", T2, 1),
]
# Ada's own pages list p01 again (no double count); Dee is on no byline, only her page lists papers.
PROFILE_PAPERS = [("ada", "p01", "scored_profile", "pages/ada.txt"),
                  ("ada", "p01", "catalyzex", "pages/ada.html"),
                  ("dee", "p08", "aitopics", "pages/dee.txt"),
                  ("dee", "p13", "aitopics", "pages/dee.txt")]
PROFILES = [  # (author, captured_at, h_index, citations, papers, record_ref)
    ("gus", T1, 20, 900, 40, "r-gus-1"), ("gus", T2, 25, 1000, 45, "r-gus-2"),
    ("eve", T2, 3, 12, 5, "r-eve-1"),
]


def dataset() -> dict[str, list[dict]]:
    """Rows per staged table (the keys of LOADED); columns as in sql/010_core_tables.sql."""
    tables: dict[str, list[dict]] = {table: [] for table in LOADED}
    tables["authors"] = [{"author_id": a, "display_name": n, "name_variants": [n]} for a, n in AUTHORS.items()]
    for pid, (year, topic, byline) in PAPERS.items():
        tables["papers"].append({"paper_id": pid, "title": f"Paper {pid}", "year": year,
                                 "primary_topic": topic, "records": 1, "sources": 1})
        tables["authorships"] += [{"paper_id": pid, "author_id": a, "position": i, "name_as_written": AUTHORS[a]}
                                  for i, a in enumerate(byline, 1)]
        if topic:
            tables["paper_topics"].append({"paper_id": pid, "topic": topic, "source": "arxiv"})
        tables["sightings"].append({"paper_id": pid, "source": "arxiv", "capture": f"arxiv/{pid}.xml",
                                    "record_ref": f"{pid}-a", "captured_at": T1, "title_seen": f"Paper {pid}"})
    tables["sightings"].append({"paper_id": "p01", "source": "openalex", "capture": "openalex/works.json",
                                "record_ref": "p01-o", "captured_at": T2, "title_seen": "Paper p01"})
    tables["citation_snapshots"] = [{"paper_id": p, "source": s, "captured_at": t, "citation_count": n}
                                    for p, s, t, n in SNAPSHOTS]
    tables["profile_papers"] = [{"author_id": a, "paper_id": p, "source": s, "capture": c}
                                for a, p, s, c in PROFILE_PAPERS]
    tables["author_profiles"] = [{"author_id": a, "source": "scored_profile", "capture": f"pages/{a}.txt",
                                  "captured_at": t, "h_index": h, "citation_count": c, "paper_count": n,
                                  "record_ref": r} for a, t, h, c, n, r in PROFILES]
    return tables


def runs_frame(run_id: str = "run-1") -> pl.DataFrame:
    return pl.DataFrame([{"run_id": run_id, "started_at": T2, "finished_at": T2, "status": "success",
                          "rows_in": 31, "rows_loaded": 31, "rows_quarantined": 0,
                          "captures_seen": 3, "captures_new": 3, "message": None}], schema=RUNS_SCHEMA)


def stage(folder: Path, tables: dict[str, list[dict]]) -> dict[str, Path]:
    """Writes one staging Parquet per table, typed by the warehouse DDL (keys are checked by publish)."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for _, statement in sql_statements("schema"):
            con.execute(statement)
        paths = {}
        for table, target in LOADED.items():
            if tables.get(table):
                con.register("frame", pl.DataFrame(tables[table], infer_schema_length=None).to_arrow())
                con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM frame")
                con.unregister("frame")
            paths[table] = folder / f"{table}.parquet"
            con.execute(f"COPY (SELECT * FROM {target}) TO '{paths[table]}' (FORMAT parquet)")
        return paths
    finally:
        con.close()


def publish_dataset(tmp: Path, tables: dict[str, list[dict]] | None = None, db_name: str = "w.duckdb") -> Path:
    ws = Workspace.for_db(tmp / db_name)
    publish(ws, stage(tmp / "staging", tables or dataset()), runs_frame())
    return ws.db_path


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return publish_dataset(tmp_path_factory.mktemp("views"))


def test_citation_counts_latest_day_per_source_then_highest_count(db):
    got = rows(db, "SELECT paper_id, title, year, citation_count, source, as_of, sources "
                   "FROM analytics.citation_counts ORDER BY paper_id")
    assert got == [
        ("p01", "Paper p01", 2021, 4, "openalex", T2, 2),  # openalex's T2 (not T1) = s2's 4: name order
        ("p02", "Paper p02", 2021, 10, "openalex", T1, 2), # openalex's 10 (its latest) beats s2's 4
        ("p03", "Paper p03", 2021, 4, "s2", T2, 2),        # the higher count (4 > 3)
        ("p04", "Paper p04", 2022, 4, "crossref", T1, 1),
        ("p05", "Paper p05", 2022, 2, "openalex", T2, 1),
        ("p06", "Paper p06", 2023, None, None, None, 0),   # never counted: kept, with NULLs
        ("p07", "Paper p07", 2023, None, None, None, 0),
        ("p08", "Paper p08", 2023, 7, "openalex", T2, 1),
        ("p09", "Paper p09", 2020, 0, "openalex", T2, 1),
        ("p10", "Paper p10", 2020, 0, "openalex", T1, 1),
        ("p11", "Paper p11", None, 100, "s2", T2, 1),      # s2's latest day (T2) only
        ("p12", "Paper p12", 2024, 50, "openalex", T1, 1),
        ("p13", "Paper p13", 2023, 1, "openalex", T2, 1),
        ("p14", "Paper p14", 2020, None, None, None, 0),
        ("p15", "Paper p15", 2019, None, None, None, 0),
    ]
    by_source = rows(db, "SELECT paper_id, source, citation_count, as_of, captures, is_current "
                         "FROM analytics.citation_counts_by_source WHERE paper_id IN ('p01', 'p02', 'p11') "
                         "ORDER BY paper_id, source")
    assert by_source == [
        ("p01", "openalex", 4, T2, 1, True), ("p01", "s2", 4, T2, 1, False),
        ("p02", "openalex", 10, T1, 1, True), ("p02", "s2", 4, T2, 1, False),
        ("p11", "s2", 100, T2, 1, True),
    ]


def test_author_papers_unions_bylines_and_profile_pages_once(db):
    got = rows(db, "SELECT author_id, list(paper_id ORDER BY paper_id) FROM analytics.author_papers "
                   "GROUP BY ALL ORDER BY author_id")
    assert got == [
        ("ada", ["p01", "p02", "p03", "p04", "p05", "p06"]),
        ("ben", ["p01", "p02", "p04", "p07", "p08"]),
        ("cy", ["p01", "p04", "p05", "p06", "p07", "p08", "p13"]),
        ("dee", ["p08", "p13"]),  # only her own page lists them
        ("fay", ["p09", "p10", "p14", "p15"]),
        ("gus", ["p11", "p12"]),
    ]
    assert rows(db, "SELECT count(*) FROM analytics.author_papers") == [(26,)]


def test_author_citations_h_index_edge_cases(db):
    got = rows(db, "SELECT author_id, display_name, papers, citations, h_index, reported_h_index, "
                   "reported_citations, reported_papers, reported_as_of "
                   "FROM analytics.author_citations ORDER BY author_id")
    assert got == [
        # counts 10,4,4,4,2,NULL(0): ties at the threshold -> 4; p01 listed three times counts once
        ("ada", "Ada Lovelace", 6, 24, 4, None, None, None, None),
        # 10,7,4,4,NULL(0) -> 4
        ("ben", "Ben Okri", 5, 25, 4, None, None, None, None),
        # 7,4,4,2,1,0,NULL -> 3 (the fourth paper has only 2)
        ("cy", "Cy Twombly", 7, 18, 3, None, None, None, None),
        # only profile_papers: 7,1 -> 1
        ("dee", "Dee Hart", 2, 8, 1, None, None, None, None),
        # no papers at all, the page's own figures still shown
        ("eve", "Eve Arden", 0, 0, 0, 3, 12, 5, T2),
        # zero citations and never-counted papers -> 0
        ("fay", "Fay Wray", 4, 0, 0, None, None, None, None),
        # fewer papers than their counts: 100,50 -> 2; the latest profile (T2) is reported
        ("gus", "Gus Grissom", 2, 150, 2, 25, 1000, 45, T2),
    ]


def test_topic_trends_share_and_growth(db):
    got = rows(db, "SELECT topic, year, papers, share, yoy_growth FROM analytics.topic_trends "
                   "ORDER BY year, topic")
    assert got == [
        ("cs.CL", 2020, 2, 1.0, None),       # p10 has no topic: not in the year's total
        ("cs.CL", 2021, 2, 0.6667, 0.0),
        ("cs.CV", 2021, 1, 0.3333, None),
        ("cs.CL", 2022, 1, 0.5, -0.5),
        ("cs.LG", 2022, 1, 0.5, None),
        ("cs.CL", 2023, 1, 0.25, 0.0),
        ("cs.CV", 2023, 1, 0.25, None),      # 2021 had cs.CV, 2022 none: no growth figure
        ("cs.LG", 2023, 2, 0.5, 1.0),
        ("cs.AI", 2024, 1, 1.0, None),       # p11 (cs.AI) has no year
    ]


def test_author_timeline_per_year(db):
    got = rows(db, "SELECT author_id, display_name, year, papers, first_author_papers, coauthors, "
                   "citations, top_topic FROM analytics.author_timeline ORDER BY author_id, year")
    assert got == [
        ("ada", "Ada Lovelace", 2021, 3, 2, 2, 18, "cs.CL"),  # co-authors ben, cy; 4 + 10 + 4
        ("ada", "Ada Lovelace", 2022, 2, 1, 2, 6, "cs.CL"),   # cs.CL 1 = cs.LG 1: alphabetical
        ("ada", "Ada Lovelace", 2023, 1, 0, 1, 0, "cs.CL"),   # p06 never counted
        ("ben", "Ben Okri", 2021, 2, 1, 2, 14, "cs.CL"),     # 4 + 10
        ("ben", "Ben Okri", 2022, 1, 0, 2, 4, "cs.LG"),
        ("ben", "Ben Okri", 2023, 2, 1, 1, 7, "cs.CV"),       # cs.CV 1 = cs.LG 1
        ("cy", "Cy Twombly", 2021, 1, 0, 2, 4, "cs.CL"),
        ("cy", "Cy Twombly", 2022, 2, 1, 2, 6, "cs.CL"),
        ("cy", "Cy Twombly", 2023, 4, 3, 2, 8, "cs.LG"),      # co-authors ada, ben
        ("dee", "Dee Hart", 2023, 2, 0, 2, 8, "cs.LG"),       # not on a byline: every byline author
        ("fay", "Fay Wray", 2019, 1, 1, 0, 0, None),          # no topic that year
        ("fay", "Fay Wray", 2020, 3, 3, 0, 0, "cs.CL"),
        ("gus", "Gus Grissom", 2024, 1, 1, 0, 50, "cs.AI"),   # p11 has no year
    ]


def test_view_column_types(db):
    types = dict(rows(db, "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
                          "WHERE table_schema = 'analytics'"))
    for column in ("author_citations.papers", "author_citations.citations", "author_citations.h_index",
                   "author_timeline.papers", "author_timeline.first_author_papers",
                   "author_timeline.coauthors", "author_timeline.citations",
                   "topic_trends.papers", "citation_counts.citation_count"):
        assert types[column] in {"BIGINT", "INTEGER"}, (column, types[column])
    assert types["topic_trends.share"] == "DOUBLE"
    assert types["citation_counts.as_of"] == "TIMESTAMP WITH TIME ZONE"
