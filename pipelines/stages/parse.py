"""Parse every landed capture not parsed yet into the one record schema, as Parquet batches.

`parsed/<table>/<batch>.parquet` holds the records of one parse run; `parsed/index.parquet` says
which capture went into which batch. A batch file whose index entry is missing is a crash
leftover and is swept. When the parsers' code changes, everything is parsed again.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
import shutil

import polars as pl
import pyarrow as pa

from ..io import sweep_temporaries, write_parquet
from ..records import SCHEMAS, Capture, ParsedBatch, reject
from ..sources.registry import parse_capture
from ..workspace import Workspace
from .landing import read_blob, read_manifest

INDEX_SCHEMA = {
    "sha256": pl.String, "batch": pl.String, "parser_version": pl.String, "format": pl.String,
    "papers": pl.Int64, "profiles": pl.Int64, "rejects": pl.Int64,
}


@dataclass
class ParseResult:
    parsed: int = 0
    batch: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=1)
def parser_version() -> str:
    """A digest of the parsers' and normalisers' code: changing either re-parses every capture."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in ("sources", "normalize"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".tsv"}:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    digest.update((root / "records.py").read_bytes())
    return digest.hexdigest()[:16]


def index_path(ws: Workspace) -> Path:
    return ws.parsed_dir / "index.parquet"


def read_index(ws: Workspace) -> pl.DataFrame:
    path = index_path(ws)
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=INDEX_SCHEMA)


def table_files(ws: Workspace, table: str) -> list[Path]:
    return sorted((ws.parsed_dir / table).glob("*.parquet"))


def _sweep(ws: Workspace, index: pl.DataFrame) -> None:
    sweep_temporaries(ws.parsed_dir)
    live = set(index["batch"].to_list())
    for table in SCHEMAS:
        for path in table_files(ws, table):
            if path.stem not in live:
                path.unlink()


def pending_captures(ws: Workspace, index: pl.DataFrame) -> list[Capture]:
    """Landed content not parsed yet; each sha once, at its earliest capture time."""
    manifest = read_manifest(ws)
    done = set(index["sha256"].to_list())
    firsts = (manifest.filter(~pl.col("sha256").is_in(list(done)))
              .sort(["captured_at", "capture"]).unique("sha256", keep="first", maintain_order=True))
    return [Capture(capture=row["capture"], content=read_blob(ws, row["sha256"]),
                    captured_at=row["captured_at"], sha256=row["sha256"])
            for row in firsts.iter_rows(named=True)]


def parse_pending(ws: Workspace) -> ParseResult:
    ws.ensure()
    index = read_index(ws)
    version = parser_version()
    if index.height and (index["parser_version"] != version).any():
        shutil.rmtree(ws.parsed_dir)  # parsers changed: every record is derived again
        ws.ensure()
        index = read_index(ws)
    _sweep(ws, index)
    result = ParseResult()
    captures = pending_captures(ws, index)
    if not captures:
        return result
    batch_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    combined, entries = ParsedBatch(), []
    for capture in captures:
        try:
            batch = parse_capture(capture)
        except Exception as err:  # a parser bug must not lose the capture: quarantine it
            batch = ParsedBatch(rejects=[reject(capture, None, f"parser_crash: {type(err).__name__}: {err}",
                                                capture.content)])
        combined.extend(batch)
        entries.append({"sha256": capture.sha256, "batch": batch_id, "parser_version": version,
                        "format": batch.format, "papers": len(batch.papers),
                        "profiles": len(batch.profiles), "rejects": len(batch.rejects)})
        result.formats[batch.format or "unknown"] = result.formats.get(batch.format or "unknown", 0) + 1
    tables = combined.to_arrow()
    for name, table in tables.items():
        write_parquet(table, ws.parsed_dir / name / f"{batch_id}.parquet")
    # The index is written last: until it names the batch, the batch does not exist.
    write_parquet(pl.concat([index, pl.DataFrame(entries, schema=INDEX_SCHEMA)]), index_path(ws))
    result.parsed, result.batch = len(captures), batch_id
    result.counts = {name: table.num_rows for name, table in tables.items()}
    return result


def read_parsed(ws: Workspace, table: str) -> pl.DataFrame:
    """All parsed batches of one table, typed by the record schema even when there are none."""
    files = table_files(ws, table)
    if not files:
        return pl.from_arrow(pa.Table.from_pylist([], schema=SCHEMAS[table]))
    return pl.read_parquet(files)
