"""Parse every landed capture not parsed yet into the one record schema, as Parquet batches.

`parsed/<table>/<batch>.parquet` holds the records of one parse run; `parsed/index.parquet` says
which capture went into which batch. A batch file whose index entry is missing is a crash
leftover and is swept. When the parsers' code changes, everything is parsed again.

Snapshot JSON Lines take the bulk path: the blob is streamed in chunks of whole lines
(CHUNK_BYTES), each parsed by the vectorised `sources.arxiv.bulk` and written as its own Parquet
(`<batch>.<sha>.<n>.parquet`), so memory is bounded by the chunk, not the file.
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

from .. import progress
from ..io import sweep_temporaries, write_parquet
from ..records import SCHEMAS, Capture, ParsedBatch, reject
from ..sources.arxiv import bulk, snapshot
from ..sources.registry import detect, parse_capture
from ..workspace import Workspace
from .landing import open_blob, read_blob, read_manifest

FLUSH_RECORDS = 50_000
CHUNK_BYTES = 48 << 20  # ~35k snapshot lines: a few hundred MB of frames at most
_HEAD_BYTES = 64 << 10

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
            if path.name.split(".", 1)[0] not in live:
                path.unlink()


def pending_rows(ws: Workspace, index: pl.DataFrame) -> pl.DataFrame:
    """Manifest rows of landed content not parsed yet; each sha once, at its earliest capture time."""
    manifest = read_manifest(ws)
    done = index["sha256"].unique().implode()
    return (manifest.filter(~pl.col("sha256").is_in(done))
            .sort(["captured_at", "capture"]).unique("sha256", keep="first", maintain_order=True))


def pending_captures(ws: Workspace, index: pl.DataFrame) -> list[Capture]:
    """Landed content not parsed yet, read into memory (small captures; see parse_pending)."""
    return [Capture(capture=row["capture"], content=read_blob(ws, row["sha256"]),
                    captured_at=row["captured_at"], sha256=row["sha256"])
            for row in pending_rows(ws, index).iter_rows(named=True)]


def _is_snapshot(ws: Workspace, row: dict) -> bool:
    with open_blob(ws, row["sha256"]) as stream:
        head = stream.read(_HEAD_BYTES)
    probe = Capture(capture=row["capture"], content=head, captured_at=row["captured_at"], sha256=row["sha256"])
    try:
        return detect(probe).NAME == bulk.NAME and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    except Exception:  # empty, binary, unknown: the ordinary path says why
        return False


def iter_chunks(stream, size: int = CHUNK_BYTES):
    """(first line number, bytes of whole lines) blocks of about `size` bytes."""
    carry, line = b"", 0
    while True:
        block = stream.read(size)
        if not block:
            break
        block = carry + block
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            carry = block
            continue
        carry = block[cut:]
        chunk = block[:cut]
        yield line, chunk
        line += chunk.count(b"\n")
    if carry:
        yield line, carry


def _parse_bulk(ws: Workspace, row: dict, batch_id: str, chunk_bytes: int) -> dict[str, int]:
    """Streams one snapshot blob through the vectorised parser, one Parquet per chunk and table."""
    capture = Capture(capture=row["capture"], content=b"", captured_at=row["captured_at"], sha256=row["sha256"])
    counts = {name: 0 for name in SCHEMAS}
    whole = row["bytes"] <= chunk_bytes
    with open_blob(ws, row["sha256"]) as stream:
        for number, (start, data) in enumerate(iter_chunks(stream, chunk_bytes)):
            if start == 0 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]  # a BOM, as decode() drops it
            try:
                frames = bulk.parse_chunk(data, capture, start, whole=whole)
            except Exception:  # a bug in the fast path must not lose lines: the line parser decides
                frames = bulk.frames_of(snapshot.parse_lines(data.splitlines(), capture, start))
            for name, frame in frames.items():
                counts[name] += frame.height
                if frame.height:
                    write_parquet(frame, ws.parsed_dir / name / f"{batch_id}.{row['sha256'][:16]}.{number:05d}.parquet")
    return counts


def _held(batch: ParsedBatch) -> int:
    return sum(len(getattr(batch, name)) for name in SCHEMAS)


def parse_pending(ws: Workspace, chunk_bytes: int = CHUNK_BYTES) -> ParseResult:
    ws.ensure()
    index = read_index(ws)
    version = parser_version()
    if index.height and (index["parser_version"] != version).any():
        shutil.rmtree(ws.parsed_dir)  # parsers changed: every record is derived again
        ws.ensure()
        index = read_index(ws)
    _sweep(ws, index)
    result = ParseResult()
    pending = pending_rows(ws, index)
    if not pending.height:
        return result
    batch_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    combined, entries, bulk_counts = ParsedBatch(), [], {name: 0 for name in SCHEMAS}
    written = {name: 0 for name in SCHEMAS}
    parts = 0

    def flush() -> None:
        # Records leave Python objects for Parquet every FLUSH_RECORDS: thousands of pages would
        # otherwise hold ~5 KB of dicts per record (3.3 GB at 10^4 pages) and slow every GC pass.
        nonlocal combined, parts
        for name, table in combined.to_arrow().items():
            written[name] += table.num_rows
            if table.num_rows or parts == 0:
                write_parquet(table, ws.parsed_dir / name / f"{batch_id}.pages{parts:05d}.parquet")
        combined, parts = ParsedBatch(), parts + 1
    bar = progress.start("parse", total=pending.height, unit="captures")
    for row in bar.track(pending.iter_rows(named=True)):
        if _is_snapshot(ws, row):
            counts = _parse_bulk(ws, row, batch_id, chunk_bytes)
            entries.append({"sha256": row["sha256"], "batch": batch_id, "parser_version": version,
                            "format": bulk.NAME, "papers": counts["papers"], "profiles": 0,
                            "rejects": counts["rejects"]})
            result.formats[bulk.NAME] = result.formats.get(bulk.NAME, 0) + 1
            for name, n in counts.items():
                bulk_counts[name] += n
            continue
        capture = Capture(capture=row["capture"], content=read_blob(ws, row["sha256"]),
                          captured_at=row["captured_at"], sha256=row["sha256"])
        try:
            batch = parse_capture(capture)
        except Exception as err:  # a parser bug must not lose the capture: quarantine it
            batch = ParsedBatch(rejects=[reject(capture, None, f"parser_crash: {type(err).__name__}: {err}",
                                                capture.content)])
        combined.extend(batch)
        if _held(combined) >= FLUSH_RECORDS:
            flush()
        entries.append({"sha256": capture.sha256, "batch": batch_id, "parser_version": version,
                        "format": batch.format, "papers": len(batch.papers),
                        "profiles": len(batch.profiles), "rejects": len(batch.rejects)})
        result.formats[batch.format or "unknown"] = result.formats.get(batch.format or "unknown", 0) + 1
    if parts == 0 or _held(combined):
        flush()
    # The index is written last: until it names the batch, the batch does not exist.
    write_parquet(pl.concat([index, pl.DataFrame(entries, schema=INDEX_SCHEMA)]), index_path(ws))
    result.parsed, result.batch = pending.height, batch_id
    result.counts = {name: written[name] + bulk_counts[name] for name in SCHEMAS}
    return result


def read_parsed(ws: Workspace, table: str, exclude: tuple[str, ...] = ()) -> pl.DataFrame:
    """All parsed batches of one table (but the `exclude`d columns), typed by the record schema
    even when there are none."""
    files = table_files(ws, table)
    columns = [name for name in SCHEMAS[table].names if name not in exclude]
    if not files:
        return pl.from_arrow(pa.Table.from_pylist([], schema=SCHEMAS[table])).select(columns)
    return pl.read_parquet(files, columns=columns) if exclude else pl.read_parquet(files)
