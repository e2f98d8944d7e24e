"""Where the project's own non-Python assets live (sql/, expectations/)."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def sql_dir() -> Path:
    return Path(os.environ.get("PAPERTRAIL_SQL_DIR", PROJECT_ROOT / "sql"))


def expectations_dir() -> Path:
    return Path(os.environ.get("PAPERTRAIL_EXPECTATIONS_DIR", PROJECT_ROOT / "expectations"))
