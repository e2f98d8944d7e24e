"""Event-driven runs: new captures in a watched folder; the tracked authors as dynamic partitions;
failed runs into audit.runs (what the failure hook in hooks.py cannot see)."""
import hashlib
import json
import os
from pathlib import Path

from dagster import (AddDynamicPartitionsRequest, DefaultSensorStatus, DeleteDynamicPartitionsRequest,
                     RunFailureSensorContext, RunRequest, SensorEvaluationContext, SensorResult,
                     SkipReason, run_failure_sensor, sensor)

from papertrail.pipelines.config import load_config
from papertrail.pipelines.errors import ConfigError
from papertrail.pipelines.stages.landing import iter_capture_files
from papertrail.pipelines.workspace import Workspace

from .hooks import record_failure
from .partitions import AUTHOR_PARTITIONS, author_keys
from .schedules import CONFIG_ENV, papertrail_run_config

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


def author_partition_requests(current: list[str], tracked: list[str]) -> list:
    """What turns the current author partitions into the config's tracked authors."""
    requests = []
    added = [name for name in tracked if name not in set(current)]
    removed = [name for name in current if name not in set(tracked)]
    if added:
        requests.append(AddDynamicPartitionsRequest(AUTHOR_PARTITIONS, added))
    if removed:
        requests.append(DeleteDynamicPartitionsRequest(AUTHOR_PARTITIONS, removed))
    return requests


@sensor(minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
        description=f"Keeps the {AUTHOR_PARTITIONS} partitions equal to the authors ${CONFIG_ENV} tracks")
def tracked_authors(context: SensorEvaluationContext):
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return SkipReason(f"{CONFIG_ENV} is not set: no tracked authors")
    try:
        tracked = author_keys(load_config(path))
    except ConfigError as exc:  # the daemon's tick shows the one line, the next tick retries
        return SkipReason(str(exc))
    requests = author_partition_requests(context.instance.get_dynamic_partitions(AUTHOR_PARTITIONS),
                                         tracked)
    if not requests:
        return SkipReason(f"the {len(tracked)} author partitions match {path}")
    return SensorResult(dynamic_partitions_requests=requests)


def workspace_of(run_config: dict) -> Workspace:
    config = run_config.get("resources", {}).get("papertrail", {}).get("config", {}) or {}
    return Workspace.for_db(config.get("db_path"))


@run_failure_sensor(default_status=DefaultSensorStatus.RUNNING, monitor_all_code_locations=False,
                    description="Records failed runs the failure hook did not (launch failures, "
                                "dead run workers) in audit.runs, loaded by the next publish")
def record_failed_run(context: RunFailureSensorContext):
    run = context.dagster_run
    # The hook or the CLI usually recorded it already (maybe as "blocked"): record_failure keeps
    # their word, so the run is one row.
    message = (context.failure_event.message or "run failed").strip().splitlines()[0]
    record_failure(workspace_of(run.run_config or {}), run.run_id, f"{run.job_name}: {message}")


SENSORS = [new_captures_sensor, tracked_authors, record_failed_run]
