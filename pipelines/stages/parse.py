"""Parse every landed capture not parsed yet into the one record schema, as Parquet batches.

`parsed/<table>/<batch>.parquet` holds the records of one parse run; `parsed/index.parquet` says
which capture went into which batch. A batch file whose index entry is missing is a crash
leftover and is swept. When the parsers' code changes, everything is parsed again.

Snapshot JSON Lines take the bulk path: the blob is streamed in chunks of whole lines
(CHUNK_BYTES), each parsed by the vectorised `sources.arxiv.bulk` and written as its own Parquet
(`<batch>.<sha>.<n>.parquet`), so memory is bounded by the chunk, not the file.
"""
from __future__ import annotations

import gc
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
import shutil

import polars as pl
import pyarrow as pa

from .. import progress
from ..io import release_memory, sweep_temporaries, write_parquet
from ..records import SCHEMAS, Capture, ParsedBatch, reject
from ..sources.arxiv import bulk, snapshot
from ..sources.registry import detect, parse_capture
from ..workspace import Workspace
from .landing import open_blob, read_blob, read_manifest

FLUSH_RECORDS = 50_000
SLICE_BYTES = 8 << 20     # captures parsed (and written) as one unit: ~80 author pages
SLICE_CAPTURES = 256
POOL_MIN_BYTES = 16 << 20  # less than this parses in ~0.3 s: not worth starting processes
SNIFF_FIRST_BYTES = 4 << 20  # captures this big are checked for a snapshot before slicing
WORKERS_ENV = "PAPERTRAIL_PARSE_WORKERS"
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
    workers: int = 1  # processes that parsed captures (the pool's and this one)


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
        return _snapshot_head(row, stream.read(_HEAD_BYTES))


_NOT_WHITESPACE_IN_TEXT = frozenset(range(0x80)) - {0x1c, 0x1d, 0x1e, 0x1f} - set(b" \t\n\r\x0b\x0c")


def _snapshot_head(row: dict, head: bytes) -> bool:
    """Whether a capture starting with `head` (its first _HEAD_BYTES) is a snapshot for the bulk path."""
    first = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    first = first.lstrip()[:1]
    if first and first != b"{" and first[0] in _NOT_WHITESPACE_IN_TEXT:
        # An ASCII character that decoded text does not strip either, and not the "{" every
        # snapshot line opens with: an author page or any other format, without decoding it.
        return False
    probe = Capture(capture=row["capture"], content=head[:_HEAD_BYTES], captured_at=row["captured_at"],
                    sha256=row["sha256"])
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


def bulk_threads() -> int:
    """Chunks of a snapshot parsed side by side: one per CPU this process may use (at most 4).
    polars runs a chunk's expressions mostly on one core and releases the GIL while it does, so
    threads, not processes, keep every core busy without copying chunks between processes."""
    return max(1, min(4, parse_workers()))


def _parse_bulk(ws: Workspace, row: dict, batch_id: str, chunk_bytes: int, threads: int | None = None) -> dict[str, int]:
    """Streams one snapshot blob through the vectorised parser, one Parquet per chunk and table.
    `threads` chunks are parsed at once (default bulk_threads()); memory holds those and the one
    being read, so it is bounded by the chunk size, not the file. The files do not depend on it."""
    capture = Capture(capture=row["capture"], content=b"", captured_at=row["captured_at"], sha256=row["sha256"])
    counts = {name: 0 for name in SCHEMAS}
    whole = row["bytes"] <= chunk_bytes
    threads = threads or bulk_threads()

    def one(number: int, start: int, data: bytes) -> dict[str, int]:
        if start == 0 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]  # a BOM, as decode() drops it
        try:
            frames = bulk.parse_chunk(data, capture, start, whole=whole)
        except Exception:  # a bug in the fast path must not lose lines: the line parser decides
            frames = bulk.frames_of(snapshot.parse_lines(data.splitlines(), capture, start))
        del data
        out = {}
        for name, frame in frames.items():
            out[name] = frame.height
            if frame.height:
                write_parquet(frame, ws.parsed_dir / name / f"{batch_id}.{row['sha256'][:16]}.{number:05d}.parquet")
        return out

    def add(done: dict[str, int]) -> None:
        for name, n in done.items():
            counts[name] += n

    with open_blob(ws, row["sha256"]) as stream:
        if threads <= 1:
            for number, (start, data) in enumerate(iter_chunks(stream, chunk_bytes)):
                add(one(number, start, data))
            return counts
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bulk-parse") as pool:
            running: deque = deque()
            try:
                for number, (start, data) in enumerate(iter_chunks(stream, chunk_bytes)):
                    running.append(pool.submit(one, number, start, data))
                    del data
                    while len(running) > threads:  # `threads` chunks parsed, one queued, while the next is read
                        add(running.popleft().result())
                while running:
                    add(running.popleft().result())
            finally:
                for future in running:
                    future.cancel()
    return counts


