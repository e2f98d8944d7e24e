"""pipelines.validate: every expectation in expectations/*.json fails on a frame crafted to break
exactly it (with the exact unexpected count and offending rows) and passes on the good frames.

GX is imported once for the module (the runner is per process); each case validates only the
table it breaks, so a case costs one suite run, not seven.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable

import polars as pl
import pytest

from papertrail.pipelines.paths import expectations_dir
from papertrail.pipelines.validate import FAILED, ROW_INDEX, suite_tables, validate
from papertrail.pipelines.validate.report import expectation_columns

NN, UNIQUE, COMPOUND = ("expect_column_values_to_not_be_null", "expect_column_values_to_be_unique",
                        "expect_compound_columns_to_be_unique")
IN_SET, BETWEEN = "expect_column_values_to_be_in_set", "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"


def ts(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


def good_frames() -> dict[str, pl.DataFrame]:
    """A small consistent warehouse with the staging columns, including edge cases that must pass:
    null years and dates, a publication dated one day after capture (time zones), metric pairs
    with one side missing, and citation history that only grows."""
    papers = pl.DataFrame({
        "paper_id": ["P1", "P2", "P3"], "title": ["Attention", "Scaling", None],
        "abstract": ["a", None, "c"], "published_on": [date(2017, 6, 12), date(2026, 11, 23), None],
        "year": [2017, 2026, None], "primary_topic": ["cs.CL", "cs.LG", None],
        "arxiv_id": ["1706.03762", None, None], "doi": [None, "10.1/x", None], "has_code": [True, None, None],
        "page_count": [15, None, None], "openalex_id": ["W1", None, None], "s2_id": [None, None, "S3"],
        "venue": ["NeurIPS", None, None], "date_precision": ["day", "day", None],
        "authors_truncated": [False, False, True], "records": [2, 1, 1], "sources": [2, 1, 1],
    }, schema_overrides={"year": pl.Int32, "page_count": pl.Int32, "records": pl.UInt32, "sources": pl.UInt32})
    authors = pl.DataFrame({"author_id": ["A1", "A2", "A3"], "display_name": ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
                            "name_variants": [["Ashish Vaswani", "Vaswani, A."], ["Noam Shazeer"], ["Niki Parmar"]]})
    authorships = pl.DataFrame({
        "paper_id": ["P1", "P1", "P1", "P2", "P3", "P3"], "author_id": ["A1", "A2", "A3", "A2", "A1", "A3"],
        "position": [1, 2, 3, 1, 1, 2], "name_as_written": ["A. Vaswani", "N. Shazeer", "N. Parmar", "Noam Shazeer", None, None],
        "orcid": [None] * 6, "affiliations": [["Google"], [], None, None, None, None],
    }, schema_overrides={"position": pl.Int32, "orcid": pl.String, "affiliations": pl.List(pl.String)})
    paper_topics = pl.DataFrame({"paper_id": ["P1", "P1", "P1", "P2"], "topic": ["cs.CL", "cs.CL", "cs.LG", "cs.LG"],
                                 "source": ["arxiv_atom", "openalex", "arxiv_atom", "semanticscholar"]})
    sightings = pl.DataFrame({
        "paper_id": ["P1", "P1", "P2", "P3"], "source": ["arxiv_atom", "openalex", "crossref", "google_scholar"],
        "capture": ["c1", "c2", "c3", "c3"], "record_ref": ["r1", "r2", "r3", "r4"],
        "captured_at": [ts(20), ts(21), ts(22, 23), ts(22)],
        "title_seen": ["Attention", "Attention", "Scaling", None],
        "published_on_seen": [date(2017, 6, 12), date(2017, 6, 12), date(2026, 11, 23), None],
        "authors_seen": [["A. Vaswani"], [], None, None], "authors_truncated_seen": [False, None, False, True],
    })
    author_profiles = pl.DataFrame({
        "author_id": ["A1", "A1", "A2"], "source": ["scored_profile", "scored_profile", "semanticscholar"],
        "capture": ["c1", "c2", "c3"], "captured_at": [ts(20), ts(21), ts(22)],
        "h_index": [10, 11, None], "citation_count": [500, 520, 0], "paper_count": [40, None, 3],
        "i10_index": [9, None, None], "name_as_written": ["Ashish Vaswani"] * 2 + ["Noam Shazeer"],
        "extra": [None, '{"rank": 3}', None], "record_ref": ["p1", "p2", "p3"],
    })
    citation_snapshots = pl.DataFrame({
        "paper_id": ["P1", "P1", "P1", "P1", "P2"],
        "source": ["openalex", "semanticscholar", "semanticscholar", "semanticscholar", "openalex"],
        "captured_at": [ts(21), ts(20), ts(21), ts(22), ts(22)],
        "citation_count": [8, 5, 7, 7, 0], "influential_citation_count": [None, 1, 1, 2, 0],
    })
    return {"papers": papers, "authors": authors, "authorships": authorships, "paper_topics": paper_topics,
            "sightings": sightings, "author_profiles": author_profiles, "citation_snapshots": citation_snapshots}


def set_value(frame: pl.DataFrame, row: int, column: str, value: Any) -> pl.DataFrame:
    dtype = frame.schema[column]
    hit = pl.int_range(pl.len()) == row
    return frame.with_columns(pl.when(hit).then(pl.lit(value, dtype=dtype)).otherwise(pl.col(column)).alias(column))


def duplicate(frame: pl.DataFrame, row: int, **changes: Any) -> pl.DataFrame:
    """Appends a copy of `row` (at index frame.height), with some columns changed."""
    copy = frame[row]
    for column, value in changes.items():
        copy = set_value(copy, 0, column, value)
    return pl.concat([frame, copy])


@dataclass(frozen=True)
class Case:
    table: str
    expectation: str
    columns: tuple[str, ...]
    break_it: Callable[[pl.DataFrame], pl.DataFrame]
    count: int
    rows: tuple[int, ...]     # row positions in the broken frame that violate it

    @property
    def id(self) -> str:
        return f"{self.table}-{self.expectation.removeprefix('expect_')}-{'+'.join(self.columns)}"


def null(table: str, column: str, row: int) -> Case:
    return Case(table, NN, (column,), lambda f: set_value(f, row, column, None), 1, (row,))


def dup(table: str, expectation: str, columns: tuple[str, ...], row: int, **changes: Any) -> Case:
    # Both the original and the copy are unexpected: GX counts every member of a duplicate group.
    return Case(table, expectation, columns, lambda f: duplicate(f, row, **changes), 2, (row, -1))


def bad(table: str, expectation: str, column: str, changes: dict[int, Any], columns: tuple[str, ...] | None = None,
        rows: tuple[int, ...] | None = None) -> Case:
    def apply(frame: pl.DataFrame) -> pl.DataFrame:
        for row, value in changes.items():
            frame = set_value(frame, row, column, value)
        return frame
    rows = rows if rows is not None else tuple(changes)
    return Case(table, expectation, columns or (column,), apply, len(rows), rows)


CASES = [
    null("papers", "paper_id", 1),
    dup("papers", UNIQUE, ("paper_id",), 0, title="Another paper"),
    bad("papers", BETWEEN, "year", {0: 1899, 1: 2027}),
    bad("papers", IN_SET, "primary_topic", {1: "cs.XX"}),
    null("authors", "author_id", 2),
    dup("authors", UNIQUE, ("author_id",), 1, display_name="Someone Else"),
    null("authors", "display_name", 0),
    null("authorships", "paper_id", 3),
    null("authorships", "position", 2),      # P1 keeps 1, 2: still contiguous
    null("authorships", "author_id", 1),
    dup("authorships", COMPOUND, ("paper_id", "position"), 1, author_id="A3"),
    bad("authorships", IN_SET, "paper_id", {3: "P404"}, columns=("paper_exists",)),
    bad("authorships", IN_SET, "author_id", {4: "A404"}, columns=("author_exists",)),
    # Renumbering P1's last author 3 -> 4 leaves a gap: the whole byline is unexpected.
    bad("authorships", IN_SET, "position", {2: 4}, columns=("positions_contiguous",), rows=(0, 1, 2)),
    null("paper_topics", "paper_id", 3),
    null("paper_topics", "topic", 1),
    null("paper_topics", "source", 2),
    dup("paper_topics", COMPOUND, ("paper_id", "topic", "source"), 0),
    bad("paper_topics", IN_SET, "topic", {3: "cs.XX"}),
    bad("paper_topics", IN_SET, "paper_id", {3: "P404"}, columns=("paper_exists",)),
    null("sightings", "record_ref", 0),
    dup("sightings", UNIQUE, ("record_ref",), 2, source="openalex"),
    null("sightings", "paper_id", 1),
    null("sightings", "captured_at", 3),
    bad("sightings", IN_SET, "paper_id", {2: "P404"}, columns=("paper_exists",)),
    bad("sightings", IN_SET, "published_on_seen", {1: date(2026, 11, 23)}, columns=("published_by_capture",)),
    null("author_profiles", "record_ref", 1),
    dup("author_profiles", UNIQUE, ("record_ref",), 0, capture="c9"),
    null("author_profiles", "author_id", 2),
    bad("author_profiles", IN_SET, "author_id", {2: "A404"}, columns=("author_exists",)),
    bad("author_profiles", PAIR, "h_index", {0: 41}, columns=("paper_count", "h_index")),
    bad("author_profiles", BETWEEN, "citation_count", {2: -1}),
    null("citation_snapshots", "paper_id", 4),
    null("citation_snapshots", "source", 0),
    null("citation_snapshots", "captured_at", 4),
    null("citation_snapshots", "citation_count", 2),
    dup("citation_snapshots", COMPOUND, ("paper_id", "source", "captured_at"), 0),
    bad("citation_snapshots", BETWEEN, "citation_count", {4: -1}),
    bad("citation_snapshots", BETWEEN, "influential_citation_count", {1: -1}),
    bad("citation_snapshots", IN_SET, "paper_id", {4: "P404"}, columns=("paper_exists",)),
    bad("citation_snapshots", IN_SET, "citation_count", {3: 6}, columns=("decrease",)),
]


def suite_entries() -> set[tuple[str, str, tuple[str, ...]]]:
    entries = set()
    for table in suite_tables():
        data = json.loads((expectations_dir() / f"{table}.json").read_text())
        entries |= {(table, e["type"], expectation_columns(e["kwargs"])) for e in data["expectations"]}
    return entries


def test_every_expectation_has_a_breaking_case():
    covered = {(c.table, c.expectation, c.columns) for c in CASES}
    assert covered == suite_entries()
    assert len(covered) == len(CASES)


def test_good_frames_pass_everything():
    report = validate(good_frames())
    assert report.results and all(r.success for r in report.results), [r for r in report.results if not r.success]
    assert {r.table for r in report.results} == set(suite_tables())
    assert len(report.results) == len(suite_entries())
    assert all(r.unexpected_count == 0 for r in report.results)
    assert report.success and report.failed_rows == {} and report.flagged_rows == {}
    assert report.capture_year == 2026


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_expectation_fails_alone_on_its_bad_frame(case: Case):
    frames = good_frames()
    frames[case.table] = case.break_it(frames[case.table])
    report = validate(frames, tables=[case.table])

    target = report.result(case.table, case.expectation, *case.columns)
    assert not target.success
    assert target.unexpected_count == case.count
    others = [r for r in report.results if r is not target and not r.success]
    assert others == []

    height = frames[case.table].height
    expected_rows = sorted(r % height for r in case.rows)
    rows = report.failed_rows if target.blocking else report.flagged_rows
    assert sorted(rows[case.table][ROW_INDEX].to_list()) == expected_rows
    assert set(rows[case.table][FAILED].explode().to_list()) == {target.label}
    assert (report.flagged_rows if target.blocking else report.failed_rows) == {}
    key = report.failed_rows.get(case.table, report.flagged_rows.get(case.table))
    # The offending rows come back whole, as given, so they can be quarantined as they are.
    assert key.drop(ROW_INDEX, FAILED).equals(frames[case.table][expected_rows])
    assert len(target.unexpected_keys) == min(case.count, 5) and target.why


def test_a_citation_decrease_is_flagged_not_blocking():
    frames = good_frames()
    # Shuffled rows: "previous" must follow captured_at, not row order.
    frames["citation_snapshots"] = set_value(frames["citation_snapshots"], 3, "citation_count", 6).reverse()
    report = validate(frames)
    decrease = report.result("citation_snapshots", IN_SET, "decrease")
    assert not decrease.success and not decrease.blocking and decrease.unexpected_count == 1
    assert report.success and report.blocking_failures == [] and report.warnings == [decrease]
    assert report.failed_rows == {}
    flagged = report.flagged_rows["citation_snapshots"]
    assert flagged.select("source", "captured_at", "citation_count").rows() == [("semanticscholar", ts(22), 6)]
    assert report.without_failed(frames)["citation_snapshots"].height == 5  # flagged rows are kept


def test_failed_rows_name_every_expectation_a_row_broke_and_can_be_removed():
    frames = good_frames()
    sightings = set_value(frames["sightings"], 1, "paper_id", "P404")
    frames["sightings"] = set_value(sightings, 1, "published_on_seen", date(2030, 1, 1))
    report = validate(frames)
    assert not report.success and report.quarantine_resolves
    bad = report.failed_rows["sightings"]
    assert bad["record_ref"].to_list() == ["r2"]
    assert sorted(bad[FAILED][0]) == ["sightings.expect_column_values_to_be_in_set(paper_exists)",
                                      "sightings.expect_column_values_to_be_in_set(published_by_capture)"]
    assert {r.label for r in report.blocking_failures} == set(bad[FAILED][0])
    cleaned = report.without_failed(frames)
    assert cleaned["sightings"]["record_ref"].to_list() == ["r1", "r3", "r4"]
    assert validate(cleaned).success


def test_year_bound_follows_the_newest_capture_or_an_explicit_year():
    frames = good_frames()
    assert validate(frames, tables=["papers"], capture_year=2025).result("papers", BETWEEN, "year").unexpected_count == 1
    frames["sightings"] = frames["sightings"].with_columns(pl.col("captured_at").dt.offset_by("-1y"))
    frames["author_profiles"] = frames["author_profiles"].with_columns(pl.col("captured_at").dt.offset_by("-1y"))
    frames["citation_snapshots"] = frames["citation_snapshots"].with_columns(pl.col("captured_at").dt.offset_by("-1y"))
    report = validate(frames, tables=["papers"])
    assert report.capture_year == 2025
    assert report.result("papers", BETWEEN, "year").unexpected_keys == [{"paper_id": "P2"}]


def test_integrity_checks_refuse_to_run_without_their_targets_and_columns_are_checked():
    frames = good_frames()
    with pytest.raises(ValueError, match="authors"):
        validate({k: v for k, v in frames.items() if k != "authors"})
    frames["papers"] = frames["papers"].drop("year")
    with pytest.raises(ValueError, match="year"):
        validate(frames, tables=["papers"])


def test_report_tables_list_failures_with_their_reasons():
    frames = good_frames()
    frames["papers"] = set_value(frames["papers"], 0, "year", 1850)
    frames["topic_labels"] = pl.DataFrame({"paper_id": ["P1"]})
    report = validate(frames)
    assert report.summary().endswith("1 blocking failures, 0 warnings")
    [failure] = report.failures().rows(named=True)
    assert {k: failure[k] for k in ("table", "expectation", "columns", "blocking", "unexpected", "examples")} == {
        "table": "papers", "expectation": "expect_column_values_to_be_between", "columns": "year",
        "blocking": True, "unexpected": 1, "examples": "paper_id=P1"}
    assert report.unchecked == ("topic_labels",)


def test_importing_the_package_does_not_import_great_expectations():
    code = ("import sys, papertrail.pipelines.validate, papertrail.pipelines.validate.prepare, papertrail.pipelines.validate.report; "
            "sys.exit('great_expectations' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_report_tables_count_rows_and_failures_per_table():
    frames = good_frames()
    frames["authors"] = set_value(frames["authors"], 0, "display_name", None)
    report = validate(frames, tables=["authors"])
    assert report.summary().startswith("3 expectations over 1 tables")
    assert report.tables().rows() == [("authors", 3, 3, 1, 1, 0)]
    assert report.failures()["table"].to_list() == ["authors"]
