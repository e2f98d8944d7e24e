"""Landing zone: every capture stored once under its sha256 (zstd), plus a manifest of sightings.

Same bytes seen again (same file, a copy elsewhere, an unchanged HTTP response) add a manifest
row but no new content, so nothing downstream runs again for them.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import polars as pl
import pyarrow as pa
from filelock import FileLock

from .. import progress
from ..io import atomic_write_bytes, write_parquet
from ..records import REJECTS, Capture, reject, table_of
from ..workspace import Workspace

MANIFEST_SCHEMA = {
    "sha256": pl.String,
    "capture": pl.String,
    "kind": pl.String,  # "file" | "http" | "demo"
    "captured_at": pl.Datetime("us", "UTC"),
    "bytes": pl.Int64,
    "landed_at": pl.Datetime("us", "UTC"),
    "status": pl.Int32,
    "headers": pl.String,
    "error": pl.String,
}


@dataclass
class LandingResult:
    observed: int = 0  # captures looked at this run
    new: list[str] = field(default_factory=list)  # sha256 of content never landed before
    rejects: list[dict] = field(default_factory=list)


def manifest_path(ws: Workspace) -> Path:
    return ws.landing_dir / "manifest.parquet"


def read_manifest(ws: Workspace) -> pl.DataFrame:
    path = manifest_path(ws)
    if path.exists():
        return pl.read_parquet(path)
    return pl.DataFrame(schema=MANIFEST_SCHEMA)


# Captures at least this big are landed streaming (hash and compress block by block, never the
# whole file in memory), compressed with zstd: gzip -6 manages ~40 MB/s, a 4.5 GB snapshot would
# spend two minutes in it; zstd (through pyarrow, already a dependency) is ~10x faster.
BULK_BYTES = 32 << 20
_BLOCK = 8 << 20


@dataclass(frozen=True)
class LargeFile:
    """A capture too big to read into memory: landed by streaming from its path."""
    capture: str
    captured_at: datetime
    size: int


def blob_path(ws: Workspace, sha256: str) -> Path:
    """The gzip blob small captures were landed as before 2026-12 (still read); every capture
    lands in `zst_blob_path` now."""
    return ws.landing_dir / "blobs" / sha256[:2] / f"{sha256}.gz"


def zst_blob_path(ws: Workspace, sha256: str) -> Path:
    return ws.landing_dir / "blobs" / sha256[:2] / f"{sha256}.zst"


def blob_exists(ws: Workspace, sha256: str) -> bool:
    return blob_path(ws, sha256).exists() or zst_blob_path(ws, sha256).exists()


def open_blob(ws: Workspace, sha256: str):
    """The blob's bytes as a readable binary stream, whichever way it was stored."""
    zst = zst_blob_path(ws, sha256)
    if zst.exists():
        return pa.CompressedInputStream(pa.OSFile(str(zst)), "zstd")
    return gzip.open(blob_path(ws, sha256), "rb")


def read_blob(ws: Workspace, sha256: str) -> bytes:
    if zst_blob_path(ws, sha256).exists():
        with open_blob(ws, sha256) as stream:
            return stream.read()
    return gzip.decompress(blob_path(ws, sha256).read_bytes())


def _land_large(ws: Workspace, item: LargeFile) -> str:
    """Hash and compress a big file in one streaming pass; returns its sha256."""
    folder = ws.landing_dir / "blobs"
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".large.", suffix=".tmp")
    os.close(fd)
    digest = hashlib.sha256()
    try:
        # sha256 and zstd each take about half the time and both release the GIL: the hash of a
        # block runs on a second thread while the block is compressed (blocks hashed in order)
        with open(item.capture, "rb") as source, pa.CompressedOutputStream(tmp, "zstd") as out, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="land-sha256") as hasher:
            hashed = None
            while block := source.read(_BLOCK):
                if hashed is not None:
                    hashed.result()
                hashed = hasher.submit(digest.update, block)
                out.write(block)
            if hashed is not None:
                hashed.result()
        sha256 = digest.hexdigest()
        target = zst_blob_path(ws, sha256)
        if blob_exists(ws, sha256):
            Path(tmp).unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        return sha256
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def iter_capture_files(roots: Iterable[Path], skip: Path | None = None) -> Iterable[Path]:
    """Every regular file under the roots, in a stable order; hidden files and `skip` excluded."""
    for root in roots:
        root = Path(root)
        if root.is_file():
            yield root
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"--captures {root}: no such file or directory")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                 and (skip is None or Path(dirpath, d).resolve() != skip))
            for name in sorted(filenames):
                if not name.startswith("."):
                    yield Path(dirpath, name)


def capture_from_file(path: Path) -> Capture | LargeFile:
    """A file as a capture; its capture time is the file's modification time (the contract).
    A large file is not read here: it is streamed into the landing zone."""
    stat = path.stat()
    captured_at = datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc)
    if stat.st_size >= BULK_BYTES:
        return LargeFile(capture=str(path), captured_at=captured_at, size=stat.st_size)
    return Capture(capture=str(path), content=path.read_bytes(), captured_at=captured_at)


