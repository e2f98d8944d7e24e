"""Warehouse speed without the pipeline: `python -m bench.views_bench --papers 100000,1000000`.

Synthesises the staging Parquet that resolution would write for N papers (bylines of ~3.5
authors drawn from ~N/3 people with a skewed number of papers each, years 1990-2026 growing
towards the present, one to three topics, titles and abstracts from the real arXiv sample,
citation snapshots from OpenAlex, Semantic Scholar and Crossref at up to three capture times,
tracked authors with profile pages) and publishes it with the real `publish()`, so the real DDL
and sql/ run. Then times every analytics view fully fetched, both as Python tuples (`fetchall`)
and as an Arrow table, on a fresh read-only connection. Prints a table and writes
bench/results/views_bench.json. Staging is cached in bench/data/views-<N>/.

Randomness is hash(i, salt) inside DuckDB, so the data is the same on every run and thread count.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DATA, RESULTS = ROOT / "bench" / "data", ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from papertrail.pipelines.stages.runlog import RUNS_SCHEMA  # noqa: E402
from papertrail.pipelines.warehouse.publish import LOADED, publish, sql_statements  # noqa: E402
from papertrail.pipelines.workspace import Workspace  # noqa: E402

GENERATOR_VERSION = "g3"  # bump when generators() changes: it names the cached staging
TOPICS = 72            # distinct primary topics in the real 10^6 warehouse
AUTHORS_PER_PAPER = 0.335  # people per paper after resolution at 10^6 lines (335,041 / 10^6)
TRACKED = 1000         # authors with their own pages (profiles, listed papers)
CAPTURES = ["TIMESTAMPTZ '2025-11-01 12:00:00+00'", "TIMESTAMPTZ '2026-03-01 12:00:00+00'",
            "TIMESTAMPTZ '2026-06-01 12:00:00+00'"]

MACROS = """
CREATE MACRO u(i, salt) AS (hash(i, salt) % 1000000007) / 1000000007.0;
CREATE MACRO hexid(prefix, i) AS prefix || printf('%015x', ((i::HUGEINT * 11400714819323198485) % 1152921504606846976)::UBIGINT);
CREATE MACRO author_idx(i, pos, a) AS least(a - 1, floor(a * pow(u(i, 'au' || pos), 1.6)))::BIGINT;
"""

# Byline lengths as in the real 10^5 warehouse (1..15 authors, mean ~3.5).
BYLINE = "CASE WHEN u(i,'k') < .17 THEN 1 WHEN u(i,'k') < .40 THEN 2 WHEN u(i,'k') < .60 THEN 3 " \
         "WHEN u(i,'k') < .71 THEN 4 WHEN u(i,'k') < .80 THEN 5 WHEN u(i,'k') < .89 THEN 6 " \
         "WHEN u(i,'k') < .985 THEN 8 ELSE 10 + floor(u(i,'k2') * 6)::INT END"


def generators(n: int) -> dict[str, str]:
    """A SELECT per staged table over `idx(i)` = range(n) and the text pool `pool(j, title, abstract)`."""
    a = max(50, round(n * AUTHORS_PER_PAPER))
    cap = lambda k: f"[{', '.join(CAPTURES)}][{k}]"  # noqa: E731
    return {
        "papers": f"""
            SELECT hexid('P', i) AS paper_id, pool.title || ' (' || i || ')' AS title,
                   pool.abstract || ' Variant ' || i || '.' AS abstract,
                   make_date(y::INT, 1 + (hash(i,'m') % 12)::INT, 1 + (hash(i,'d') % 28)::INT) AS published_on,
                   y::INT AS year,
                   CASE WHEN u(i,'nt') < .01 THEN NULL ELSE topic_code(floor({TOPICS} * pow(u(i,'t'), 2))::INT) END AS primary_topic,
                   printf('%02d%02d.%05d', 7 + i // 1200000, 1 + (i // 100000) % 12, i % 100000) AS arxiv_id,
                   CASE WHEN u(i,'doi') < .5 THEN '10.1000/p' || i END AS doi,
                   u(i,'code') < .1 AS has_code, (5 + hash(i,'pg') % 40)::INT AS page_count,
                   CASE WHEN u(i,'oa') < .6 THEN 'W' || i END AS openalex_id,
                   CASE WHEN u(i,'s2') < .4 THEN 's' || i END AS s2_id, 'arXiv' AS venue,
                   'day' AS date_precision, false AS authors_truncated,
                   (1 + (u(i,'oa') < .6)::INT + (u(i,'s2') < .4)::INT) AS records,
                   (1 + (u(i,'oa') < .6)::INT + (u(i,'s2') < .4)::INT) AS sources
            FROM (SELECT i, CASE WHEN u(i,'ny') < .01 THEN NULL
                                 ELSE 1990 + least(36, floor(37 * sqrt(u(i,'y')))) END AS y FROM idx) JOIN pool ON j = i % (SELECT count(*) FROM pool)""",
        "authors": f"""
            SELECT hexid('A', i) AS author_id, name AS display_name,
                   CASE WHEN u(i,'v') < .2 THEN [name, upper(name[1]) || '. ' || split_part(name, ' ', 2)] ELSE [name] END AS name_variants
            FROM (SELECT i, 'Given' || (i % 997) || ' Family' || (i // 997) AS name FROM range({a}) r(i))""",
        "authorships": f"""
            SELECT hexid('P', i) AS paper_id, hexid('A', author_idx(i, pos, {a})) AS author_id, pos::INT AS position,
                   'Given' || (author_idx(i, pos, {a}) % 997) || ' Family' || (author_idx(i, pos, {a}) // 997) AS name_as_written,
                   NULL::VARCHAR AS orcid, []::VARCHAR[] AS affiliations
            FROM (SELECT i, unnest(range(1, 1 + {BYLINE})) AS pos FROM idx)""",
        "paper_topics": f"""
            SELECT hexid('P', i) AS paper_id, topic_code((floor({TOPICS} * pow(u(i,'t'), 2))::INT + off) % {TOPICS}) AS topic,
                   'arxiv' AS source
            FROM (SELECT i, unnest([0, 1 + (hash(i,'o1') % 30)::INT, 32 + (hash(i,'o2') % 30)::INT]
                                   [1:CASE WHEN u(i,'nk') < .5 THEN 1 WHEN u(i,'nk') < .75 THEN 2 ELSE 3 END]) AS off FROM idx)""",
        "topic_labels": """
            SELECT hexid('P', i) AS paper_id, 'openalex' AS scheme, 'T' || (hash(i,'tl') % 4000) AS topic,
                   'Label ' || (hash(i,'tl') % 4000) AS label, 'F' || (hash(i,'tl') % 40) AS parent,
                   u(i,'sc') AS score, 'openalex' AS source
            FROM idx WHERE u(i,'oa') < .6""",
        "sightings": f"""
            SELECT hexid('P', i) AS paper_id, src AS source, src || '/capture-' || (i // 10000) AS capture,
                   src || ':' || i AS record_ref, {cap(2)} AS captured_at, 'title ' || i AS title_seen,
                   NULL::DATE AS published_on_seen,
                   list_transform(range((1 + hash(i,'k') % 6)::BIGINT), x -> 'Au' || hash(i, x) % 1000) AS authors_seen,
                   false AS authors_truncated_seen
            FROM (SELECT i, unnest(['arxiv_snapshot'] || CASE WHEN u(i,'oa') < .6 THEN ['openalex'] ELSE [] END
                                   || CASE WHEN u(i,'s2') < .4 THEN ['semantic_scholar'] ELSE [] END) AS src FROM idx)""",
        "author_profiles": f"""
            SELECT hexid('A', t) AS author_id, src AS source, src || '/author-' || t AS capture,
                   {cap('c')} AS captured_at, (5 + hash(t,'h') % 60 + c)::BIGINT AS h_index,
                   (100 + hash(t,'c') % 50000 + 100 * c)::BIGINT AS citation_count, (70 + hash(t,'p') % 300)::BIGINT AS paper_count,
                   NULL::BIGINT AS i10_index, 'Given' || (t % 997) || ' Family' || (t // 997) AS name_as_written,
                   NULL::JSON AS extra, src || ':' || t || ':' || c AS record_ref
            FROM range({min(TRACKED, a)}) r(t), (VALUES ('scored_profile'), ('catalyzex')) s(src), range(2, 4) c(c)""",
        # Tracked authors' pages list ~70% of their bylines, plus papers whose byline was cut.
        "profile_papers": f"""
            SELECT DISTINCT author_id, paper_id, src AS source, src || '/author-' || author_id AS capture FROM (
                SELECT hexid('A', author_idx(i, pos, {a})) AS author_id, hexid('P', i) AS paper_id, u(i, 'pp' || pos) AS r
                FROM (SELECT i, unnest(range(1, 1 + {BYLINE})) AS pos FROM idx) WHERE author_idx(i, pos, {a}) < {TRACKED}
                UNION ALL
                SELECT hexid('A', t), hexid('P', hash(t, x) % {n}), 0 FROM range({min(TRACKED, a)}) r(t), range(5) x(x)
            ), (VALUES ('scored_profile'), ('catalyzex')) s(src) WHERE r < .7""",
        "citation_snapshots": f"""
            SELECT hexid('P', i) AS paper_id, src AS source, {cap('c')} AS captured_at,
                   (floor(exp(u(i, 'cc') * 8)) - 1 + (c - 1) * floor(u(i, src) * 5))::BIGINT AS citation_count,
                   CASE WHEN src = 'semantic_scholar' THEN (hash(i,'inf') % 5)::BIGINT END AS influential_citation_count
            FROM idx, (VALUES ('openalex', .6), ('semantic_scholar', .4), ('crossref', .25)) s(src, p), range(1, 4) c(c)
            WHERE u(i, src) < p AND c <= 1 + hash(i, src, 'n') % 3""",
        "citations_by_year": f"""
            SELECT hexid('P', i) AS paper_id, 'openalex' AS source, {cap(3)} AS captured_at, (2021 + y)::INT AS year,
                   (hash(i, y) % 50)::BIGINT AS cited_by_count
            FROM idx, range(5) r(y) WHERE u(i,'cby') < .1""",
        # a conference paper and its journal version kept apart: pairs of neighbouring papers
        "paper_relations": """
            SELECT hexid('P', i) AS paper_id, hexid('P', i + 1) AS related_paper_id, 'version_of' AS relation,
                   round(10 + 20 * u(i,'rw'), 2) AS weight
            FROM idx WHERE u(i,'rel') < .002 AND i + 1 < (SELECT count(*) FROM idx)""",
        "quarantine": """
            SELECT 'parse' AS stage, 'arxiv_snapshot' AS source, 'captures/bad.jsonl' AS capture, 'q:' || i AS record_ref,
                   'invalid JSON line' AS reason, '{"id": ' || i AS payload, TIMESTAMPTZ '2026-06-01 12:00:00+00' AS seen_at
            FROM idx WHERE i < 500""",
        "merges": """
            SELECT 'paper' AS entity, hexid('P', i) AS entity_id, 'arxiv' AS rule, 'arxiv:' || i AS key,
                   ['arxiv_snapshot:' || i, 'openalex:' || i] AS records
            FROM idx WHERE u(i,'oa') < .6 AND i < 100000""",
    }


def text_pool() -> list[tuple[str, str]]:
    """Titles and abstracts of the real arXiv sample (the bench's own source), else plain words."""
    try:
        from bench.generate import real_records
        pool = [(" ".join(r["title"].split()), " ".join(r["abstract"].split())) for r in real_records()]
        if pool:
            return pool
    except (OSError, KeyError, ValueError):
        pass
    words = "graph neural model learning sparse quantum field energy network optimal bound".split()
    return [(" ".join(words[(j + k) % len(words)] for k in range(9)).title(),
             " ".join(words[(j * k) % len(words)] for k in range(160))) for j in range(200)]


def staging(n: int) -> dict[str, Path]:
    """Typed staging Parquet for n papers (cached per n and per version of this generator)."""
    folder = DATA / f"views-{n}-{GENERATOR_VERSION}"
    paths = {table: folder / f"{table}.parquet" for table in LOADED}
    if all(p.exists() for p in paths.values()):
        return paths
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    con = duckdb.connect()
    try:
        # real arXiv codes, so that the staging passes validation as resolution's would
        from papertrail.pipelines.normalize.topics import arxiv_taxonomy
        codes = sorted(arxiv_taxonomy())[:TOPICS]
        con.execute(MACROS)
        con.execute(f"CREATE MACRO topic_code(k) AS [{', '.join(repr(c) for c in codes)}][1 + k]")
        for _, statement in sql_statements("schema"):
            con.execute(statement)
        con.execute(f"CREATE TABLE idx AS SELECT range AS i FROM range({n})")
        pool = text_pool()
        con.execute("CREATE TABLE pool AS SELECT * FROM (SELECT unnest(range(?)) AS j, unnest(?) AS title, unnest(?) AS abstract)",
                    [len(pool), [t for t, _ in pool], [x for _, x in pool]])
        for table, query in generators(n).items():
            target = LOADED[table]
            # a copy without constraints, so that the generator is typed by the DDL
            con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS FROM {target} LIMIT 0")
            con.execute(f"INSERT INTO typed BY NAME {query}")
            order = {"authorships": "paper_id, position", "authors": "author_id"}.get(table, "paper_id" if table in (
                "papers", "paper_topics", "sightings", "citation_snapshots", "citations_by_year", "topic_labels") else "ALL")
            con.execute(f"COPY (FROM typed ORDER BY {order}) TO '{tmp / (table + '.parquet')}' (FORMAT parquet)")
    finally:
        con.close()
    missing = sorted(t for t in LOADED if not (tmp / f"{t}.parquet").exists())
    if missing:  # a staged table without a generator here: say so, do not cache a broken set
        raise SystemExit(f"bench.views_bench: no generator for staged table(s) {', '.join(missing)}")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return paths


def runs_frame() -> pl.DataFrame:
    now = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    return pl.DataFrame([{"run_id": "bench", "started_at": now, "finished_at": now, "status": "success",
                          "rows_in": 0, "rows_loaded": 0, "rows_quarantined": 0, "captures_seen": 0,
                          "captures_new": 0, "message": None}], schema=RUNS_SCHEMA)


def publish_only(n: int, db: Path) -> None:
    """Child process: publish the cached staging, print seconds and row counts as JSON."""
    paths = staging(n)
    started = time.perf_counter()
    counts = publish(Workspace.for_db(db), paths, runs_frame())
    print(json.dumps({"seconds": round(time.perf_counter() - started, 3), "counts": counts}))


def time_views(db: Path, repeat: int) -> dict:
    """Each view fully fetched, on a fresh read-only connection: median of `repeat` per mode."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'analytics' "
                                           "ORDER BY view_name").fetchall()]
        out = {}
        for name in names:
            sql = f"SELECT * FROM analytics.{name}"
            modes = {"arrow": lambda: con.execute(sql).to_arrow_table().num_rows,
                     "fetchall": lambda: len(con.execute(sql).fetchall())}
            row = {}
            for mode, run in modes.items():
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    rows = run()
                    times.append(time.perf_counter() - started)
                row[f"{mode}_s"] = round(statistics.median(times), 3)
                row[f"{mode}_first_s"] = round(times[0], 3)
                row["rows"] = rows
            out[name] = row
        return out
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", default="100000", help="comma-separated sizes (default 100000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the published warehouse in bench/data/")
    ap.add_argument("--publish-only", nargs=2, metavar=("N", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.publish_only:
        publish_only(int(args.publish_only[0]), Path(args.publish_only[1]))
        return 0
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(),
              "python": platform.python_version(), "duckdb": duckdb.__version__,
              "loadavg_at_start": [round(x, 2) for x in os.getloadavg()], "sizes": {}}
    for n in (int(x) for x in args.papers.split(",")):
        started = time.perf_counter()
        staging(n)
        synth = time.perf_counter() - started
        db = DATA / f"views-{n}.duckdb"
        db.unlink(missing_ok=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run([sys.executable, "-m", "bench.views_bench", "--publish-only", str(n), str(db)],
                              cwd=ROOT, capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return 1
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        pub = json.loads(proc.stdout.strip().splitlines()[-1])
        size = {"synth_s": round(synth, 1), "publish_s": pub["seconds"], "publish_peak_rss_mb": rss // 1024 if rss > before else None,
                "db_mb": round(db.stat().st_size / 1e6, 1), "counts": pub["counts"], "views": time_views(db, args.repeat)}
        result["sizes"][n] = size
        if not args.keep:
            db.unlink()
        print(f"\n{n:,} papers: publish {size['publish_s']:.1f} s (peak RSS {size['publish_peak_rss_mb']} MB, "
              f"file {size['db_mb']} MB); authorships {pub['counts']['core.authorships']:,}, authors "
              f"{pub['counts']['core.authors']:,}, citation snapshots {pub['counts']['core.citation_snapshots']:,}")
        print("| view | rows | arrow s (median) | arrow first s | fetchall s (median) | fetchall first s | <= 0.5 s (arrow / fetchall) |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for name, v in size["views"].items():
            ok = lambda s: "met" if s <= 0.5 else "missed"  # noqa: E731
            print(f"| {name} | {v['rows']:,} | {v['arrow_s']:.3f} | {v['arrow_first_s']:.3f} | {v['fetchall_s']:.3f} "
                  f"| {v['fetchall_first_s']:.3f} | {ok(v['arrow_s'])} / {ok(v['fetchall_s'])} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "views_bench.json").write_text(json.dumps(result, indent=2))
    print(f"\nwrote {RESULTS / 'views_bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
