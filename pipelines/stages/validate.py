"""Validate the staged core tables with the expectation suites in expectations/."""
from __future__ import annotations

import polars as pl

from ..paths import expectations_dir
from ..workspace import Workspace
from .resolve import read_staged

SUITES = tuple(sorted(p.stem for p in expectations_dir().glob("*.json")))


def validate_staged(ws: Workspace):
    from ..validate import validate  # pulls in great-expectations only when a run validates

    frames: dict[str, pl.DataFrame] = {table: read_staged(ws, table) for table in
                                       ("papers", "authors", "authorships", "paper_topics", "sightings",
                                        "author_profiles", "citation_snapshots", "profile_papers")}
    return validate(frames)
