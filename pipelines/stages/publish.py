"""Publish this run: the staged tables plus the run log go into a new warehouse file."""
from __future__ import annotations

from ..warehouse.publish import LOADED, publish
from ..workspace import Workspace
from .resolve import crosswalk_path, staging_path
from .runlog import read_state, record_run, run_row, with_run


def publish_run(ws: Workspace, run_id: str) -> dict[str, int]:
    state = read_state(ws, run_id)
    row = run_row(run_id, state, status="success")
    counts = publish(ws, {table: staging_path(ws, table) for table in LOADED}, with_run(ws, row))
    # Only once the warehouse is published do the run log and the id crosswalk move forward.
    record_run(ws, row)
    staged_crosswalk = ws.staging_dir / "paper_crosswalk.parquet"
    if staged_crosswalk.exists():
        staged_crosswalk.replace(crosswalk_path(ws))
    return counts
