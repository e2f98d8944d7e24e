"""Fingerprints of the analytics views: same inputs must give the same numbers.

A view's fingerprint is its row count and the md5 of its ordered rows (sql/queries/view_fingerprint.sql).
The capture-time columns (a count's `as_of`, a profile's `reported_as_of`, the capture day) say
*when* a live source was fetched, the wall clock of that run, so two runs of the same inputs
differ there by construction; they are left out of the fingerprint and named in `skipped`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .query import read_query

CAPTURE_TIME_TYPES = ("TIMESTAMP WITH TIME ZONE",)
CAPTURE_TIME_COLUMNS = ("capture_day",)


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    md5: str
    skipped: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.rows} rows md5 {self.md5}"


def analytics_fingerprints(db_path: Path, *, with_capture_times: bool = False) -> dict[str, Fingerprint]:
    """{view name: Fingerprint} for every view of the analytics schema."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns: dict[str, list[tuple[str, str]]] = {}
        for view, column, dtype in con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'analytics' ORDER BY table_name, ordinal_position").fetchall():
            columns.setdefault(view, []).append((column, dtype))
        template = read_query("view_fingerprint")
        out = {}
        for view, cols in columns.items():
            skipped = tuple(c for c, t in cols if not with_capture_times
                            and (t in CAPTURE_TIME_TYPES or c in CAPTURE_TIME_COLUMNS))
            kept = [f'"{c}"' for c, _ in cols if c not in skipped]
            sql = template.format(relation=f"analytics.{view}", columns=", ".join(kept))
            rows, md5 = con.execute(sql).fetchone()
            out[view] = Fingerprint(rows, md5, skipped)
        return out
    finally:
        con.close()
