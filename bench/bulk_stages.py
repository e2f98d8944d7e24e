"""The bulk path without resolution: `python -m bench.bulk_stages --lines 1000000`.

Issue 15 asks the bulk path (1M realistic snapshot lines) to run at >= 1/3 of DuckDB's own
`read_json` rate in <= 2 GB. Resolution is measured on its own (bench/resolution_scale.py); this
times the other stages the same lines go through, each in a fresh guarded process:

- land + parse: bench/resolution_scale.py's `realistic` lines (real records' text, heavy-tailed
  bylines), `python -m bench.direct CAPTURES DB --stages land,parse`;
- validate + publish: the staging resolution would write for as many papers, synthesised by
  bench/views_bench.py (bylines, topics, sightings, citation snapshots, profiles), placed in the
  same workspace's staging folder, `python -m bench.direct CAPTURES DB --stages validate,publish`
  (great-expectations on every row, the key checks, the analytics tables, the atomic swap).

and DuckDB's `read_json` of the same file into a table of a fresh database file (the floor), in
the same run. Each stage's seconds and peak RSS (sampled every 20 ms, bench/direct.py), the sum,
its rate against the floor's. Prints one JSON line; `make bench` reports it (bench/report.py).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .proc import run_guarded

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
STAGES = ("land", "parse", "validate", "publish")


def duckdb_floor(snapshot: Path, work: Path, max_rss_mb: int) -> dict:
    db = work / "duckdb_floor.duckdb"
    code = ("import duckdb,sys; c=duckdb.connect(sys.argv[2]); c.execute(\"CREATE TABLE papers AS SELECT * FROM "
            "read_json(?, format='newline_delimited')\", [sys.argv[1]]); c.execute('CHECKPOINT')")
    out = run_guarded([sys.executable, "-c", code, snapshot, db], max_rss_mb=max_rss_mb)
    db.unlink(missing_ok=True)
    return out


def measure(n: int, work: Path, max_rss_mb: int = 8192, timeout: float = 3600) -> dict:
    from .resolution_scale import write_snapshot
    from .views_bench import DATA as VIEWS_DATA, GENERATOR_VERSION

    snapshot, meta = write_snapshot(n, "realistic")
    # the staging (cached) is generated before any timing, in a process of its own: the kernel's
    # peak RSS of a process survives fork and exec, so this one must stay small for its children's
    # figures to be their own
    made = subprocess.run([sys.executable, "-c", f"from bench.views_bench import staging; staging({n})"], cwd=ROOT)
    if made.returncode:
        raise SystemExit("bench.bulk_stages: could not synthesise the staging")
    folder = VIEWS_DATA / f"views-{n}-{GENERATOR_VERSION}"
    staged = {p.stem: p for p in folder.glob("*.parquet")}
    shutil.rmtree(work, ignore_errors=True)
    (work / "captures").mkdir(parents=True)
    os.link(snapshot, work / "captures" / snapshot.name)
    db = work / "warehouse.duckdb"
    direct = [sys.executable, "-m", "bench.direct", work / "captures", db, "--stages"]
    out: dict = {"lines": n, "bytes": meta["bytes"], "staging": "bench/views_bench.py synthetic, "
                 f"{n:,} papers", "runs": {}}
    out["runs"]["land,parse"] = run_guarded([*direct, "land,parse"], cwd=ROOT, max_rss_mb=max_rss_mb, timeout=timeout)
    sys.path.insert(0, str(ROOT))
    from papertrail.pipelines.workspace import Workspace
    ws = Workspace.for_db(db).ensure()
    for table, path in staged.items():
        os.link(path, ws.staging_dir / path.name)  # validation rewrites what it quarantines: a new file
    out["runs"]["validate,publish"] = run_guarded([*direct, "validate,publish"], cwd=ROOT, max_rss_mb=max_rss_mb,
                                                  timeout=timeout)
    out["duckdb"] = duckdb_floor(snapshot, work, max_rss_mb)
    seconds, peaks, start = {}, {}, {}
    for run in out["runs"].values():
        report = run.get("report") or {}
        seconds.update(report.get("stages") or {})
        peaks.update(report.get("stage_peak_rss_mb") or {})
        start.update(report.get("stage_start_rss_mb") or {})
    ok = all(run.get("ok") for run in out["runs"].values()) and all(s in seconds for s in STAGES)
    out.update(ok=ok, stages={s: seconds.get(s) for s in STAGES}, stage_peak_rss_mb={s: peaks.get(s) for s in STAGES},
               stage_start_rss_mb={s: start.get(s) for s in STAGES},
               max_rss_mb=max(run.get("max_rss_mb") or 0 for run in out["runs"].values()))
    if ok:
        total = sum(seconds[s] for s in STAGES)
        out["seconds"] = round(total, 2)
        if out["duckdb"].get("ok"):
            out["ratio_vs_duckdb"] = round(out["duckdb"]["seconds"] / total, 3)
    shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.bulk_stages", description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--max-rss-mb", type=int, default=8192)
    args = ap.parse_args()
    work = DATA / f"bulk-work-{os.getpid()}"
    try:
        result = measure(args.lines, work, args.max_rss_mb)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