def land(ws: Workspace, captures: Iterable[Capture | LargeFile | dict], kind: str = "file") -> LandingResult:
    """Store captures' bytes once and append their sightings to the manifest.

    Items may be Capture objects, LargeFile (streamed) or reject dicts (a file that could not
    even be read): those are passed through to the result's rejects so the caller can
    quarantine them. A large file whose path, size and modification time match a manifest row
    is not read again (as make and rsync judge a file unchanged): re-hashing gigabytes is most
    of a no-op rerun.
    """
    ws.ensure()
    manifest = read_manifest(ws)
    known = set(manifest["sha256"].to_list())
    seen_pairs = set(zip(manifest["sha256"].to_list(), manifest["capture"].to_list()))
    stat_index = {(c, b, t): sha for sha, c, b, t in manifest.select(
        "sha256", "capture", "bytes", "captured_at").iter_rows()}
    now = datetime.now(timezone.utc)
    result, rows = LandingResult(), []
    for item in captures:
        if isinstance(item, dict):
            result.rejects.append(item)
            continue
        result.observed += 1
        meta = getattr(item, "meta", None) or {}
        if isinstance(item, LargeFile):
            sha256, size = stat_index.get((item.capture, item.size, item.captured_at)), item.size
            if sha256 is None or not blob_exists(ws, sha256):
                sha256 = _land_large(ws, item)
                if sha256 not in known:
                    known.add(sha256)
                    result.new.append(sha256)
        else:
            sha256, size = item.sha256, len(item.content)
            if sha256 not in known:
                # zstd, as big files: 10x faster than gzip -6 to write, 2x to read, the same size
                atomic_write_bytes(zst_blob_path(ws, sha256), pa.compress(item.content, codec="zstd", asbytes=True))
                known.add(sha256)
                result.new.append(sha256)
        if (sha256, item.capture) in seen_pairs:
            continue
        seen_pairs.add((sha256, item.capture))
        rows.append({
            "sha256": sha256, "capture": item.capture, "kind": kind,
            "captured_at": item.captured_at, "bytes": size, "landed_at": now,
            "status": meta.get("status"), "headers": json.dumps(meta["headers"]) if meta.get("headers") else None,
            "error": meta.get("error"),
        })
    if rows:
        manifest = pl.concat([manifest, pl.DataFrame(rows, schema=MANIFEST_SCHEMA)])
        write_parquet(manifest, manifest_path(ws))
    return result


def land_rejects_path(ws: Workspace) -> Path:
    return ws.landing_dir / "rejects.parquet"


def read_land_rejects(ws: Workspace) -> pl.DataFrame:
    path = land_rejects_path(ws)
    if path.exists():
        return pl.read_parquet(path)
    return pl.from_arrow(REJECTS.empty_table()).with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias("seen_at"))


def keep_rejects(ws: Workspace, rejects: list[dict]) -> None:
    """Inputs that could not even be read or fetched are quarantined like any other; kept once
    per (capture, reason). A reject may carry its own `seen_at` (a failed fetch's time)."""
    if rejects:
        now = datetime.now(timezone.utc)
        seen = [r.get("seen_at") or now for r in rejects]
        rows = [{k: v for k, v in r.items() if k != "seen_at"} for r in rejects]
        new = pl.from_arrow(table_of(rows, REJECTS)).with_columns(
            pl.Series("seen_at", seen, pl.Datetime("us", "UTC")))
        merged = pl.concat([read_land_rejects(ws), new])
        write_parquet(merged.unique(["capture", "reason"], keep="first", maintain_order=True),
                      land_rejects_path(ws))


_keep_rejects = keep_rejects  # the name assets/partitions.py imports


def forget_fetch_rejects(ws: Workspace, urls: list[str]) -> int:
    """A URL whose fetch failed before and has now succeeded is no longer lost: its old fetch
    quarantine rows go (the fetch log keeps every failed attempt). Returns how many went."""
    path = land_rejects_path(ws)
    if not urls or not path.exists():
        return 0
    kept = read_land_rejects(ws)
    stale = (pl.col("stage") == "fetch") & pl.col("capture").is_in(pl.Series(urls, dtype=pl.String).implode())
    remaining = kept.filter(~stale.fill_null(False))
    if remaining.height < kept.height:
        write_parquet(remaining, path)
    return kept.height - remaining.height


def landing_lock(ws: Workspace) -> FileLock:
    """The manifest, rejects and fetch log are read-modify-write files; runs or steps in other
    processes (parallel source fetches, a sensor-started run) take turns on them."""
    ws.ensure()
    return FileLock(ws.data_dir / ".landing.lock", timeout=600)


def land_files(ws: Workspace, roots: Iterable[Path], kind: str = "file") -> LandingResult:
    def files() -> Iterable[Capture | LargeFile | dict]:
        for path in iter_capture_files(roots, skip=ws.data_dir):
            try:
                yield capture_from_file(path)
            except OSError as err:
                yield reject(None, None, f"unreadable_capture: {err.strerror or err} ({path})",
                             None, stage="land") | {"capture": str(path)}
    with landing_lock(ws), progress.task("land", unit="files") as bar:  # a count: files are found as it goes
        result = land(ws, bar.track(files()), kind=kind)
        keep_rejects(ws, result.rejects)
    return result
