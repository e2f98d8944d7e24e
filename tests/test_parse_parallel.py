"""Parsing captures in several processes writes exactly what one process writes: the same files
(but for the batch id), the same records in the same order, the same index."""
from __future__ import annotations

import json
import shutil

import polars as pl

from papertrail.pipelines.demo.corpus import write_demo_captures
from papertrail.pipelines.records import SCHEMAS
from papertrail.pipelines.stages import parse
from papertrail.pipelines.stages.landing import land_files
from papertrail.pipelines.stages.parse import parse_pending, read_index, read_parsed, table_files
from papertrail.pipelines.workspace import Workspace

SNAPSHOT_LINE = {"id": "2101.00001", "submitter": "A", "authors": "Ada Lovelace and Ben Okri",
                 "title": "A small snapshot inside the captures", "comments": None, "journal-ref": None,
                 "doi": None, "report-no": None, "categories": "cs.CL", "license": None,
                 "abstract": "Lines of the arXiv metadata snapshot, recognised inside a slice.",
                 "versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 12:00:00 GMT"}],
                 "update_date": "2021-01-04", "authors_parsed": [["Lovelace", "Ada", ""], ["Okri", "Ben", ""]]}


def _captures(tmp_path):
    folder = write_demo_captures(tmp_path / "captures")
    # the demo pages twice more under other names with other bytes: more slices, same layouts
    for copy in ("again", "third"):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("again", "third"))):
            data = path.read_bytes()
            (path.parent / f"{copy}-{path.name}").write_bytes(data + (b"\n" if copy == "again" else b"\n\n"))
    (folder / "broken.html").write_bytes(b"<html><body>\x00\xff not a page anyone knows</body></html>")
    lines = []
    for i in range(5):
        line = dict(SNAPSHOT_LINE, id=f"2101.0000{i}", title=f"A small snapshot inside the captures {i}")
        lines.append(json.dumps(line))
    (folder / "snapshot-small.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    # a big snapshot (checked before slicing) and a big file that is not one
    big = [json.dumps(dict(SNAPSHOT_LINE, id=f"2102.{i:05d}", title=f"Big snapshot paper {i}")) for i in range(400)]
    (folder / "snapshot-big.jsonl").write_text("\n".join(big) + "\n", "utf-8")
    return folder


def _parse(tmp_path, name, captures, workers, monkeypatch):
    ws = Workspace.for_db(tmp_path / name / "w.duckdb").ensure()
    land_files(ws, [captures])
    return ws, parse_pending(ws, workers=workers)


def test_parallel_parse_writes_what_one_process_writes(tmp_path, monkeypatch):
    # small slices and an early sniff, so that a few dozen captures make many slices (set here:
    # slicing happens in this process; the pool's processes only parse what they are given)
    monkeypatch.setattr(parse, "SLICE_BYTES", 40_000)
    monkeypatch.setattr(parse, "SNIFF_FIRST_BYTES", 50_000)
    captures = _captures(tmp_path)
    one_ws, one = _parse(tmp_path, "one", captures, 1, monkeypatch)
    two_ws, two = _parse(tmp_path, "two", captures, 2, monkeypatch)
    assert one.workers == 1 and two.workers == 2
    assert one.parsed == two.parsed == 33
    assert one.counts == two.counts and one.formats == two.formats
    assert one.formats.get("arxiv_snapshot") == 2 and one.counts["rejects"] >= 1
    for table in SCHEMAS:
        names = lambda ws, batch: [p.name.replace(batch, "B") for p in table_files(ws, table)]  # noqa: E731
        assert names(one_ws, one.batch) == names(two_ws, two.batch), table
        # the same rows in the same order (read_parsed reads the files in name order)
        assert read_parsed(one_ws, table).equals(read_parsed(two_ws, table)), table
    assert len(table_files(one_ws, "papers")) > 5  # many slices really were written
    assert read_index(one_ws).drop("batch").equals(read_index(two_ws).drop("batch"))


def test_parallel_parse_then_nothing_pending(tmp_path, monkeypatch):
    monkeypatch.setattr(parse, "SLICE_BYTES", 40_000)
    captures = _captures(tmp_path)
    ws, first = _parse(tmp_path, "w", captures, 2, monkeypatch)
    assert first.parsed > 0
    again = parse_pending(ws, workers=2)
    assert again.parsed == 0 and again.batch is None
    # a file added later is parsed on its own, by the same rules
    extra = tmp_path / "more"
    extra.mkdir()
    shutil.copy(captures / "snapshot-small.jsonl", extra / "other.jsonl")
    (extra / "other.jsonl").write_text((captures / "snapshot-small.jsonl").read_text().replace("2101.", "2103."))
    land_files(ws, [extra])
    later = parse_pending(ws, workers=2)
    assert later.parsed == 1 and later.formats == {"arxiv_snapshot": 1}
    assert read_parsed(ws, "papers").height == first.counts["papers"] + 5
    assert pl.Series(read_index(ws)["batch"]).n_unique() == 2


def test_pool_is_used_only_when_there_is_enough_to_parse(tmp_path, monkeypatch):
    captures = _captures(tmp_path)
    monkeypatch.setenv(parse.WORKERS_ENV, "2")
    ws, small = _parse(tmp_path, "small", captures, None, monkeypatch)
    assert small.workers == 1  # a few hundred KB: one process
    assert parse.parse_workers() == 2
    monkeypatch.setenv(parse.WORKERS_ENV, "1")
    assert parse.parse_workers() == 1
