"""The parse stage writes page records out as it goes (FLUSH_RECORDS), and what it writes in
parts equals what one part holds."""
from __future__ import annotations

import polars as pl

from papertrail.pipelines.demo.corpus import write_demo_captures
from papertrail.pipelines.records import SCHEMAS
from papertrail.pipelines.stages import parse
from papertrail.pipelines.stages.landing import land_files
from papertrail.pipelines.stages.parse import parse_pending, read_parsed, table_files
from papertrail.pipelines.workspace import Workspace


def _parsed(tmp_path, name: str, flush_records: int, monkeypatch) -> tuple[Workspace, dict]:
    monkeypatch.setattr(parse, "FLUSH_RECORDS", flush_records)
    ws = Workspace.for_db(tmp_path / name / "w.duckdb").ensure()
    land_files(ws, [write_demo_captures(tmp_path / "captures")])
    return ws, parse_pending(ws).counts


def test_records_written_in_parts_equal_one_part(tmp_path, monkeypatch):
    whole_ws, whole = _parsed(tmp_path, "whole", 10**9, monkeypatch)
    parts_ws, parts = _parsed(tmp_path, "parts", 20, monkeypatch)
    assert whole == parts and whole["papers"] == 208 and whole["profiles"] == 8
    assert len(table_files(whole_ws, "papers")) == 1
    assert len(table_files(parts_ws, "papers")) == 7  # a part each time a capture brings 20+ held records
    for table in SCHEMAS:
        expected = read_parsed(whole_ws, table)
        got = read_parsed(parts_ws, table)
        assert got.height == whole[table], table
        assert got.sort(pl.all()).equals(expected.sort(pl.all())), table
