"""The benchmark suite: `make bench` (= `python -m bench`), or e.g.
`python -m bench --sizes 10000,100000 --large 0 --resolution-sizes '' --pages 1000`.

Side by side, per snapshot size (bench/resolution_scale.py's `realistic` lines: real records'
text, bylines from a heavy-tailed pool of people, three 300-name collaborations): papertrail end
to end (`papertrail run --captures`, cold and the no-op rerun), DuckDB's own read_json into a
table (the floor) and dlt into DuckDB; at the largest size each stage's time and memory (the
stage functions called directly, bench/direct.py); the bulk path without resolution (land, parse,
validate, publish at 1M lines against DuckDB's read_json, bench/bulk_stages.py); the `--large` size (3M lines, the full arXiv
snapshot's size) cold, for its growth from 1M; resolution alone at 30k..1M lines of realistic
and of heavily repeated bylines; author-page parsing in the parse stage on one and on every CPU,
and our selectolax parsers vs BeautifulSoup; each analytics view's query time on the largest
warehouse; Dagster's fixed cost (the CLI vs the same stage functions called directly).
Every command runs under a memory guard (`--max-rss-mb`, default 8 GB; the machine is shared).
dlt, BeautifulSoup and lxml live only in bench/.venv-dlt, created here on first use.
Prints the tables and issue 15's targets met or missed, and writes bench/results/bench-<time>.json.
Inputs are cached in bench/data/.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .proc import run_guarded
from .resolution_scale import measure as resolution_measure
from .resolution_scale import write_snapshot

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATA, RESULTS = BENCH / "data", BENCH / "results"
PY = ROOT / ".venv" / "bin" / "python"
PAPERTRAIL = ROOT / ".venv" / "bin" / "papertrail"
BENCH_VENV = BENCH / ".venv-dlt"
BENCH_REQUIREMENTS = ("dlt[duckdb]==1.31.0", "duckdb==2.0.0", "beautifulsoup4==4.15.0", "lxml==6.1.3")
TARGETS = {"throughput_vs_duckdb": 1 / 3, "max_rss_mb": 2048, "noop_share": 0.10, "view_s": 0.5,
           "pages_per_s_core": 500, "bs4_ratio": 25,
           "linear_slack": 1.25}  # "linear": time (memory) grows at most 1.25x as fast as the lines
GUARD = {"max_rss_mb": 8192, "timeout": 7200}


def timed(cmd: list, cwd: Path | None = None, env: dict | None = None, timeout: int | None = None) -> dict:
    """Wall seconds and the kernel's peak RSS of a command, its stdout's last line if JSON; killed
    past the memory guard (GUARD) or the timeout."""
    return run_guarded(cmd, cwd=cwd, env=env, max_rss_mb=GUARD["max_rss_mb"], timeout=timeout or GUARD["timeout"])


def bench_venv() -> Path:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        base = subprocess.run([PY, "-c", "import sys; print(sys._base_executable)"], capture_output=True,
                              text=True, check=True).stdout.strip()
        subprocess.run([base, "-m", "venv", BENCH_VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *BENCH_REQUIREMENTS], check=True)
    return python


def papertrail_runs(n: int, snapshot: Path, work: Path, noop: bool = True) -> dict:
    work.mkdir(parents=True)
    captures = work / "captures"
    captures.mkdir()
    os.link(snapshot, captures / snapshot.name)  # same bytes and mtime, no copy
    db = work / "warehouse.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(work / ".dagster")}
    (work / ".dagster").mkdir()
    cold = timed([PAPERTRAIL, "run", "--captures", captures, "--db", db], cwd=work, env=env)
    noop = timed([PAPERTRAIL, "run", "--captures", captures, "--db", db], cwd=work, env=env) \
        if cold["ok"] and noop else None
    return {"cold": cold, "noop": noop, "db": str(db)}


def duckdb_floor(snapshot: Path, work: Path) -> dict:
    db = work / "duckdb_floor.duckdb"
    code = ("import duckdb,sys; c=duckdb.connect(sys.argv[2]); c.execute(\"CREATE TABLE papers AS SELECT * FROM "
            "read_json(?, format='newline_delimited')\", [sys.argv[1]]); c.execute('CHECKPOINT')")
    return timed([PY, "-c", code, snapshot, db])


def dlt_run(snapshot: Path, work: Path) -> dict:
    return timed([bench_venv(), BENCH / "dlt_load.py", snapshot, work / "dlt.duckdb", work / "dlt-pipelines"])


def stage_profile(snapshot: Path, work: Path) -> dict:
    """Each stage's seconds, starting and peak RSS: the stage functions called directly."""
    folder = work / "stages"
    (folder / "captures").mkdir(parents=True)
    os.link(snapshot, folder / "captures" / snapshot.name)
    return timed([PY, "-m", "bench.direct", folder / "captures", folder / "warehouse.duckdb"], cwd=ROOT)


