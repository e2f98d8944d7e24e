"""Where a warehouse keeps its derived state (landing zone, parsed batches, staging) and its reports.

Everything lives beside the published DuckDB file, in a hidden folder named after it, so two
warehouses never share state and deleting that folder only costs a re-parse of the captures.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "warehouse.duckdb"


def default_db_path() -> Path:
    return Path(os.environ.get("PAPERTRAIL_DB") or DEFAULT_DB)


@dataclass(frozen=True)
class Workspace:
    db_path: Path

    @classmethod
    def for_db(cls, db_path: str | os.PathLike | None = None) -> "Workspace":
        path = Path(db_path) if db_path else default_db_path()
        return cls(path.expanduser().resolve())

    @property
    def data_dir(self) -> Path:
        return self.db_path.parent / f".{self.db_path.name}.papertrail"

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def parsed_dir(self) -> Path:
        return self.data_dir / "parsed"

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging"

    @property
    def state_dir(self) -> Path:
        """Facts that outlive a run: the run log and the paper-id crosswalk."""
        return self.data_dir / "state"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo_captures"

    @property
    def reports_dir(self) -> Path:
        """Charts and report.html of this warehouse, beside it and named after it
        (`warehouse.duckdb` -> `warehouse.reports/`), so warehouses in one folder keep their own."""
        return self.db_path.parent / f"{self.db_path.stem}.reports"

    def ensure(self) -> "Workspace":
        for path in (self.landing_dir, self.parsed_dir, self.staging_dir, self.state_dir):
            path.mkdir(parents=True, exist_ok=True)
        return self
