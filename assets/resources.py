"""The one resource every asset needs: which warehouse, which inputs."""
from __future__ import annotations

import os

from dagster import ConfigurableResource
from pydantic import Field

from papertrail.pipelines.workspace import Workspace


class PapertrailResource(ConfigurableResource):
    """Where the warehouse is and what this run ingests: saved captures, the live sources a
    papertrail.yaml names, or (with neither) the built-in demo, served on 127.0.0.1 and fetched."""

    db_path: str = Field(default_factory=lambda: os.environ.get("PAPERTRAIL_DB", "warehouse.duckdb"))
    captures: list[str] = Field(default_factory=list)
    config_path: str | None = Field(default_factory=lambda: os.environ.get("PAPERTRAIL_CONFIG"))

    @property
    def workspace(self) -> Workspace:
        return Workspace.for_db(self.db_path).ensure()

    @property
    def demo(self) -> bool:
        return not self.captures and not self.config_path
