"""The one resource every asset needs: which warehouse, which inputs."""
from __future__ import annotations

import os

from dagster import ConfigurableResource, InitResourceContext
from pydantic import Field

from papertrail.pipelines.outcome import WAREHOUSE_TAG
from papertrail.pipelines.workspace import Workspace


class PapertrailResource(ConfigurableResource):
    """Where the warehouse is and what this run ingests: saved captures, the live sources a
    papertrail.yaml names, or (with neither) the built-in demo, served on 127.0.0.1 and fetched."""

    db_path: str = Field(default_factory=lambda: os.environ.get("PAPERTRAIL_DB", "warehouse.duckdb"))
    captures: list[str] = Field(default_factory=list)
    config_path: str | None = Field(default_factory=lambda: os.environ.get("PAPERTRAIL_CONFIG"))

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Every run that uses the resource — from the CLI, the UI, a schedule or a sensor — is
        tagged with the warehouse it works on (papertrail/warehouse), so the runs of different
        warehouses sharing one Dagster instance can be told apart and filtered in the UI."""
        if context.instance is None or not context.run_id:
            return
        path = str(Workspace.for_db(self.db_path).db_path)
        run = context.dagster_run
        if run is None or run.tags.get(WAREHOUSE_TAG) != path:
            context.instance.add_run_tags(context.run_id, {WAREHOUSE_TAG: path})

    @property
    def workspace(self) -> Workspace:
        return Workspace.for_db(self.db_path).ensure()

    @property
    def demo(self) -> bool:
        return not self.captures and not self.config_path
