"""The pipeline's stages as plain functions over a Workspace; Dagster assets call these."""
