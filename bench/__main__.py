"""The benchmark suite: `make bench` (= `python -m bench`), or e.g.
`python -m bench --sizes 10000,100000 --pages 1000`.

Side by side, per snapshot size: papertrail end to end (`papertrail run --captures`, cold and
the no-op rerun), DuckDB's own read_json into a table (the floor) and dlt into DuckDB; author-page
parsing with our selectolax parsers vs BeautifulSoup; each analytics view's query time on the
largest warehouse; Dagster's fixed cost (the CLI vs the same stage functions called directly).
dlt, BeautifulSoup and lxml live only in bench/.venv-dlt, created here on first use.
Prints a table and writes bench/results/bench-<time>.json. Inputs are cached in bench/data/.
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

from .generate import write_snapshot

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATA, RESULTS = BENCH / "data", BENCH / "results"
PY = ROOT / ".venv" / "bin" / "python"
PAPERTRAIL = ROOT / ".venv" / "bin" / "papertrail"
BENCH_VENV = BENCH / ".venv-dlt"
BENCH_REQUIREMENTS = ("dlt[duckdb]==1.31.0", "duckdb==2.0.0", "beautifulsoup4==4.15.0", "lxml==6.1.3")
TARGETS = {"throughput_vs_duckdb": 1 / 3, "max_rss_mb": 2048, "noop_share": 0.10, "view_s": 0.5,
           "pages_per_s_core": 500, "bs4_ratio": 25}


def timed(cmd: list[str], cwd: Path | None = None, env: dict | None = None, timeout: int = 7200) -> dict:
    """Wall seconds and peak RSS (GNU time) of a command; its stdout's last line if JSON."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(["/usr/bin/time", "-v", *map(str, cmd)], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timeout after {timeout}s", "seconds": float(timeout)}
    wall = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    out = {"ok": proc.returncode == 0, "seconds": round(wall, 3), "max_rss_mb": int(rss.group(1)) // 1024 if rss else None}
    last = proc.stdout.strip().splitlines()[-1:] or [""]
    if last[0].startswith("{"):
        out["report"] = json.loads(last[0])
    if proc.returncode:
        out["error"] = (proc.stderr.strip().splitlines() or ["?"])[-25:]
    return out


def bench_venv() -> Path:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        base = subprocess.run([PY, "-c", "import sys; print(sys._base_executable)"], capture_output=True,
                              text=True, check=True).stdout.strip()
        subprocess.run([base, "-m", "venv", BENCH_VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *BENCH_REQUIREMENTS], check=True)
    return python


def papertrail_runs(n: int, snapshot: Path, work: Path) -> dict:
    work.mkdir(parents=True)
    captures = work / "captures"
    captures.mkdir()
    os.link(snapshot, captures / snapshot.name)  # same bytes and mtime, no copy
    db = work / "warehouse.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(work / ".dagster")}
    (work / ".dagster").mkdir()
    cold = timed([PAPERTRAIL, "run", "--captures", captures, "--db", db], cwd=work, env=env)
    noop = timed([PAPERTRAIL, "run", "--captures", captures, "--db", db], cwd=work, env=env) if cold["ok"] else None
    return {"cold": cold, "noop": noop, "db": str(db)}


def duckdb_floor(snapshot: Path, work: Path) -> dict:
    db = work / "duckdb_floor.duckdb"
    code = ("import duckdb,sys; c=duckdb.connect(sys.argv[2]); c.execute(\"CREATE TABLE papers AS SELECT * FROM "
            "read_json(?, format='newline_delimited')\", [sys.argv[1]]); c.execute('CHECKPOINT')")
    return timed([PY, "-c", code, snapshot, db])


def dlt_run(snapshot: Path, work: Path) -> dict:
    return timed([bench_venv(), BENCH / "dlt_load.py", snapshot, work / "dlt.duckdb", work / "dlt-pipelines"])


def view_times(db: str) -> dict:
    import duckdb
    con = duckdb.connect(db, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'analytics' "
                                           "ORDER BY view_name").fetchall()]
        out = {}
        for name in names:
            started = time.perf_counter()
            rows = con.execute(f"SELECT * FROM analytics.{name}").to_arrow_table().num_rows
            out[name] = {"seconds": round(time.perf_counter() - started, 3), "rows": rows}
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
    # bs4 exists only in the bench venv; the project and its other dependencies come from .venv
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{site}"}
    theirs = timed([bench_venv(), "-m", "bench.pages", str(bs4_pages), "--bs4", str(bs4_pages)], cwd=ROOT, env=env)
    return {"ours": ours, "bs4": theirs}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="snapshot lines, comma-separated")
    ap.add_argument("--pages", default="1000,10000", help="author pages, comma-separated ('' to skip)")
    ap.add_argument("--dlt-max", type=int, default=100_000, help="largest size dlt is run at (it is slow)")
    ap.add_argument("--bs4-pages", type=int, default=200, help="pages parsed by both engines for the ratio")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    work_root = RESULTS / f"work-{stamp}"
    result = {"date": stamp, "machine": machine(), "snapshot": {}, "pages": {}}
    for n in sizes:
        snapshot = write_snapshot(DATA / f"snapshot-{n}.jsonl", n)
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
        small = DATA / f"snapshot-{min(sizes)}.jsonl"
        result["dagster"] = dagster_overhead(small, work_root / "overhead")
    for p in [int(s) for s in args.pages.split(",") if s]:
        result["pages"][p] = page_runs(p, min(args.bs4_pages, p))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(table(result))
    print(f"\nwritten {out}")
    shutil.rmtree(work_root, ignore_errors=True)


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
