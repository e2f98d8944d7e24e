"""The published DuckDB file: built from staging Parquet and sql/, then swapped in atomically."""