def synthetic_views(papers: int) -> dict:
    """bench/views_bench.py at `papers`: the views of a warehouse published from synthetic staging
    (independent of how far the pipeline itself gets at that size)."""
    run = timed([PY, "-m", "bench.views_bench", "--papers", str(papers)], cwd=ROOT)
    path = RESULTS / "views_bench.json"
    if run["ok"] and path.exists():
        size = json.loads(path.read_text())["sizes"].get(str(papers)) or {}
        run["report"] = {"papers": papers, "views": size.get("views", {}), "publish_s": size.get("publish_s")}
    return run


def view_times(db: str) -> dict:
    import duckdb
    con = duckdb.connect(db, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'analytics' "
                                           "ORDER BY view_name").fetchall()]
        out = {}
        for name in names:  # the median of three, as bench/views_bench.py (the machine is shared)
            times = []
            for _ in range(3):
                started = time.perf_counter()
                rows = con.execute(f"SELECT * FROM analytics.{name}").to_arrow_table().num_rows
                times.append(time.perf_counter() - started)
            out[name] = {"seconds": round(sorted(times)[1], 3), "first_seconds": round(times[0], 3), "rows": rows}
        return out
    finally:
        con.close()


def dagster_overhead(snapshot: Path, work: Path) -> dict:
    """The same input through `papertrail run` and through bench/direct.py, each in a fresh folder."""
    out = {}
    for kind in ("cli", "direct"):
        folder = work / f"overhead-{kind}"
        folder.mkdir(parents=True)
        (folder / "captures").mkdir()
        os.link(snapshot, folder / "captures" / snapshot.name)
        db = folder / "warehouse.duckdb"
        env = {**os.environ, "DAGSTER_HOME": str(folder / ".dagster")}
        (folder / ".dagster").mkdir()
        cmd = ([PAPERTRAIL, "run", "--captures", folder / "captures", "--db", db] if kind == "cli"
               else [PY, "-m", "bench.direct", folder / "captures", db])
        out[kind] = timed(cmd, cwd=ROOT if kind == "direct" else folder, env=env)
    out["dagster_seconds"] = round(out["cli"]["seconds"] - out["direct"]["seconds"], 3)
    return out


