"""Landing zone: every capture stored once under its sha256 (gzip), plus a manifest of sightings.

Same bytes seen again (same file, a copy elsewhere, an unchanged HTTP response) add a manifest
row but no new content, so nothing downstream runs again for them.
"""
from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import polars as pl

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


def blob_path(ws: Workspace, sha256: str) -> Path:
    return ws.landing_dir / "blobs" / sha256[:2] / f"{sha256}.gz"


def read_blob(ws: Workspace, sha256: str) -> bytes:
    return gzip.decompress(blob_path(ws, sha256).read_bytes())


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


def capture_from_file(path: Path) -> Capture:
    """A file as a capture; its capture time is the file's modification time (the contract)."""
    stat = path.stat()
    captured_at = datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc)
    return Capture(capture=str(path), content=path.read_bytes(), captured_at=captured_at)


def land(ws: Workspace, captures: Iterable[Capture | dict], kind: str = "file") -> LandingResult:
    """Store captures' bytes once and append their sightings to the manifest.

    Items may be Capture objects or reject dicts (a file that could not even be read): those
    are passed through to the result's rejects so the caller can quarantine them.
    """
    ws.ensure()
    manifest = read_manifest(ws)
    known = set(manifest["sha256"].to_list())
    seen_pairs = set(zip(manifest["sha256"].to_list(), manifest["capture"].to_list()))
    now = datetime.now(timezone.utc)
    result, rows = LandingResult(), []
    for item in captures:
        if isinstance(item, dict):
            result.rejects.append(item)
            continue
        result.observed += 1
        meta = getattr(item, "meta", None) or {}
        if item.sha256 not in known:
            atomic_write_bytes(blob_path(ws, item.sha256), gzip.compress(item.content, 6))
            known.add(item.sha256)
            result.new.append(item.sha256)
        if (item.sha256, item.capture) in seen_pairs:
            continue
        seen_pairs.add((item.sha256, item.capture))
        rows.append({
            "sha256": item.sha256, "capture": item.capture, "kind": kind,
            "captured_at": item.captured_at, "bytes": len(item.content), "landed_at": now,
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


def land_files(ws: Workspace, roots: Iterable[Path], kind: str = "file") -> LandingResult:
    def files() -> Iterable[Capture | dict]:
        for path in iter_capture_files(roots, skip=ws.data_dir):
            try:
                yield capture_from_file(path)
            except OSError as err:
                yield reject(None, None, f"unreadable_capture: {err.strerror or err} ({path})",
                             None, stage="land") | {"capture": str(path)}
    result = land(ws, files(), kind=kind)
    keep_rejects(ws, result.rejects)
    return result