def _held(batch: ParsedBatch) -> int:
    return sum(len(getattr(batch, name)) for name in SCHEMAS)


@dataclass
class SliceResult:
    """What one slice of captures gave: an index entry per capture (None for a snapshot, which
    the bulk path parses afterwards), records written per table, captures per format."""
    entries: list[dict | None]
    counts: dict[str, int]
    formats: dict[str, int]


def parse_workers() -> int:
    """Processes parsing captures side by side: PAPERTRAIL_PARSE_WORKERS, else the CPUs this
    process may run on. 1 parses in this process only."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _parse_slice(db_path: Path, batch_id: str, number: int, rows: list[dict], version: str) -> SliceResult:
    """Parses one slice's captures in order (snapshots are only recognised: the caller streams
    them) and writes their records as `<batch>.pages<slice>-<part>.parquet`, a part every
    FLUSH_RECORDS held records. Runs in a pool process or in the caller's; same files either way.

    The cyclic garbage collector is paused for the slice: the record dicts a slice holds until it
    is written make every collection walk them again (~15 % of an author page's CPU time), and
    parsing makes next to no reference cycles. A slice is bounded (SLICE_BYTES, SLICE_CAPTURES),
    so whatever cycles it leaves are collected as soon as it ends."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_slice_rows(db_path, batch_id, number, rows, version)
    finally:
        if collecting:
            gc.enable()


def _parse_slice_rows(db_path: Path, batch_id: str, number: int, rows: list[dict], version: str) -> SliceResult:
    ws = Workspace(db_path)
    combined, parts = ParsedBatch(), 0
    written = {name: 0 for name in SCHEMAS}
    entries: list[dict | None] = []
    formats: dict[str, int] = {}

    def flush() -> None:
        # Records leave Python objects for Parquet every FLUSH_RECORDS: thousands of pages would
        # otherwise hold ~5 KB of dicts per record (3.3 GB at 10^4 pages) and slow every GC pass.
        nonlocal combined, parts
        for name, table in combined.to_arrow().items():
            written[name] += table.num_rows
            if table.num_rows or (parts == 0 and number == 0):
                write_parquet(table, ws.parsed_dir / name / f"{batch_id}.pages{number:05d}-{parts:03d}.parquet")
        combined, parts = ParsedBatch(), parts + 1

    for row in rows:
        content = read_blob(ws, row["sha256"])  # read once: the snapshot check looks at its head
        if _snapshot_head(row, content):
            entries.append(None)
            continue
        capture = Capture(capture=row["capture"], content=content, captured_at=row["captured_at"],
                          sha256=row["sha256"])
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
        formats[batch.format or "unknown"] = formats.get(batch.format or "unknown", 0) + 1
    if _held(combined) or (parts == 0 and number == 0):
        flush()
    return SliceResult(entries, written, formats)


def _run_slices(ws: Workspace, batch_id: str, numbered: list[tuple[int, list[dict]]], version: str, workers: int):
    """Yields (slice number, SliceResult) as slices finish. With more than one worker, a spawned
    pool of workers - 1 processes takes slices alongside this process (which starts at once, so
    the pool's start-up is not waited for); the files are the same as parsing them here in turn.
    A pool that breaks (a worker killed) leaves its slices to this process."""
    if workers <= 1 or len(numbered) <= 1:
        for number, rows in numbered:
            yield number, _parse_slice(ws.db_path, batch_id, number, rows, version)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # spawn, not fork: this process may already run polars' and DuckDB's threads
    pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("spawn"))
    ahead = 2 * (workers - 1)  # slices queued for the pool, so that no worker waits for the next
    queued: dict = {}
    cursor, broken = 0, False
    try:
        while cursor < len(numbered) or queued:
            while not broken and cursor < len(numbered) and len(queued) < ahead:
                number, rows = numbered[cursor]
                try:
                    queued[pool.submit(_parse_slice, ws.db_path, batch_id, number, rows, version)] = cursor
                except BrokenProcessPool:
                    broken = True
                    break
                cursor += 1
            if cursor < len(numbered):  # this process takes the next slice itself
                number, rows = numbered[cursor]
                cursor += 1
                yield number, _parse_slice(ws.db_path, batch_id, number, rows, version)
                done = [f for f in queued if f.done()]
            else:
                done, _ = wait(list(queued), return_when=FIRST_COMPLETED)
            for future in done:
                number, rows = numbered[queued.pop(future)]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    result = _parse_slice(ws.db_path, batch_id, number, rows, version)
                yield number, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class ParsePlan:
    """What one parse run will do, decided before any capture is parsed: the pending captures in
    order, their slices (positions into `rows`) and the big snapshots found by a first look.
    Parts of it can run in different processes or on different machines sharing the workspace
    (`parse_part`); `commit_parse` then writes the index. Picklable."""
    db_path: Path
    batch_id: str
    version: str
    rows: list[dict]
    slices: list[list[int]]
    streamed: list[int]
    chunk_bytes: int = CHUNK_BYTES

    def part_of(self, part: int, parts: int) -> tuple[list[int], list[int]]:
        """(slice numbers, big snapshots' positions) of part `part` of `parts`: every parts-th of each."""
        return list(range(part, len(self.slices), parts)), self.streamed[part::parts]


