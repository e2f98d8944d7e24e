"""Where the project's own non-Python files live (sql/, expectations/, the Dagster instance
template dagster.yaml) and where a run's Dagster instance goes.

In a checkout (also under `pip install -e`) they are the repository's top-level folders; from an
installed wheel they are package data of `papertrail` (setup.py maps the repository's top level
onto the package). Both are found the same way, as resources beside `papertrail.pipelines`.
"""
from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path


def package_root() -> Path:
    """The folder holding pipelines/, assets/, sql/, expectations/ and dagster.yaml: the
    repository's top level in a checkout, site-packages/papertrail/ once installed."""
    pipelines = resources.files(__package__)  # "papertrail.pipelines": a regular package
    if not isinstance(pipelines, Path):  # e.g. imported from a zip: its data is not on disk
        raise RuntimeError(f"papertrail must be installed unpacked, not from {pipelines}")
    return pipelines.parent


PROJECT_ROOT = package_root()


def in_checkout() -> bool:
    """Running from a clone (pyproject.toml beside the code) rather than an installed wheel."""
    return (PROJECT_ROOT / "pyproject.toml").is_file()


def sql_dir() -> Path:
    return Path(os.environ.get("PAPERTRAIL_SQL_DIR", PROJECT_ROOT / "sql"))


def expectations_dir() -> Path:
    return Path(os.environ.get("PAPERTRAIL_EXPECTATIONS_DIR", PROJECT_ROOT / "expectations"))


def instance_template() -> Path:
    """dagster.yaml, copied into every Dagster instance the CLI sets up."""
    return PROJECT_ROOT / "dagster.yaml"


def instance_dir(db_path: Path) -> Path:
    """The Dagster instance (run history, event logs, schedules) of `papertrail run | ui`, unless
    DAGSTER_HOME says otherwise; created if missing. A checkout keeps one in its own .dagster/ as
    it always has. Installed, it sits beside the warehouse (`<folder>/.dagster`, as the reports
    do), so each data folder has its own history and nothing is written into site-packages; when
    that folder is read-only, in the user's data directory, one per warehouse."""
    if in_checkout():
        candidates = [PROJECT_ROOT / ".dagster"]
    else:
        from platformdirs import user_data_path

        key = hashlib.sha256(str(db_path).encode()).hexdigest()[:12]
        candidates = [db_path.parent / ".dagster",
                      user_data_path("papertrail") / "dagster" / f"{db_path.stem}-{key}"]
    for home in candidates:
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(home, os.W_OK | os.X_OK):
            return home
    return candidates[-1]  # let Dagster say why it cannot write there
