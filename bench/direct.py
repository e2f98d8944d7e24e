"""The stages as plain function calls (no Dagster), timed: `python -m bench.direct CAPTURES DB`.
Prints one JSON line. The difference to `papertrail run` on the same input is Dagster's cost.

`--stages land,parse` runs only those stages (in pipeline order); `--stages resolve` on a
workspace parsed before times resolution alone in a fresh process (bench/resolution_scale.py).
Without it every stage runs, and resolve and after only when the input changed (as a run does)."""
from __future__ import annotations

import json
import os
import resource
import threading
import time

started = time.perf_counter()

from pathlib import Path  # noqa: E402


STAGES = ("land", "parse", "resolve", "validate", "publish", "reports")


def main() -> None:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m bench.direct", description=__doc__.splitlines()[0])
    ap.add_argument("captures", type=Path)
    ap.add_argument("db")
    ap.add_argument("--stages", default="", help=f"comma-separated subset of {','.join(STAGES)} (default: all)")
    args = ap.parse_args()
    only = [s for s in args.stages.split(",") if s]
    unknown = sorted(set(only) - set(STAGES))
    if unknown:
        ap.error(f"unknown stage(s): {', '.join(unknown)}")
    from papertrail.pipelines.reports import build_reports
    from papertrail.pipelines.stages.landing import land_files
    from papertrail.pipelines.stages.parse import parse_pending
    from papertrail.pipelines.stages.publish import check_unchanged, publish_run
    from papertrail.pipelines.stages.resolve import resolve_all
    from papertrail.pipelines.stages.runlog import update_state
    from papertrail.pipelines.stages.validate import validate_staged
    from papertrail.pipelines.workspace import Workspace

    imported = time.perf_counter() - started
    ws = Workspace.for_db(args.db).ensure()
    run_id, seconds, peak_mb, start_mb = "direct", {}, {}, {}
    sampler = RssSampler()

    def timed(name, fn):
        t = time.perf_counter()
        start_mb[name] = sampler.reset()
        out = fn()
        seconds[name] = round(time.perf_counter() - t, 3)
        peak_mb[name] = sampler.peak_mb()
        return out

    if only:
        steps = {"land": lambda: land_files(ws, [args.captures]), "parse": lambda: parse_pending(ws),
                 "resolve": lambda: resolve_all(ws), "validate": lambda: validate_staged(ws),
                 "publish": lambda: publish_run(ws, run_id), "reports": lambda: build_reports(ws)}
        for name in STAGES:
            if name in only:
                timed(name, steps[name])
    else:
        landed = timed("land", lambda: land_files(ws, [args.captures]))
        parsed = timed("parse", lambda: parse_pending(ws))
        update_state(ws, run_id, captures_seen=landed.observed, captures_new=len(landed.new),
                     rows_in=parsed.counts.get("papers", 0))
        if not timed("check", lambda: check_unchanged(ws, run_id)):
            timed("resolve", lambda: resolve_all(ws))
            timed("validate", lambda: validate_staged(ws))
            timed("publish", lambda: publish_run(ws, run_id))
            timed("reports", lambda: build_reports(ws))
    print(json.dumps({"imports": round(imported, 3), "stages": seconds, "stage_peak_rss_mb": peak_mb, "stage_start_rss_mb": start_mb,
                      "wall": round(time.perf_counter() - started, 3),
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


class RssSampler:
    """The process's resident size every 20 ms in a daemon thread: ru_maxrss only ever grows, so
    it cannot tell which stage set the peak."""

    def __init__(self) -> None:
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._peak = 0
        threading.Thread(target=self._sample, daemon=True).start()

    def _rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page

    def _sample(self) -> None:
        while True:
            self._peak = max(self._peak, self._rss())
            time.sleep(0.02)

    def reset(self) -> int:
        """Starts a new peak; returns the resident MB now."""
        self._peak = self._rss()
        return self._peak // 2**20

    def peak_mb(self) -> int:
        return max(self._peak, self._rss()) // 2**20


if __name__ == "__main__":
    main()
