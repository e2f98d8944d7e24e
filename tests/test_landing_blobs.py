"""Captures land as zstd blobs; a landing zone written before that (gzip blobs) reads the same."""
from __future__ import annotations

import gzip

import pyarrow as pa

from papertrail.pipelines.demo.corpus import write_demo_captures
from papertrail.pipelines.records import SCHEMAS
from papertrail.pipelines.stages import landing
from papertrail.pipelines.stages.parse import parse_pending, read_parsed
from papertrail.pipelines.workspace import Workspace


def test_small_captures_land_as_zstd_and_old_gzip_blobs_still_read(tmp_path):
    captures = write_demo_captures(tmp_path / "captures")
    new = Workspace.for_db(tmp_path / "new" / "w.duckdb").ensure()
    landed = landing.land_files(new, [captures])
    assert landed.new and all(landing.zst_blob_path(new, sha).exists() and not landing.blob_path(new, sha).exists()
                              for sha in landed.new)
    sha = landed.new[0]
    # a standard zstd frame: what any zstd reader reads
    frame = landing.zst_blob_path(new, sha).read_bytes()
    assert frame[:4] == b"\x28\xb5\x2f\xfd"
    assert landing.read_blob(new, sha) == pa.CompressedInputStream(pa.BufferReader(frame), "zstd").read()

    old = Workspace.for_db(tmp_path / "old" / "w.duckdb").ensure()
    landing.land_files(old, [captures])
    for sha in landed.new:  # as the landing zone of an earlier version holds them
        content = landing.read_blob(old, sha)
        landing.zst_blob_path(old, sha).unlink()
        landing.blob_path(old, sha).write_bytes(gzip.compress(content, 6))
        assert landing.blob_exists(old, sha) and landing.read_blob(old, sha) == content
    assert parse_pending(old).counts == parse_pending(new).counts
    for table in SCHEMAS:
        assert read_parsed(old, table).equals(read_parsed(new, table)), table
