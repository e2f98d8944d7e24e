"""Event-driven runs: new captures in a watched folder, and failed runs into audit.runs."""
import hashlib
import json
import os
from pathlib import Path

from dagster import (DefaultSensorStatus, RunFailureSensorContext, RunRequest, SensorEvaluationContext,
                     SensorResult, SkipReason, run_failure_sensor, sensor)

from pipelines.stages.landing import iter_capture_files
from pipelines.stages.runlog import read_runs, read_state, record_run, run_row
from pipelines.workspace import Workspace

from .schedules import papertrail_run_config

WATCH_ENV = "PAPERTRAIL_WATCH_DIR"


def folder_manifest(root: Path) -> dict[str, list[int]]:
    """{relative path: [mtime_ns, size]} of every capture file under root (hidden ones skipped)."""
    out = {}
    for path in iter_capture_files([root]):
        try:
            st = path.stat()
        except OSError:  # vanished between listing and stat: the next tick sees the truth
            continue
        out[str(path.relative_to(root))] = [st.st_mtime_ns, st.st_size]
    return out


@sensor(job_name="refresh", minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        description=f"Runs `refresh` over ${WATCH_ENV} when files appear or change there")
def new_captures_sensor(context: SensorEvaluationContext):
    folder = os.environ.get(WATCH_ENV)
    if not folder:
        return SkipReason(f"{WATCH_ENV} is not set: no folder to watch")
    root = Path(folder).expanduser().resolve()
    if not root.is_dir():
        return SkipReason(f"{root}: not a directory")
    seen = json.loads(context.cursor) if context.cursor else {}
    current = folder_manifest(root)
    changed = sorted(p for p, stamp in current.items() if seen.get(p) != stamp)
    if not changed:
        return SensorResult(skip_reason=SkipReason(f"no new captures in {root}"), cursor=context.cursor)
    key = hashlib.sha256(json.dumps({p: current[p] for p in changed}, sort_keys=True).encode())
    request = RunRequest(
        run_key=f"captures-{key.hexdigest()[:16]}",
        run_config=papertrail_run_config(captures=[str(root)], db_path=os.environ.get("PAPERTRAIL_DB")),
        tags={"papertrail/trigger": "new_captures_sensor", "papertrail/new_files": str(len(changed))})
    return SensorResult(run_requests=[request], cursor=json.dumps(current, sort_keys=True))


def workspace_of(run_config: dict) -> Workspace:
    config = run_config.get("resources", {}).get("papertrail", {}).get("config", {}) or {}
    return Workspace.for_db(config.get("db_path"))


@run_failure_sensor(default_status=DefaultSensorStatus.RUNNING, monitor_all_code_locations=False,
                    description="Records every failed run in audit.runs (loaded by the next publish)")
def record_failed_run(context: RunFailureSensorContext):
    run = context.dagster_run
    ws = workspace_of(run.run_config or {})
    known = read_runs(ws).filter(run_id=run.run_id)
    if known.height:  # the CLI already recorded it (maybe as "blocked"); keep its word
        return
    message = (context.failure_event.message or "run failed").strip().splitlines()[0]
    record_run(ws, run_row(run.run_id, read_state(ws, run.run_id), status="failed",
                           message=f"{run.job_name}: {message}"))


SENSORS = [new_captures_sensor, record_failed_run]
