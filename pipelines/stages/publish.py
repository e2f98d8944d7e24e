"""Publish this run: the staged tables plus the run log go into a new warehouse file.

A run whose inputs are the ones the current warehouse was built from (see runlog.input_fingerprint)
publishes nothing: resolve, validate and the rebuild are skipped. Its audit.runs row still goes
into the state run log; a warehouse up to APPEND_BYTES also gets it at once (copied, the row
appended, renamed over, as a publish does); a bigger one gets it at the next real publish, since
copying gigabytes would cost more than the run saved.

Nothing is published that validation did not pass: publish_run hashes the staged files it is
about to load and refuses them unless a validation receipt with that hash passed
(pipelines/validate/receipt.py), whichever assets a run selected; it checks again, before the
new file replaces the published one, that no staged file changed during the load.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..io import release_memory
from ..outcome import finished_row
from ..paths import sql_dir
from ..validate.receipt import NotValidated, mark_published as mark_receipt_published, require_passing
from ..warehouse.catalog import DOCS_FILE
from ..warehouse.publish import LOADED, publish, replace_runs
from ..workspace import Workspace
from .resolve import crosswalk_path, staging_path
from .runlog import (input_fingerprint, mark_published, read_runs, read_state, record_run, run_row,
                     unchanged_since, update_state, with_run)

APPEND_BYTES = 256 << 20


def check_unchanged(ws: Workspace, run_id: str) -> str | None:
    """The run that already published exactly these inputs (None: there is work to do).
    Decided once per run, before resolve; the later stages read it from the run state."""
    fingerprint = _with_column_docs(input_fingerprint(ws))
    since = unchanged_since(ws, fingerprint)
    update_state(ws, run_id, fingerprint=fingerprint, unchanged_since=since)
    return since


def _with_column_docs(fingerprint: str) -> str:
    """The descriptions the publish writes with COMMENT ON (sql/columns.yaml) are inputs too."""
    docs = sql_dir() / DOCS_FILE
    return hashlib.sha256(fingerprint.encode() + (docs.read_bytes() if docs.exists() else b"-")).hexdigest()


def is_unchanged(ws: Workspace, run_id: str) -> str | None:
    return read_state(ws, run_id).get("unchanged_since")


def staged_files(ws: Workspace) -> dict[str, Path]:
    """{staged table: its Parquet file} for every table the publish loads."""
    return {table: staging_path(ws, table) for table in LOADED}


def publish_run(ws: Workspace, run_id: str) -> dict[str, int]:
    """Publishes the staged tables if their validation receipt passed (else NotValidated, and
    the published warehouse stays as it was). Returns row counts per warehouse table."""
    # What the stages before left for the collector (great-expectations' objects hold cycles) and
    # the allocators' freed pages go back first: DuckDB gets its budget on top of what is live
    release_memory()
    staged = staged_files(ws)
    digest, receipt = require_passing(ws, staged)

    def unchanged_since_hashed() -> None:
        if changed := digest.changed():
            raise NotValidated(f"refusing to publish: {', '.join(Path(p).name for p in changed)} changed "
                               f"while the warehouse was built from it; the published warehouse is unchanged")

    state = read_state(ws, run_id)
    row, _ = finished_row(ws, run_id, state)  # success, partial or failed (pipelines/outcome.py)
    counts = publish(ws, staged, with_run(ws, row), before_swap=unchanged_since_hashed)
    mark_receipt_published(ws, receipt, run_id, counts)
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
    record_run(ws, finished_row(ws, run_id, state, "unchanged",
                                message=f"nothing new since run {since}; nothing republished")[0])
    if not ws.db_path.exists() or ws.db_path.stat().st_size > APPEND_BYTES:
        return "deferred"
    replace_runs(ws.db_path, read_runs(ws))
    mark_published(ws, since, state["fingerprint"])  # same content, new file identity
    return "appended"
