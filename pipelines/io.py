"""Small file helpers: atomic writes so a crash never leaves a half-written file under its name."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(frame: pl.DataFrame | pa.Table, path: Path) -> None:
    """Write to a temporary name in the same folder, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(frame, pl.DataFrame):
            frame.write_parquet(tmp, compression="zstd")
        else:
            pq.write_table(frame, tmp, compression="zstd")
        os.replace(tmp, path)
    except Exception as err:
        tmp.unlink(missing_ok=True)
        if getattr(err, "errno", None) is None and (m := _RUST_OS_ERROR.search(str(err))):
            # polars words a full disk or a read-only folder "<strerror> (os error N): ...<path cut
            # short>" (a ComputeError when it streams): raise it as Python's own OSError would be
            code = int(m.group(1))
            raise OSError(code, os.strerror(code), str(path)) from err
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_RUST_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def sweep_temporaries(folder: Path) -> int:
    """Remove leftovers of writes a crash interrupted. Returns how many were removed."""
    removed = 0
    if folder.exists():
        for leftover in folder.rglob(".*.tmp"):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def release_memory() -> None:
    """Hands memory a finished stage freed back to the system, so that the next stage in the same
    process starts from what is live rather than from the last stage's peak: Arrow's allocator
    (mimalloc, used by pyarrow and pandas' Arrow-backed columns) and glibc's malloc keep freed
    pages for reuse. At 10^6 papers validation leaves ~770 MB resident, ~380 MB after this.
    (polars' own allocator returns its pages within a second: see pipelines/__init__.py.)"""
    import ctypes
    import gc

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
