"""Dagster assets, one module per stage. Thin: each calls a pipelines.stages function."""
