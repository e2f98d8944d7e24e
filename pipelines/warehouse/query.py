"""Read-only queries against the published warehouse (never blocks, never blocked by a run)."""
from __future__ import annotations

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