def page_runs(n: int, bs4_pages: int) -> dict:
    ours = timed([PY, "-m", "bench.pages", str(n)], cwd=ROOT)
    site = subprocess.run([PY, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # bs4 exists only in the bench venv; the project and its other dependencies come from .venv,
    # added as a site directory so that its .pth files (the editable install's finder, which maps
    # papertrail.pipelines onto pipelines/) are read: PYTHONPATH alone does not read them
    code = ("import runpy, site, sys; site.addsitedir(sys.argv[1]); sys.argv = ['bench.pages', *sys.argv[2:]]; "
            "runpy.run_module('bench.pages', run_name='__main__', alter_sys=True)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    theirs = timed([bench_venv(), "-c", code, site, str(bs4_pages), "--bs4", str(bs4_pages)], cwd=ROOT, env=env)
    return {"ours": ours, "bs4": theirs}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="snapshot lines, comma-separated")
    ap.add_argument("--large", type=int, default=3_000_000, help="the size whose growth from 1M is checked (0: skip)")
    ap.add_argument("--resolution-sizes", default="30000,100000,300000,1000000",
                    help="lines for resolution alone, both byline shapes ('' to skip)")
    ap.add_argument("--view-papers", type=int, default=1_000_000,
                    help="papers of the synthetic warehouse whose views are timed (bench/views_bench.py; 0: skip)")
    ap.add_argument("--bulk-lines", type=int, default=1_000_000,
                    help="lines for the bulk path without resolution (bench/bulk_stages.py; 0: skip)")
    ap.add_argument("--pages", default="1000,10000", help="author pages, comma-separated ('' to skip)")
    ap.add_argument("--dlt-max", type=int, default=100_000, help="largest size dlt is run at (it is slow)")
    ap.add_argument("--bs4-pages", type=int, default=200, help="pages parsed by both engines for the ratio")
    ap.add_argument("--max-rss-mb", type=int, default=GUARD["max_rss_mb"], help="kill a command above this RSS")
    args = ap.parse_args()
    GUARD["max_rss_mb"] = args.max_rss_mb
    sizes = [int(s) for s in args.sizes.split(",") if s]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    work_root = RESULTS / f"work-{stamp}"
    result = {"date": stamp, "machine": machine(), "guard_mb": args.max_rss_mb, "snapshot": {}, "pages": {},
              "generator": "bench/resolution_scale.py realistic"}
    try:
        for n in sizes:
            snapshot, _ = write_snapshot(n, "realistic")
            work = work_root / str(n)
            row = papertrail_runs(n, snapshot, work)
            row["duckdb"] = duckdb_floor(snapshot, work)
            if n <= args.dlt_max:
                row["dlt"] = dlt_run(snapshot, work)
            row["bytes"] = snapshot.stat().st_size
            result["snapshot"][n] = row
            print(f"snapshot {n}: {json.dumps({k: v.get('seconds') for k, v in row.items() if isinstance(v, dict)})}",
                  flush=True)
        done = [n for n in sizes if result["snapshot"][n]["cold"]["ok"]]
        if done:
            result["views"] = {"lines": max(done), **view_times(result["snapshot"][max(done)]["db"])}
            shutil.rmtree(work_root / str(max(done)), ignore_errors=True)  # its warehouse: GBs
        if sizes:
            biggest, _ = write_snapshot(max(sizes), "realistic")
            result["stages"] = {"lines": max(sizes), **stage_profile(biggest, work_root / "profile")}
            shutil.rmtree(work_root / "profile", ignore_errors=True)
            print(f"stages at {max(sizes)}: {(result['stages'].get('report') or {}).get('stages')}", flush=True)
            small, _ = write_snapshot(min(sizes), "realistic")
            result["dagster"] = dagster_overhead(small, work_root / "overhead")
        if args.large:
            snapshot, _ = write_snapshot(args.large, "realistic")
            work = work_root / str(args.large)
            run = papertrail_runs(args.large, snapshot, work, noop=False)
            run["bytes"] = snapshot.stat().st_size
            result["large"] = {"lines": args.large, **run}
            shutil.rmtree(work, ignore_errors=True)
            print(f"large {args.large}: {run['cold'].get('seconds')} s, {run['cold'].get('max_rss_mb')} MB "
                  f"{run['cold'].get('error', '')}", flush=True)
        result["resolution"] = {}
        for shape in ("realistic", "repeated"):
            skip: set = set()
            for n in [int(x) for x in args.resolution_sizes.split(",") if x]:
                row = resolution_measure(n, shape, work_root / "resolution", GUARD["max_rss_mb"], GUARD["timeout"],
                                         False, skip)
                result["resolution"].setdefault(shape, {})[n] = row
                res = row.get("resolve") or {}
                print(f"resolution {shape} {n}: {res.get('seconds')} s, {res.get('peak_rss_mb')} MB "
                      f"{res.get('error') or res.get('skipped') or ''}", flush=True)
        if args.bulk_lines:
            from .bulk_stages import measure as bulk_measure
            result["bulk"] = bulk_measure(args.bulk_lines, work_root / "bulk", GUARD["max_rss_mb"], GUARD["timeout"])
            print(f"bulk path without resolution at {args.bulk_lines}: {result['bulk'].get('stages')} "
                  f"vs DuckDB {result['bulk']['duckdb'].get('seconds')} s", flush=True)
        if args.view_papers:
            result["views_synthetic"] = synthetic_views(args.view_papers)
        for p in [int(s) for s in args.pages.split(",") if s]:
            result["pages"][p] = page_runs(p, min(args.bs4_pages, p))
    finally:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"bench-{stamp}.json"
        out.write_text(json.dumps(result, indent=2, default=str))
        shutil.rmtree(work_root, ignore_errors=True)
    print(table(result))
    print(f"\nwritten {out}")


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), None)
    load = os.getloadavg()
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_mb": mem, "python": platform.python_version(),
            "os": platform.platform(), "loadavg_at_start": [round(x, 2) for x in load]}


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "MISSED")


def table(r: dict) -> str:
    from .report import render
    return render(r, TARGETS, _met)


if __name__ == "__main__":
    main()
