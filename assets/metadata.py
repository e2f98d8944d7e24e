"""Tables in asset metadata as Dagster table metadata (TableSchema + TableRecords), never text.

The UI renders a `MetadataValue.table` as a sortable table with typed columns; a frame's column
types become the schema's (polars dtype names mapped to Dagster's column types)."""
from __future__ import annotations

import polars as pl
from dagster import MetadataValue, TableColumn, TableRecord, TableSchema


def column_type(dtype: pl.DataType) -> str:
    """Dagster's name for a polars dtype: int, float, bool, string, date, datetime (others: their
    polars name, e.g. list[str])."""
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return {pl.Boolean: "bool", pl.Date: "date", pl.String: "string"}.get(dtype, str(dtype))


def _cell(value):
    # TableRecord values are str, int, float or bool (or None); dates and lists as text.
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def table_metadata(frame: pl.DataFrame) -> MetadataValue:
    """A frame as `MetadataValue.table`: one TableRecord per row, the frame's columns as schema."""
    return table_from_json(table_json(frame))


def table_json(frame: pl.DataFrame) -> dict:
    """What table_metadata shows, as JSON (kept on disk to show the same table again)."""
    return {"columns": [[name, column_type(dtype)] for name, dtype in frame.schema.items()],
            "rows": [{k: _cell(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]}


def table_from_json(table: dict) -> MetadataValue:
    return MetadataValue.table(records=[TableRecord(row) for row in table["rows"]],
                               schema=TableSchema(columns=[TableColumn(n, t) for n, t in table["columns"]]))
