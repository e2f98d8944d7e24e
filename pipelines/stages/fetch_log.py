"""What every fetch leaves behind, shared by the fetch stage and the OAI-PMH harvest: the fetch
log (`landing/fetch_log.parquet`), a fetched response as a capture, a failed fetch as a
quarantine row, and where the HTTP validators (ETags) live."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..http import FetchResult
from ..io import write_parquet
from ..records import Capture, reject
from ..workspace import Workspace

FETCH_LOG_SCHEMA = {
    "run_id": pl.String, "url": pl.String, "final_url": pl.String, "status": pl.Int32,
    "headers": pl.String, "fetched_at": pl.Datetime("us", "UTC"), "sha256": pl.String,
    "bytes": pl.Int64, "error": pl.String, "attempts": pl.Int32, "unchanged": pl.Boolean,
    "tag": pl.String,
}


@dataclass(frozen=True)
class HttpCapture(Capture):
    """A capture that carries its fetch-log facts (status, headers, error) into the manifest."""

    meta: dict = field(default_factory=dict, compare=False)


def validator_dir(ws: Workspace) -> Path:
    return ws.landing_dir / "http"


def fetch_log_path(ws: Workspace) -> Path:
    return ws.landing_dir / "fetch_log.parquet"


def read_fetch_log(ws: Workspace) -> pl.DataFrame:
    path = fetch_log_path(ws)
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=FETCH_LOG_SCHEMA)


def quarantine_row(res: FetchResult) -> dict:
    """A failed fetch as a reject; the body (an error page, HTML where JSON was due) is its payload."""
    return reject(None, res.request.tag if res.request else None, res.error, res.content,
                  stage="fetch") | {"capture": res.url, "seen_at": res.fetched_at}


def append_fetch_log(ws: Workspace, results: list[FetchResult], run_id: str | None) -> None:
    if not results:
        return
    rows = [{**r.log_row(), "run_id": run_id} for r in results]
    new = pl.DataFrame(rows, schema=FETCH_LOG_SCHEMA).sort("fetched_at", "url")
    write_parquet(pl.concat([read_fetch_log(ws), new]), fetch_log_path(ws))
