"""What the warehouse holds, read from sql/ itself: every published table and view, its columns
and types, the core and audit tables each view reads, and the descriptions in sql/columns.yaml.

The shape comes from running every sql/*.sql statement into an empty in-memory DuckDB (about
0.1 s), so it is always the shape a publish builds; the Dagster assets (assets/warehouse.py,
assets/analytics.py) are declared from it, and the publish writes the descriptions into the
file with COMMENT ON.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
import yaml

from ..paths import sql_dir
from .statements import sql_statements

DOCS_FILE = "columns.yaml"
TABLE_SCHEMAS = ("core", "audit")   # tables loaded from staging (and audit.runs)
VIEW_SCHEMA = "analytics"           # the views users query
_CREATED = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW)\s+"
                      r"(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)", re.IGNORECASE)
_QUALIFIED = re.compile(r"\b(core|audit|analytics|analytics_data)\.(\w+)\b")


@dataclass(frozen=True)
class Relation:
    name: str                                   # schema.name, e.g. core.papers
    kind: str                                   # "table" | "view"
    columns: tuple[tuple[str, str], ...]        # (column, DuckDB type) in order
    description: str = ""
    column_docs: dict[str, str] = field(default_factory=dict, compare=False)
    reads: tuple[str, ...] = ()                 # views: the core/audit tables they are computed from

    @property
    def schema(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> list[str]:
        """The Dagster asset key path: core.papers -> ["core", "papers"]."""
        return self.name.split(".", 1)


def docs() -> dict[str, dict]:
    """sql/columns.yaml: {"core.papers": {"description": ..., "columns": {column: description}}}."""
    path = sql_dir() / DOCS_FILE
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text("utf-8")) or {}


@lru_cache(maxsize=4)
def _relations(sql_root: str) -> dict[str, Relation]:
    statements = sql_statements()
    con = duckdb.connect()
    try:
        for _, statement in statements:
            con.execute(statement)
        found = con.execute(
            "SELECT schema_name || '.' || table_name, list(column_name ORDER BY column_index), "
            "list(data_type ORDER BY column_index), "
            "bool_or(table_name IN (SELECT view_name FROM duckdb_views() v WHERE v.schema_name = c.schema_name)) "
            "FROM duckdb_columns() c WHERE schema_name IN ('core', 'audit', 'analytics') "
            "GROUP BY schema_name, table_name ORDER BY 1").fetchall()
    finally:
        con.close()
    described = docs()
    reads = view_reads(statements)
    out = {}
    for name, columns, types, is_view in found:
        doc = described.get(name) or {}
        out[name] = Relation(name=name, kind="view" if is_view else "table",
                             columns=tuple(zip(columns, types)), description=doc.get("description") or "",
                             column_docs=dict(doc.get("columns") or {}), reads=tuple(reads.get(name, ())))
    return out


def relations() -> dict[str, Relation]:
    """Every core/audit table and analytics view, by name."""
    return _relations(str(sql_dir()))


def tables() -> list[Relation]:
    return [r for r in relations().values() if r.kind == "table" and r.schema in TABLE_SCHEMAS]


def views() -> list[Relation]:
    return [r for r in relations().values() if r.kind == "view" and r.schema == VIEW_SCHEMA]


def view_reads(statements: list[tuple[str, str]]) -> dict[str, list[str]]:
    """{analytics view: the core/audit tables it is computed from}, following the analytics_data
    tables and temporary tables that sql/ builds in between (their names are read from the
    CREATE statements, the references from every statement's text)."""
    direct: dict[str, set[str]] = {}
    for _, statement in statements:
        text = re.sub(r"--[^\n]*", "", statement)
        created = _CREATED.match(text)
        if not created:
            continue
        name = created.group(1).lower()
        body = text[created.end():]
        refs = {f"{s}.{t}".lower() for s, t in _QUALIFIED.findall(body)}
        refs |= {other for other in direct if "." not in other and re.search(rf"\b{re.escape(other)}\b", body)}
        direct[name] = refs - {name}

    def base(name: str, seen: frozenset) -> set[str]:
        if name.split(".")[0] in TABLE_SCHEMAS:
            return {name}
        if name in seen or name not in direct:
            return set()
        return set().union(*(base(ref, seen | {name}) for ref in direct[name]))

    return {name: sorted(base(name, frozenset())) for name in direct if name.startswith(VIEW_SCHEMA + ".")}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_statements(con: duckdb.DuckDBPyConnection) -> list[str]:
    """COMMENT ON statements for every described table, view and column that the database on
    `con` has (a description of something it lacks is left out: tests/test_asset_graph.py
    reports those)."""
    present: dict[str, tuple[str, set[str]]] = {}
    for name, kind, column in con.execute(
            "SELECT c.schema_name || '.' || c.table_name, CASE WHEN v.view_name IS NULL THEN 'TABLE' ELSE 'VIEW' END, "
            "c.column_name FROM duckdb_columns() c LEFT JOIN duckdb_views() v "
            "ON v.schema_name = c.schema_name AND v.view_name = c.table_name "
            "WHERE c.schema_name IN ('core', 'audit', 'analytics')").fetchall():
        present.setdefault(name, (kind, set()))[1].add(column)
    out = []
    for name, doc in docs().items():
        if name not in present:
            continue
        kind, columns = present[name]
        if doc.get("description"):
            out.append(f"COMMENT ON {kind} {name} IS {_quote(str(doc['description']))}")
        for column, text in (doc.get("columns") or {}).items():
            if column in columns and text:
                out.append(f"COMMENT ON COLUMN {name}.{column} IS {_quote(str(text))}")
    return out


def undocumented() -> list[str]:
    """Published columns without a description, and described columns or relations that are gone."""
    problems = []
    described = docs()
    for relation in [*tables(), *views()]:
        if not relation.description:
            problems.append(f"{relation.name}: no description")
        for column, _ in relation.columns:
            if not relation.column_docs.get(column):
                problems.append(f"{relation.name}.{column}: no description")
        for column in relation.column_docs.keys() - {c for c, _ in relation.columns}:
            problems.append(f"{relation.name}.{column}: described but not in the warehouse")
    known = {r.name for r in [*tables(), *views()]}
    problems += [f"{name}: described but not in the warehouse" for name in described.keys() - known]
    return sorted(problems)
