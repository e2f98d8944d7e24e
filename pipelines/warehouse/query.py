"""Read-only queries against the published warehouse (never blocks, never blocked by a run)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl

from ..errors import WarehouseError
from ..paths import sql_dir

# Read-time queries live below sql/ rather than in it: every top-level sql/*.sql runs at publish.
QUERIES_DIR = "queries"


def query(db_path: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    if not db_path.exists():
        raise WarehouseError(f"no warehouse at {db_path}: run `papertrail run` first (or pass --db)")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as err:
        raise WarehouseError(f"{db_path} cannot be opened read-only: {str(err).splitlines()[0]}") from None
    try:
        return con.execute(sql, params or []).pl()
    except duckdb.Error as err:
        raise WarehouseError(f"query failed: {str(err).splitlines()[0]}") from None
    finally:
        con.close()


# `papertrail sql` runs what a user typed: DuckDB may not touch any file but the warehouse (no
# COPY ... TO, ATTACH, EXPORT, read_csv/read_text/glob of local files, extension installs), and
# the setting cannot be turned back on from the query (lock_configuration).
SANDBOX = {"enable_external_access": False, "lock_configuration": True}


@dataclass
class Result:
    statement: str
    frame: pl.DataFrame


def run_user_sql(db_path: Path, sql: str) -> list[Result]:
    """Every statement of `sql` (split by DuckDB's own parser), each with its result, on a
    read-only, sandboxed connection. WarehouseError: empty input, a refused or failing
    statement (`.results` holds those that ran before it)."""
    if not db_path.exists():
        raise WarehouseError(f"no warehouse at {db_path}: run `papertrail run` first (or pass --db)")
    try:
        con = duckdb.connect(str(db_path), read_only=True, config=SANDBOX)
    except duckdb.Error as err:
        raise WarehouseError(f"{db_path} cannot be opened read-only: {str(err).splitlines()[0]}") from None
    results: list[Result] = []
    try:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as err:
            raise StatementError(f"query failed: {_first_line(err)}", results) from None
        if not statements:
            raise StatementError("the query is empty (only whitespace or comments): give one or more SQL "
                                 "statements, e.g. \"SELECT * FROM analytics.topic_trends\"", results)
        for number, statement in enumerate(statements, 1):
            text = statement.query.strip().rstrip(";").rstrip()
            where = f"statement {number} of {len(statements)} " if len(statements) > 1 else ""
            try:
                frame = con.execute(statement).pl()
            except duckdb.Error as err:
                raise StatementError(where + _refusal(err), results) from None
            results.append(Result(text, frame))
        return results
    finally:
        con.close()


class StatementError(WarehouseError):
    """A statement of `papertrail sql` was refused or failed; `results` ran before it."""

    def __init__(self, message: str, results: list[Result]):
        super().__init__(message)
        self.results = results


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _refusal(err: duckdb.Error) -> str:
    """One line: why DuckDB refused or failed the statement."""
    text = _first_line(err)
    if isinstance(err, duckdb.PermissionException):
        return (f"refused: papertrail sql reads only the warehouse; it cannot read or write other files, "
                f"attach databases or install extensions ({text})")
    if "configuration has been locked" in text:
        return f"refused: papertrail sql cannot change DuckDB settings ({text})"
    if "read-only mode" in text:
        return f"refused: the warehouse is opened read-only ({text})"
    return f"query failed: {text}"


def read_query(name: str) -> str:
    """The text of sql/queries/<name>.sql (a read-time query, not run at publish)."""
    path = sql_dir() / QUERIES_DIR / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WarehouseError(f"no query {name!r}: {path} does not exist") from None


def format_table(frame: pl.DataFrame, max_width: int = 60) -> str:
    """A plain aligned text table (the full result, cells cut at max_width characters)."""
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[cell(v) for v in row] for row in frame.iter_rows()]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(frame.columns)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(frame.columns), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({frame.height} row{'s' if frame.height != 1 else ''})")
    return "\n".join(out)


WEEKS_SCHEMA = {"week": pl.Date, "papers": pl.Int64, "citations": pl.Int64, "snapshots": pl.Int64}


def week_snapshots(db_path: Path, weeks: list[str]) -> pl.DataFrame:
    """One row per week key (its Monday, "2026-11-16"): papers with a citation count by the week's
    end, their citations summed, and the snapshots captured during the week. Zeros before any."""
    starts = [datetime.fromisoformat(w).replace(tzinfo=timezone.utc) for w in weeks]
    found = query(db_path, read_query("citation_weeks"), [starts, [s + timedelta(days=7) for s in starts]])
    by_start = {row["starts"].astimezone(timezone.utc): row for row in found.iter_rows(named=True)}
    return pl.DataFrame([{"week": s.date(), **{k: int(by_start[s][k]) if s in by_start else 0
                                               for k in ("papers", "citations", "snapshots")}}
                         for s in starts], schema=WEEKS_SCHEMA)
