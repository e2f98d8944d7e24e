"""A run split into parts on the multiprocess executor (job `refresh_in_parts`: the parse in
parts, each part and every other step its own process) publishes the same warehouse as the
one-process run (`refresh`): every table's and view's fingerprint is equal."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from dagster import DagsterInstance, execute_job, reconstructable

from papertrail.pipelines.definitions import defs
from papertrail.pipelines.demo.corpus import write_demo_captures
from papertrail.pipelines.stages import parse

from .helpers import fingerprint, rows

CAPTURED = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def refresh_in_parts():
    return defs.resolve_job_def("refresh_in_parts")


def _captures(folder):
    """The demo's pages and API answers and 25 copies of each with other bytes (> SLICE_CAPTURES
    captures, so several slices), and a snapshot big enough to be streamed apart (a part of its own)."""
    write_demo_captures(folder)
    originals = sorted(p for p in folder.rglob("*") if p.is_file())
    for copy in range(1, 26):
        for path in originals:
            (path.parent / f"c{copy:02d}-{path.name}").write_bytes(path.read_bytes() + b"\n" * copy)
    lines, size, i = [], 0, 0
    while size < parse.SNIFF_FIRST_BYTES + 1000:
        line = json.dumps({
            "id": f"2104.{i:05d}", "submitter": "S", "authors": f"Ada Lovelace and Given{i % 97} Family{i % 89}",
            "title": f"A streamed snapshot paper number {i} on {('graphs', 'fields', 'proofs')[i % 3]}",
            "comments": None, "journal-ref": None, "doi": None, "report-no": None,
            "categories": ("cs.CL", "math.CO", "hep-th")[i % 3], "license": None,
            "abstract": f"Paper {i} of a snapshot long enough to be sniffed before slicing. " * 20,
            "versions": [{"version": "v1", "created": "Mon, 5 Apr 2021 12:00:00 GMT"}],
            "update_date": "2021-04-05",
            "authors_parsed": [["Lovelace", "Ada", ""], [f"Family{i % 89}", f"Given{i % 97}", ""]]})
        lines.append(line)
        size += len(line) + 1
        i += 1
    (folder / "snapshot.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    stamp = CAPTURED.timestamp()
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))
    return folder


def _config(db, captures, parts=None):
    config = {"resources": {"papertrail": {"config": {"db_path": str(db), "captures": [str(captures)]}}},
              "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    if parts is not None:
        config["ops"] = {"parsed_records": {"ops": {"plan_parse": {"config": {"parts": parts}}}}}
    return config


def _relations(db) -> list[str]:
    return [f"{s}.{t}" for s, t in rows(db, "SELECT schema_name, table_name FROM duckdb_tables() "
                                           "WHERE schema_name IN ('core', 'audit', 'analytics_data') "
                                           "UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
                                           "WHERE schema_name = 'analytics' ORDER BY 1, 2")
            if f"{s}.{t}" != "audit.runs"]   # run ids and times: the runs differ by nature


def test_a_run_in_parts_publishes_the_warehouse_of_the_one_process_run(tmp_path):
    captures = _captures(tmp_path / "captures")
    one_db, parts_db = tmp_path / "one" / "w.duckdb", tmp_path / "parts" / "w.duckdb"
    one_db.parent.mkdir()
    parts_db.parent.mkdir()
    one = defs.resolve_job_def("refresh").execute_in_process(
        instance=DagsterInstance.ephemeral(), run_config=_config(one_db, captures))
    assert one.success
    (tmp_path / "dagster").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "dagster")) as instance:
        with execute_job(reconstructable(refresh_in_parts), instance=instance,
                         run_config=_config(parts_db, captures, parts=3)) as split:
            assert split.success
            steps = {e.step_key for e in split.all_events if e.is_step_success}
            assert {"parsed_records.parse_part[part0]", "parsed_records.parse_part[part1]",
                    "parsed_records.parse_part[part2]"} <= steps
            # every part ran in a process of its own
            pids = {e.pid for e in split.all_events
                    if e.step_key and e.step_key.startswith("parsed_records.parse_part") and e.is_step_start}
            assert len(pids) == 3
            metadata = next(e.materialization.metadata for e in split.get_asset_materialization_events()
                            if e.asset_key.to_user_string() == "parsed_records")
            assert metadata["parts"].value == 3
    relations = _relations(one_db)
    assert "core.papers" in relations and "analytics.author_papers" in relations
    assert _relations(parts_db) == relations
    assert rows(one_db, "SELECT count(*) FROM core.papers")[0][0] > 2000
    assert {r: fingerprint(parts_db, r) for r in relations} == {r: fingerprint(one_db, r) for r in relations}