@dataclass
class PartResult:
    """What one part parsed: each of its slices' result and each snapshot's index entry by position."""
    slices: dict[int, SliceResult] = field(default_factory=dict)
    snapshots: dict[int, dict] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    workers: int = 1


def plan_parse(ws: Workspace, chunk_bytes: int = CHUNK_BYTES) -> ParsePlan | None:
    """Sweeps crash leftovers (and every parsed record when the parsers changed) and plans the
    parse of what is pending; None when nothing is."""
    ws.ensure()
    index = read_index(ws)
    version = parser_version()
    if index.height and (index["parser_version"] != version).any():
        shutil.rmtree(ws.parsed_dir)  # parsers changed: every record is derived again
        ws.ensure()
        index = read_index(ws)
    _sweep(ws, index)
    pending = pending_rows(ws, index)
    if not pending.height:
        return None
    batch_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    rows = list(pending.iter_rows(named=True))
    # Big captures are sniffed here first: a snapshot among them is streamed, never sliced, and
    # must not count as work for a pool. Smaller snapshots are recognised inside their slice.
    streamed = [i for i, row in enumerate(rows) if row["bytes"] >= SNIFF_FIRST_BYTES and _is_snapshot(ws, row)]
    sniffed = set(streamed)
    # Slices: consecutive runs of captures up to SLICE_BYTES or SLICE_CAPTURES, the unit a process
    # parses and writes. Cut by the captures alone, so any number of processes or parts writes
    # the same files.
    slices, current, size = [], [], 0
    for i in (i for i in range(len(rows)) if i not in sniffed):
        if current and (size + rows[i]["bytes"] > SLICE_BYTES or len(current) >= SLICE_CAPTURES):
            slices.append(current)
            current, size = [], 0
        current.append(i)
        size += rows[i]["bytes"]
    if current:
        slices.append(current)
    return ParsePlan(ws.db_path, batch_id, version, rows, slices, streamed, chunk_bytes)


