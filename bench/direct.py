"""The stages as plain function calls (no Dagster), timed: `python -m bench.direct CAPTURES DB`.
Prints one JSON line. The difference to `papertrail run` on the same input is Dagster's cost."""
from __future__ import annotations

import json
import resource
import sys
import time

started = time.perf_counter()

from pathlib import Path  # noqa: E402


def main() -> None:
    from pipelines.reports import build_reports
    from pipelines.stages.landing import land_files
    from pipelines.stages.parse import parse_pending
    from pipelines.stages.publish import check_unchanged, publish_run
    from pipelines.stages.resolve import resolve_all
    from pipelines.stages.runlog import update_state
    from pipelines.stages.validate import validate_staged
    from pipelines.workspace import Workspace

    imported = time.perf_counter() - started
    ws = Workspace.for_db(sys.argv[2]).ensure()
    run_id, seconds = "direct", {}

    def timed(name, fn):
        t = time.perf_counter()
        out = fn()
        seconds[name] = round(time.perf_counter() - t, 3)
        return out

    landed = timed("land", lambda: land_files(ws, [Path(sys.argv[1])]))
    parsed = timed("parse", lambda: parse_pending(ws))
    update_state(ws, run_id, captures_seen=landed.observed, captures_new=len(landed.new),
                 rows_in=parsed.counts.get("papers", 0))
    if not timed("check", lambda: check_unchanged(ws, run_id)):
        timed("resolve", lambda: resolve_all(ws))
        timed("validate", lambda: validate_staged(ws))
        timed("publish", lambda: publish_run(ws, run_id))
        timed("reports", lambda: build_reports(ws))
    print(json.dumps({"imports": round(imported, 3), "stages": seconds,
                      "wall": round(time.perf_counter() - started, 3),
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


if __name__ == "__main__":
    main()
