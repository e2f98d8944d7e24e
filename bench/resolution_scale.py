"""How resolution scales with the input's size and shape: `python -m bench.resolution_scale`.

Two shapes of arXiv-snapshot JSON lines, deterministic for a size and seed, at 30k/100k/300k/1M
lines (`--sizes`):

- `realistic`: bench/generate.py's records (real text, new ids, dates and categories) with every
  byline drawn from a heavy-tailed pool of n/3 people named from the real records' name parts
  (person index floor(pool * u^1.6): the busiest person is on ~0.1 % of papers, most on one or
  two), plus three 300-name collaborations, each on 0.02 % of the lines with a few members missing
  per paper. (generate.py keeps the real byline on a quarter of the lines: its 200 real bylines
  each recur on n/800 papers, itself a repeated-byline shape, so it is not used here.)
- `repeated`: the same, but one 300-name collaboration's exact byline is on 1 % of the lines
  (300 papers at 30k, 10,000 at 1M): 300 names each recurring thousands of times.

A third shape, `heavy_tail` (`--shapes heavy_tail`: `realistic` without the collaborations), tells
the collaborations' share of the cost from the heavy tail's.

For each shape and size, each in a fresh process (bench/direct.py's stage functions, no Dagster):
land + parse; then **resolve alone** on that parsed workspace (time and the process's peak RSS, as
the kernel counts it); then, unless `--no-cold`, the **whole cold run** (land → reports) in a new
workspace, with each stage's seconds and peak RSS. A child whose RSS passes `--max-rss-mb`
(default 8 GB, the machine is shared) or runs past `--timeout` is killed and recorded as such;
bigger sizes of that shape then skip that measurement (a quadratic stage only gets worse).
Prints a table and writes bench/results/resolution-scale-<time>.json. Inputs are cached in
bench/data/resolution-<shape>-<n>.jsonl.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .generate import DAYS, MONTHS, SPAN, START, _pools, real_records
from .proc import run_guarded

ROOT = Path(__file__).resolve().parents[1]
DATA, RESULTS = ROOT / "bench" / "data", ROOT / "bench" / "results"
SIZES = (30_000, 100_000, 300_000, 1_000_000)
SHAPES = ("realistic", "repeated")
ALL_SHAPES = (*SHAPES, "heavy_tail")
COLLABORATION = 300          # names on a collaboration's byline
REALISTIC_COLLABORATIONS = 3  # each on COLLABORATION_SHARE of the lines
COLLABORATION_SHARE = 0.0002
REPEATED_SHARE = 0.01         # the `repeated` shape: one byline on 1 % of the lines
SKEW = 1.6                    # person index = floor(pool * u ** SKEW)
GENERATOR_VERSION = "r2"      # bump when the lines change: it names the cached files
TARGET_MB = 2048


def _person(p: int, firsts: list[str], lasts: list[str]) -> list[str]:
    """authors_parsed entry of person p: distinct family names past the real pool get a suffix."""
    return [lasts[p % len(lasts)] + ("" if p < len(lasts) else f"-{p // len(lasts)}"), firsts[(p * 7919) % len(firsts)], ""]


def _byline(parsed: list[list[str]]) -> str:
    names = [f"{first} {last}" for last, first, _ in parsed]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def snapshot_lines(n: int, shape: str, seed: int = 15):
    """n JSON lines (bytes, newline-terminated) of `shape`, the same for the same n, shape and seed.
    Yields (line, byline slots)."""
    if shape not in ALL_SHAPES:
        raise ValueError(f"shape must be one of {ALL_SHAPES}")
    records = real_records()
    firsts, lasts, cats = _pools(records)
    people = max(50, n // 3)
    setup = random.Random(seed)
    collaborations = [setup.sample(range(people), min(COLLABORATION, people)) for _ in range(REALISTIC_COLLABORATIONS)]
    repeated = setup.sample(range(people), min(COLLABORATION, people))
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        base = records[i % len(records)]
        day = START + timedelta(days=rng.randrange(SPAN))
        arxiv_id = f"{8 + (i // 100_000) // 12 % 19:02d}{1 + (i // 100_000) % 12:02d}.{i % 100_000:05d}"
        rec = dict(base)
        rec["id"] = arxiv_id
        rec["title"] = f"{base['title']} ({i})"
        rec["abstract"] = base["abstract"].rstrip("\n") + f" Variant {i}.\n"
        rec["doi"] = f"10.48550/arXiv.{arxiv_id}" if rng.random() < 0.3 else None
        rec["categories"] = " ".join(dict.fromkeys(rng.sample(cats, rng.choice((1, 1, 2, 3)))))
        created = f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year} 12:00:00 GMT"
        rec["versions"] = [{"version": "v1", "created": created}]
        rec["update_date"] = day.isoformat()
        draw = rng.random()
        if shape == "repeated" and draw < REPEATED_SHARE:
            chosen = repeated  # the very same byline, every time
        elif shape != "heavy_tail" and draw >= 1 - COLLABORATION_SHARE * REALISTIC_COLLABORATIONS:
            members = collaborations[int((1 - draw) / COLLABORATION_SHARE) % REALISTIC_COLLABORATIONS]
            chosen = [p for p in members if rng.random() >= 0.02]  # a few members missing per paper
        else:
            k = rng.choice((1, 2, 2, 3, 3, 4, 5, 6, 8))
            chosen = list(dict.fromkeys(int(people * rng.random() ** SKEW) for _ in range(k)))
        parsed = [_person(p, firsts, lasts) for p in chosen]
        rec["authors_parsed"] = parsed
        rec["authors"] = _byline(parsed)
        slots = len(parsed)
        yield (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode(), slots


def snapshot_path(n: int, shape: str) -> Path:
    return DATA / f"resolution-{shape}-{n}-{GENERATOR_VERSION}.jsonl"


def write_snapshot(n: int, shape: str) -> tuple[Path, dict]:
    """Writes (once) the n-line file of `shape`; returns its path and facts (bytes, byline slots)."""
    path = snapshot_path(n, shape)
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    slots = 0
    with open(tmp, "wb") as out:
        buf = []
        for line, k in snapshot_lines(n, shape):
            buf.append(line)
            slots += k
            if len(buf) >= 10_000:
                out.write(b"".join(buf))
                buf.clear()
        out.write(b"".join(buf))
    tmp.replace(path)
    meta = {"lines": n, "shape": shape, "bytes": path.stat().st_size, "byline_slots": slots}
    meta_path.write_text(json.dumps(meta))
    return path, meta


def run_child(args: list, max_rss_mb: int, timeout: float) -> dict:
    """`python -m bench.direct ARGS` in a fresh process: seconds, its peak RSS (the kernel's), its
    JSON report; killed (and said so) past max_rss_mb of resident memory or timeout seconds."""
    out = run_guarded([sys.executable, "-m", "bench.direct", *args], cwd=ROOT, max_rss_mb=max_rss_mb, timeout=timeout)
    out["peak_rss_mb"] = out.pop("max_rss_mb")
    return out


def measure(n: int, shape: str, work: Path, max_rss_mb: int, timeout: float, cold: bool, skip: set) -> dict:
    snapshot, meta = write_snapshot(n, shape)
    row = {**meta}
    folder = work / f"{shape}-{n}"
    captures = folder / "captures"
    captures.mkdir(parents=True)
    os.link(snapshot, captures / snapshot.name)
    db = folder / "resolve" / "warehouse.duckdb"
    db.parent.mkdir()
    if "resolve" in skip:  # nothing to time: a smaller size was already killed
        row["land_parse"] = {"ok": False, "skipped": "a smaller size was killed"}
        row["resolve"] = {"ok": False, "skipped": "a smaller size was killed"}
    else:
        row["land_parse"] = run_child([captures, db, "--stages", "land,parse"], max_rss_mb, timeout)
    if "resolve" not in skip and row["land_parse"]["ok"]:
        row["resolve"] = run_child([captures, db, "--stages", "resolve"], max_rss_mb, timeout)
        if not row["resolve"]["ok"]:
            skip.add("resolve")
            skip.add("cold")
    shutil.rmtree(db.parent, ignore_errors=True)
    if cold and "cold" in skip:
        row["cold"] = {"ok": False, "skipped": "resolve alone was killed at this or a smaller size"}
    elif cold:
        db = folder / "cold" / "warehouse.duckdb"
        db.parent.mkdir()
        row["cold"] = run_child([captures, db], max_rss_mb, timeout)
        if not row["cold"]["ok"]:
            skip.add("cold")
    shutil.rmtree(folder, ignore_errors=True)
    return row


def _ratio(a, b):
    return a / b if a and b else None


def table(result: dict) -> str:
    """One table per shape, then the growth between neighbouring sizes and the verdicts."""
    out = [f"resolution scale {result['date']} — {result['machine']}", ""]
    verdicts = []
    for shape, rows in result["shapes"].items():
        out += [f"**{shape}**", "",
                "| lines | MB | byline slots | resolve s | resolve peak RSS MB | cold s | cold peak RSS MB | cold stages s (peak MB) |",
                "|---:|---:|---:|---:|---:|---:|---:|---|"]
        sizes = sorted(rows, key=int)
        for n in sizes:
            r = rows[n]
            res, cold = r.get("resolve") or {}, r.get("cold") or {}

            def cell(m: dict, key: str) -> str:
                if m.get("ok"):
                    return f"{m[key]:,.1f}" if key == "seconds" else f"{m[key]:,}"
                return m.get("error") or m.get("skipped") or "—"
            rep = cold.get("report") or {}
            stages = ", ".join(f"{k} {v:.1f} ({rep['stage_peak_rss_mb'][k]:,})" for k, v in rep.get("stages", {}).items()
                               if k != "check") if cold.get("ok") else ""
            out.append(f"| {int(n):,} | {r['bytes'] / 1e6:,.0f} | {r['byline_slots']:,} | {cell(res, 'seconds')} | "
                       f"{cell(res, 'peak_rss_mb') if res.get('ok') else '—'} | {cell(cold, 'seconds') if cold else '—'} | "
                       f"{cell(cold, 'peak_rss_mb') if cold.get('ok') else '—'} | {stages} |")
        out += ["", "| from → to | lines × | slots × | resolve s × | resolve RSS above start × |", "|---|---:|---:|---:|---:|"]
        for a, b in zip(sizes, sizes[1:]):
            ra, rb = rows[a].get("resolve") or {}, rows[b].get("resolve") or {}
            grow = lambda m: (m.get("report") or {}).get("stage_peak_rss_mb", {}).get("resolve", 0) - \
                (m.get("report") or {}).get("stage_start_rss_mb", {}).get("resolve", 0)  # noqa: E731
            t = _ratio(rb.get("seconds"), ra.get("seconds")) if ra.get("ok") and rb.get("ok") else None
            m = _ratio(grow(rb), grow(ra)) if ra.get("ok") and rb.get("ok") else None
            out.append(f"| {int(a):,} → {int(b):,} | {int(b) / int(a):.2f} | "
                       f"{rows[b]['byline_slots'] / max(1, rows[a]['byline_slots']):.2f} | "
                       f"{'—' if t is None else f'{t:.2f}'} | {'—' if m is None else f'{m:.2f}'} |")
        big = rows[max(sizes, key=int)]
        res = big.get("resolve") or {}
        ok = res.get("ok") and res["peak_rss_mb"] <= TARGET_MB
        verdicts.append(f"{shape} at {int(max(sizes, key=int)):,} lines: resolve peak RSS ≤ 2 GB: "
                        f"{'met' if ok else 'MISSED'} ({res.get('peak_rss_mb', '—') if res.get('ok') else res.get('error') or res.get('skipped')})")
        out.append("")
    return "\n".join(out + verdicts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.resolution_scale", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="lines, comma-separated")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="realistic,repeated")
    ap.add_argument("--max-rss-mb", type=int, default=8192, help="kill a child above this resident size")
    ap.add_argument("--timeout", type=float, default=1800, help="kill a child running longer (s)")
    ap.add_argument("--no-cold", action="store_true", help="only land+parse and resolve, not the whole cold run")
    ap.add_argument("--generate-only", action="store_true", help="write the input files and stop")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    shapes = [s for s in args.shapes.split(",") if s]
    if args.generate_only:
        for shape in shapes:
            for n in sizes:
                path, meta = write_snapshot(n, shape)
                print(path, meta, flush=True)
        return 0
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    from .__main__ import machine
    m = machine()
    result = {"date": stamp, "machine": f"{m['cpu']}, {m['cores']} cores, {m['mem_mb']:,} MB, Python {m['python']}, "
                                        f"load at start {m['loadavg_at_start']}",
              "max_rss_mb": args.max_rss_mb, "timeout": args.timeout, "shapes": {}}
    work = RESULTS / f"work-resolution-{stamp}"
    try:
        for shape in shapes:
            skip: set = set()
            result["shapes"][shape] = {}
            for n in sizes:
                row = measure(n, shape, work, args.max_rss_mb, args.timeout, not args.no_cold, skip)
                result["shapes"][shape][n] = row
                brief = {k: (v.get("seconds"), v.get("peak_rss_mb"), v.get("error") or v.get("skipped"))
                         for k, v in row.items() if isinstance(v, dict)}
                print(f"{shape} {n:,}: {brief}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"resolution-scale-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print()
    print(table(result))
    print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
