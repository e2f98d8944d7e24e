"""Publish this run: the staged tables plus the run log go into a new warehouse file.

A run whose inputs are the ones the current warehouse was built from (see runlog.input_fingerprint)
publishes nothing: resolve, validate and the rebuild are skipped. Its audit.runs row still goes
into the state run log; a warehouse up to APPEND_BYTES also gets it at once (copied, the row
appended, renamed over, as a publish does); a bigger one gets it at the next real publish, since
copying gigabytes would cost more than the run saved.
"""
from __future__ import annotations

from ..warehouse.publish import LOADED, publish, replace_runs
from ..workspace import Workspace
from .resolve import crosswalk_path, staging_path
from .runlog import (input_fingerprint, mark_published, read_runs, read_state, record_run, run_row,
                     unchanged_since, update_state, with_run)

APPEND_BYTES = 256 << 20


def check_unchanged(ws: Workspace, run_id: str) -> str | None:
    """The run that already published exactly these inputs (None: there is work to do).
    Decided once per run, before resolve; the later stages read it from the run state."""
    fingerprint = input_fingerprint(ws)
    since = unchanged_since(ws, fingerprint)
    update_state(ws, run_id, fingerprint=fingerprint, unchanged_since=since)
    return since


def is_unchanged(ws: Workspace, run_id: str) -> str | None:
    return read_state(ws, run_id).get("unchanged_since")


def publish_run(ws: Workspace, run_id: str) -> dict[str, int]:
    state = read_state(ws, run_id)
    row = run_row(run_id, state, status="success")
    counts = publish(ws, {table: staging_path(ws, table) for table in LOADED}, with_run(ws, row))
    # Only once the warehouse is published do the run log and the id crosswalk move forward.
    record_run(ws, row)
    staged_crosswalk = ws.staging_dir / "paper_crosswalk.parquet"
    if staged_crosswalk.exists():
        staged_crosswalk.replace(crosswalk_path(ws))
    if state.get("fingerprint"):
        mark_published(ws, run_id, state["fingerprint"])
    return counts


def record_unchanged_run(ws: Workspace, run_id: str) -> str:
    """Logs a no-op run; returns "appended" (audit.runs has it now) or "deferred"."""
    state = read_state(ws, run_id)
    since = state["unchanged_since"]
    record_run(ws, run_row(run_id, state, status="unchanged",
                           message=f"nothing new since run {since}; nothing republished"))
    if not ws.db_path.exists() or ws.db_path.stat().st_size > APPEND_BYTES:
        return "deferred"
    replace_runs(ws.db_path, read_runs(ws))
    mark_published(ws, since, state["fingerprint"])  # same content, new file identity
    return "appended"
