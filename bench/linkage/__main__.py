"""Score resolution on the public benchmarks: `python -m bench.linkage` (= `make bench-linkage`).

    .venv/bin/python -m bench.linkage [--datasets dblp-acm,aminer] [--db WAREHOUSE] [--threshold 90]

For each dataset: convert it into captures if needed (bench/data/<name>/, from `make bench-data`),
run `papertrail run --captures` cold into bench/data/<name>/run/ (kept for inspection), score the
published warehouse, score the plain-rule baselines on the same data, print a table and write
everything to bench/results/linkage-<UTC time>.json. `--db` scores an existing warehouse instead of
running (one dataset at a time). A dataset whose data is absent is skipped with a message.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import baselines, convert_aminer, convert_dblp_acm, download
from . import datasets as D
from .score import export_code, read_warehouse, run_pipeline, score_authors, score_papers

CONVERTERS = {"dblp-acm": convert_dblp_acm.convert, "aminer": convert_aminer.convert}


def ensure_data(name: str) -> dict | None:
    ds = D.DATASETS[name]
    gold = D.gold_path(ds)
    if not gold.exists():
        if not any(D.raw_dir(ds).glob("*")):
            download.download([name])
        if any(D.raw_dir(ds).glob("*")):
            CONVERTERS[name]()
    if not gold.exists():
        print(f"bench.linkage: skip {name}: no data (run `make bench-data` where the snapshots are fetched)")
        return None
    return json.loads(gold.read_text())


def evaluate(name: str, gold: dict, db: Path | None, threshold: float, code: Path | None) -> dict:
    ds = D.DATASETS[name]
    run = None
    if db is None:
        print(f"bench.linkage: {name}: papertrail run --captures {D.rel(D.captures_dir(ds))} ...",
              flush=True)
        run = run_pipeline(D.captures_dir(ds), D.DATA / name / "run", code)
        if not run["ok"]:
            print(f"bench.linkage: {name}: the pipeline run failed:\n  " + "\n  ".join(run.get("error", [])))
            return {"run": run}
        db = Path(run["db"])
    started = time.perf_counter()
    wh = read_warehouse(db)
    scores = score_papers(gold, wh, threshold) if name == "dblp-acm" else score_authors(gold, wh)
    return {"run": run, "warehouse": {"db": str(db), "rows": wh["rows"], "quarantine": wh["quarantine"],
                                      "merge_rules": wh["merge_rules"]},
            "scores": scores, "score_seconds": round(time.perf_counter() - started, 2),
            "data_notes": gold.get("notes"),
            "provenance": {k: ds[k] for k in ("title", "repo", "commit", "origin", "license", "citation")},
            "published": ds["published"]}


def _row(system: str, s: dict, extra: str = "") -> str:
    return f"  {system:<56} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}  {extra}".rstrip()


def table(results: dict) -> str:
    lines = [f"  {'':<56} {'P':>6} {'R':>6} {'F1':>6}"]
    for name, r in results.items():
        run, sc = r.get("run") or {}, r.get("scores")
        timing = (f"run {run['seconds']} s, peak RSS {run['max_rss_mb']} MB" if run.get("seconds")
                  else "scored existing db")
        lines.append(f"{name}  ({timing})")
        if sc is None:
            lines.append("  (no scores: the run failed)")
            continue
        if name == "dblp-acm":
            ours = sc["papertrail"]
            within = ours["within_source_false_merges"]
            w = ", ".join(f"{k} {v['pairs']} pairs/{v['records']} records" for k, v in within.items())
            lines.append(_row("papertrail, cross-source pairs", ours, f"within-source merges: {w or 'none'}"))
            lines.append(_row("papertrail, all pairs", ours["all_pairs"]))
            key = next(k for k in sc if k.startswith("baseline_fuzzy_title"))
            lines.append(_row(f"fuzzy title + same year, mutual best (t={key.rsplit('_t', 1)[1]})", sc[key]))
            sweep = ", ".join(f"t={t}: {f:.3f}" for t, f in sc["baseline_fuzzy_title_threshold_sweep_f1"].items())
            lines.append(f"  (same rule, F1 by threshold: {sweep})")
            pub = ", ".join(f"{p['system'].split(' (')[0]} {p['f1']}" for p in r["published"])
            lines.append(f"  published (pair classification, F1 %): {pub}")
        else:
            for label, key in (("papertrail", "papertrail"), ("all mentions of a name = one person",
                                                             "baseline_one_person_per_name"),
                               ("shared co-author, transitive", "baseline_shared_coauthor_transitive")):
                s = sc[key]
                lines.append(_row(f"{label} (macro over names)", s["macro"], f"micro F1 {s['micro']['f1']:.3f}"))
            worst = sorted(sc["papertrail"]["blocks"].items(), key=lambda kv: kv[1]["f1"])[:6]
            lines.append("  worst names: " + ", ".join(f"{n} {s['f1']:.2f}" for n, s in worst))
            lines.append(f"  mentions to authors: {sc['papertrail']['mapping']}")
            lines.append(f"  false pairs by kind: {sc['papertrail']['error_kinds']['false_pairs']}")
            lines.append(f"  missed pairs by kind: {sc['papertrail']['error_kinds']['missed_pairs']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(D.DATASETS))
    parser.add_argument("--db", type=Path, help="score this warehouse instead of running the pipeline")
    parser.add_argument("--rev", help="run the project as committed at this git revision (e.g. HEAD; "
                        "a clean export under bench/data/code/) instead of the working tree")
    parser.add_argument("--threshold", type=float, default=baselines.THRESHOLD,
                        help="token_sort_ratio cut of the title baseline")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    if args.db and len(names) != 1:
        parser.error("--db scores one dataset: give --datasets too")
    started = datetime.now(timezone.utc)
    code, commit = None, None
    if args.rev:
        code, commit = export_code(args.rev)
        print(f"bench.linkage: running the project at {args.rev} = {commit[:12]} from {D.rel(code)}")
    results = {}
    for name in names:
        gold = ensure_data(name)
        if gold is not None:
            results[name] = evaluate(name, gold, args.db, args.threshold, code)
    if not results:
        print("bench.linkage: nothing to score")
        return 0
    head = subprocess.run(["git", "-C", str(D.ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", str(D.ROOT), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True).stdout.strip())
    ran = {"rev": args.rev, "commit": commit} if code else {"working_tree_of": head, "uncommitted_changes": dirty}
    report = {"started": started.isoformat(timespec="seconds"), "code": ran,
              "machine": {"python": platform.python_version(), "platform": platform.platform()},
              "datasets": results}
    D.RESULTS.mkdir(parents=True, exist_ok=True)
    out = D.RESULTS / f"linkage-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n")
    print(table(results))
    print(f"bench.linkage: wrote {D.rel(out)}")
    return 0 if all((r.get("run") or {"ok": True}).get("ok") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
