"""The vectorised snapshot path (sources/arxiv/bulk.py) against the line parser, chunked parsing
in the parse stage, and streamed landing of large captures."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import polars as pl
import pytest

from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources.arxiv import bulk, snapshot
from papertrail.pipelines.stages import landing
from papertrail.pipelines.stages.landing import land_files, read_blob, read_manifest
from papertrail.pipelines.stages.parse import parse_pending, read_index, read_parsed
from papertrail.pipelines.workspace import Workspace

SAMPLE = "arxiv_kaggle_snapshot/arxiv-metadata-oai-snapshot.first200.jsonl"
WHEN = datetime(2025, 3, 1, tzinfo=timezone.utc)


@pytest.fixture
def sample_bytes(realdata_dir) -> bytes:
    return (realdata_dir / SAMPLE).read_bytes()


def _capture(data: bytes) -> Capture:
    return Capture("snap.jsonl", data, WHEN)


def _assert_same(data: bytes, frames: dict) -> None:
    expected = snapshot.parse(_capture(data)).to_arrow()
    got = bulk.to_arrow(frames)
    for table in ("papers", "topic_labels", "rejects"):
        assert got[table].to_pylist() == expected[table].to_pylist(), table


def test_bulk_equals_line_parser_on_the_real_200_lines(sample_bytes):
    frames = bulk.parse_chunk(sample_bytes, _capture(sample_bytes))
    assert frames["papers"].height == 200 and frames["rejects"].height == 0
    _assert_same(sample_bytes, frames)
    # Bylines are numbered 1..n like every other source's (the contract's 1-based position).
    positions = frames["papers"]["authors"].list.eval(pl.element().struct.field("position"))
    assert positions.to_list() == [list(range(1, len(p) + 1)) for p in positions.to_list()]
    assert positions.list.first().unique().to_list() == [1]


def test_bulk_in_chunks_equals_the_whole_file(sample_bytes):
    cap, lines = _capture(sample_bytes), sample_bytes.splitlines(keepends=True)
    parts = [bulk.parse_chunk(b"".join(lines[i:i + 70]), cap, start=i) for i in range(0, 200, 70)]
    _assert_same(sample_bytes, {t: pl.concat([p[t] for p in parts]) for t in parts[0]})


def _edited(sample_bytes: bytes) -> list[bytes]:
    """Real lines edited into the cases the fast path hands to Python or to the line parser."""
    lines = sample_bytes.splitlines()
    recs = [json.loads(line) for line in lines[:8]]
    recs[0].update(title="", abstract=None)                                 # reject: no text
    recs[1].update(id="not an id")                                           # reject: no arXiv id
    recs[2]["authors_parsed"] = [["Smith", "J."], []]                        # odd entry: line parser
    recs[3].update(id="hep-th/9901001", categories="")                      # archive as topic
    recs[4].update(title="Caf\u00c3\u00a9 \\'Etude  of\tthings", doi=" 10.1000/ABC. ")  # mojibake, TeX, odd DOI
    recs[5]["versions"] = [{"version": "v1", "created": "2 April 2007"}]     # date off the usual shape
    recs[6].update(authors="A. One (MIT), B. Two (CERN)",
                   authors_parsed=[["One", "A.", ""], ["Two", "B.", ""]])    # affiliations from the raw string
    recs[7].update(comments="12 pages; 3,40 pages", categories="cs.CL cs.CL math.CO")
    return [json.dumps(r, ensure_ascii=False).encode() for r in recs]


def test_bulk_equals_line_parser_on_edge_cases(sample_bytes):
    data = b"\n".join(_edited(sample_bytes)) + b"\n"
    frames = bulk.parse_chunk(data, _capture(data))
    assert frames["rejects"]["reason"].str.split(":").list.first().to_list() == [
        "missing_title_and_abstract", "missing_arxiv_id", "malformed_record"]  # [] has no last name
    _assert_same(data, frames)


def test_unreadable_lines_fall_back_to_the_line_parser(sample_bytes):
    lines = _edited(sample_bytes)
    data = b"\n".join(lines[:3] + [b"", b"{not json", b"[1, 2]"] + lines[3:]) + b"\n"
    frames = bulk.parse_chunk(data, _capture(data))
    assert frames["rejects"].height == 5  # three from the records, the bad JSON, the array
    _assert_same(data, frames)


def test_parse_stage_writes_one_parquet_per_chunk_and_the_same_records(tmp_path, sample_bytes, monkeypatch):
    monkeypatch.setattr(landing, "BULK_BYTES", 64 << 10)  # the 280 KB sample lands streamed
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "snapshot.jsonl").write_bytes(sample_bytes)
    ws = Workspace.for_db(tmp_path / "w.duckdb").ensure()
    landed = land_files(ws, [captures])
    (sha,) = landed.new
    assert landing.zst_blob_path(ws, sha).exists() and not landing.blob_path(ws, sha).exists()
    assert read_blob(ws, sha) == sample_bytes

    result = parse_pending(ws, chunk_bytes=64 << 10)
    chunk_files = sorted(p.name for p in (ws.parsed_dir / "papers").glob(f"*.{sha[:16]}.*.parquet"))
    assert len(chunk_files) == 5  # 280 KB in 64 KB chunks
    assert result.counts["papers"] == 200 and result.formats == {"arxiv_snapshot": 1}
    assert read_index(ws).select("format", "papers").rows() == [("arxiv_snapshot", 200)]

    expected = snapshot.parse(Capture(str(captures / "snapshot.jsonl"), sample_bytes,
                                      read_manifest(ws)["captured_at"][0])).to_arrow()
    for table in ("papers", "topic_labels"):
        got = read_parsed(ws, table).sort("record_ref", maintain_order=True)
        want = pl.from_arrow(expected[table]).sort("record_ref", maintain_order=True)
        assert got.to_dicts() == want.to_dicts()


def test_chunks_parsed_on_threads_write_the_same_files(tmp_path, sample_bytes, monkeypatch):
    """A snapshot's chunks are parsed by bulk_threads() threads at once; one thread or three, the
    parsed files are the same, name for name and row for row."""
    monkeypatch.setattr(landing, "BULK_BYTES", 64 << 10)
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "snapshot.jsonl").write_bytes(sample_bytes)
    written = {}
    for threads in ("1", "3"):
        monkeypatch.setenv("PAPERTRAIL_PARSE_WORKERS", threads)
        ws = Workspace.for_db(tmp_path / threads / "w.duckdb").ensure()
        land_files(ws, [captures])
        parse_pending(ws, chunk_bytes=32 << 10)
        files = sorted(p for p in ws.parsed_dir.rglob("*.parquet") if p.name != "index.parquet")
        written[threads] = {(p.parent.name, p.name.split(".", 1)[1]): pl.read_parquet(p) for p in files}
    assert written["1"].keys() == written["3"].keys() and len(written["1"]) >= 9 * 2
    for key, frame in written["1"].items():
        assert frame.equals(written["3"][key]), key


def test_a_large_capture_unchanged_on_disk_is_not_read_again(tmp_path, sample_bytes, monkeypatch):
    monkeypatch.setattr(landing, "BULK_BYTES", 64 << 10)
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "snapshot.jsonl").write_bytes(sample_bytes)
    ws = Workspace.for_db(tmp_path / "w.duckdb").ensure()
    assert len(land_files(ws, [captures]).new) == 1

    def no_read(*_):
        raise AssertionError("re-read an unchanged large file")
    monkeypatch.setattr(landing, "_land_large", no_read)
    again = land_files(ws, [captures])
    assert again.observed == 1 and again.new == [] and read_manifest(ws).height == 1
