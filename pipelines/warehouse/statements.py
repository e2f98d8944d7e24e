"""The warehouse's SQL (sql/*.sql) as statements, split by DuckDB's own parser."""
from __future__ import annotations

import re

import duckdb

from ..paths import sql_dir

DERIVE_FROM = 100  # sql/ files numbered from here on run after the load


def sql_statements(phase: str | None = None) -> list[tuple[str, str]]:
    """(file name, statement) for every statement of the sql/*.sql files, in file order. Phase
    "schema": files numbered below 100, run into the empty file before the load; "derive": the
    others (key checks, analytics tables, views), run after it; None: all.

    DuckDB splits the text (`extract_statements`), so a ';' in a string literal or a comment
    does not end a statement. Whole-line `--` comments and the closing ';' are left out of each
    statement's text (as the previous line-based split did, so the texts are unchanged)."""
    statements = []
    con = duckdb.connect()  # in memory, only for its parser
    try:
        for path in sorted(sql_dir().glob("*.sql")):
            number = int(m.group(1)) if (m := re.match(r"(\d+)_", path.name)) else 0
            if phase and (phase == "schema") != (number < DERIVE_FROM):
                continue
            for stmt in con.extract_statements(path.read_text("utf-8")):
                if body := _body(stmt.query):
                    statements.append((path.name, body))
    finally:
        con.close()
    return statements


def _body(query: str) -> str:
    """A statement's text without its closing ';' (and what follows it: the last statement of a
    file carries the file's tail) and without whole-line comments."""
    tokens = duckdb.tokenize(query)  # comments are not tokens; positions are UTF-8 byte offsets
    if not tokens:
        return ""
    raw, last = query.encode("utf-8"), tokens[-1][0]
    if raw[last:last + 1] == b";":
        query = raw[:last].decode("utf-8")
    return "\n".join(line for line in query.splitlines()
                     if not line.strip().startswith("--")).strip()
