"""The run log (audit.runs) kept as Parquet in the workspace, so it survives every rebuild, and
per-run scratch state that stages of one run share."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from ..io import atomic_write_bytes, write_parquet
from ..workspace import Workspace

RUNS_SCHEMA = {
    "run_id": pl.String, "started_at": pl.Datetime("us", "UTC"), "finished_at": pl.Datetime("us", "UTC"),
    "status": pl.String, "rows_in": pl.Int64, "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64,
    "captures_seen": pl.Int64, "captures_new": pl.Int64, "message": pl.String,
    # what pipelines/outcome.py counts: this run's fetches, and audit.quarantine's rows by stage
    "fetches_answered": pl.Int64, "fetches_failed": pl.Int64,
    "quarantined_fetch": pl.Int64, "quarantined_land": pl.Int64, "quarantined_parse": pl.Int64,
    "quarantined_resolve": pl.Int64, "quarantined_validate": pl.Int64,
}


def runs_path(ws: Workspace) -> Path:
    return ws.state_dir / "runs.parquet"


def read_runs(ws: Workspace) -> pl.DataFrame:
    path = runs_path(ws)
    if not path.exists():
        return pl.DataFrame(schema=RUNS_SCHEMA)
    runs = pl.read_parquet(path)  # a log written before a column was added has it as NULLs
    return runs.select(pl.col(c).cast(t) if c in runs.columns else pl.lit(None, t).alias(c)
                       for c, t in RUNS_SCHEMA.items())


def run_row(run_id: str, state: dict, status: str, message: str | None = None,
            counts: dict[str, int] | None = None) -> pl.DataFrame:
    """A run log row; `counts` (pipelines.outcome.count) when the run got as far as publishing,
    else what the run state says."""
    rows_in = state.get("rows_in", 0)
    quarantined = state.get("rows_quarantined", 0)
    row = {
        "run_id": run_id,
        "started_at": datetime.fromisoformat(state["started_at"]) if "started_at" in state else datetime.now(timezone.utc),
        "finished_at": datetime.now(timezone.utc), "status": status, "rows_in": rows_in,
        "rows_loaded": rows_in - quarantined, "rows_quarantined": quarantined,
        "captures_seen": state.get("captures_seen", 0), "captures_new": state.get("captures_new", 0),
        "message": message,
    }
    row.update({k: v for k, v in (counts or {}).items() if k in RUNS_SCHEMA})
    return pl.DataFrame([row], schema=RUNS_SCHEMA)


def with_run(ws: Workspace, row: pl.DataFrame) -> pl.DataFrame:
    """The run log with this run's row replacing any earlier row of the same run id."""
    runs = read_runs(ws)
    return pl.concat([runs.filter(pl.col("run_id") != row["run_id"][0]), row]).sort("started_at")


def record_run(ws: Workspace, row: pl.DataFrame) -> None:
    ws.ensure()
    write_parquet(with_run(ws, row), runs_path(ws))


def state_path(ws: Workspace, run_id: str) -> Path:
    return ws.state_dir / "runs" / f"{run_id}.json"


def read_state(ws: Workspace, run_id: str) -> dict:
    path = state_path(ws, run_id)
    return json.loads(path.read_text()) if path.exists() else {}


def update_state(ws: Workspace, run_id: str, **values) -> dict:
    state = read_state(ws, run_id)
    state.setdefault("started_at", datetime.now(timezone.utc).isoformat())
    state.update(values)
    atomic_write_bytes(state_path(ws, run_id), json.dumps(state, sort_keys=True).encode())
    return state


# --- no-op reruns ---------------------------------------------------------------------------------
# What a publish is derived from: the parsed batches (their index), the unreadable-file rejects,
# and the code and files that turn them into the warehouse. Same inputs -> same warehouse, so a
# rerun that lands nothing new skips resolve, validate and publish.
_DERIVING_CODE = ("pipelines/resolve", "pipelines/stages", "pipelines/validate", "pipelines/warehouse",
                  "pipelines/normalize", "expectations", "sql")


def _code_digest() -> str:
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for folder in _DERIVING_CODE:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".sql", ".json", ".tsv"}:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def input_fingerprint(ws: Workspace) -> str:
    digest = hashlib.sha256(_code_digest().encode())
    for path in (ws.parsed_dir / "index.parquet", ws.landing_dir / "rejects.parquet"):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def published_path(ws: Workspace) -> Path:
    return ws.state_dir / "published.json"


def _db_identity(ws: Workspace) -> list[int] | None:
    try:
        stat = ws.db_path.stat()
    except FileNotFoundError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def mark_published(ws: Workspace, run_id: str, fingerprint: str) -> None:
    """After a publish: which inputs the warehouse file (as it is now) was built from."""
    atomic_write_bytes(published_path(ws), json.dumps(
        {"fingerprint": fingerprint, "run_id": run_id, "db": _db_identity(ws)}).encode())


def unchanged_since(ws: Workspace, fingerprint: str) -> str | None:
    """The run id that published exactly these inputs into the current warehouse file, if any
    (a deleted or replaced warehouse file is rebuilt)."""
    path = published_path(ws)
    if not path.exists():
        return None
    last = json.loads(path.read_text())
    if last.get("fingerprint") == fingerprint and last.get("db") == _db_identity(ws):
        return last.get("run_id")
    return None