def parse_part(plan: ParsePlan, part: int = 0, parts: int = 1, workers: int | None = None) -> PartResult:
    """Parses part `part` of `parts` of the plan: its slices (by `workers` processes; default
    parse_workers(), one when the part is too small for a pool to pay its start-up), then its
    snapshots, streamed through the bulk path in chunks (memory bounded by the chunk)."""
    ws = Workspace(plan.db_path)
    numbers, streamed = plan.part_of(part, parts)
    numbered = [(n, [plan.rows[i] for i in plan.slices[n]]) for n in numbers]
    if workers is None:
        size = sum(row["bytes"] for _, rows in numbered for row in rows)
        workers = parse_workers() if size >= POOL_MIN_BYTES else 1
    out = PartResult(counts={name: 0 for name in SCHEMAS}, workers=max(1, min(workers, len(numbered))))
    total = sum(len(rows) for _, rows in numbered) + len(streamed)
    bar = progress.start("parse", total=total, unit="captures")
    try:
        for number, sliced in _run_slices(ws, plan.batch_id, numbered, plan.version, workers):
            out.slices[number] = sliced
            for name, n in sliced.counts.items():
                out.counts[name] += n
            found = [i for i, entry in zip(plan.slices[number], sliced.entries) if entry is None]
            streamed = streamed + found  # small snapshots, recognised in their slice
            bar.advance(len(sliced.entries) - len(found))
        for position in sorted(streamed):
            row = plan.rows[position]
            bulk_counts = _parse_bulk(ws, row, plan.batch_id, plan.chunk_bytes)
            out.snapshots[position] = {"sha256": row["sha256"], "batch": plan.batch_id,
                                       "parser_version": plan.version, "format": bulk.NAME,
                                       "papers": bulk_counts["papers"], "profiles": 0,
                                       "rejects": bulk_counts["rejects"]}
            for name, n in bulk_counts.items():
                out.counts[name] += n
            bar.advance()
    finally:
        bar.close()
    return out


def commit_parse(ws: Workspace, plan: ParsePlan, parts: list[PartResult]) -> ParseResult:
    """Writes the index naming the plan's batch, its entries in the pending captures' order, once
    every part is done. Until then the batch's files do not exist for anyone (a crash leaves
    them to the next sweep)."""
    entry_at: list[dict | None] = [None] * len(plan.rows)
    result = ParseResult(workers=max((p.workers for p in parts), default=1))
    counts = {name: 0 for name in SCHEMAS}
    for part in parts:
        for name, n in part.counts.items():
            counts[name] += n
        for number, sliced in part.slices.items():
            for position, entry in zip(plan.slices[number], sliced.entries):
                if entry is not None:
                    entry_at[position] = entry
            for name, n in sliced.formats.items():
                result.formats[name] = result.formats.get(name, 0) + n
        for position, entry in part.snapshots.items():
            entry_at[position] = entry
            result.formats[bulk.NAME] = result.formats.get(bulk.NAME, 0) + 1
    missing = [plan.rows[i]["capture"] for i, entry in enumerate(entry_at) if entry is None]
    if missing:
        raise RuntimeError(f"parse: {len(missing)} planned captures were parsed by no part (first: {missing[0]})")
    index = read_index(ws)
    # The index is written last: until it names the batch, the batch does not exist.
    write_parquet(pl.concat([index, pl.DataFrame(entry_at, schema=INDEX_SCHEMA)]), index_path(ws))
    result.parsed, result.batch, result.counts = len(plan.rows), plan.batch_id, counts
    return result


def parse_pending(ws: Workspace, chunk_bytes: int = CHUNK_BYTES, workers: int | None = None) -> ParseResult:
    """Parses every landed capture not parsed yet, in this process and (when there is enough to
    parse) a pool of `workers` - 1 more. The files written and the index do not depend on the
    number of processes, nor on whether the plan runs here whole or in parts elsewhere."""
    plan = plan_parse(ws, chunk_bytes)
    if plan is None:
        return ParseResult()
    try:
        return commit_parse(ws, plan, [parse_part(plan, workers=workers)])
    finally:
        release_memory()  # chunks and records are written: resolution starts from what is live


def read_parsed(ws: Workspace, table: str, exclude: tuple[str, ...] = ()) -> pl.DataFrame:
    """All parsed batches of one table (but the `exclude`d columns), typed by the record schema
    even when there are none."""
    files = table_files(ws, table)
    columns = [name for name in SCHEMAS[table].names if name not in exclude]
    if not files:
        return pl.from_arrow(pa.Table.from_pylist([], schema=SCHEMAS[table])).select(columns)
    return pl.read_parquet(files, columns=columns) if exclude else pl.read_parquet(files)
