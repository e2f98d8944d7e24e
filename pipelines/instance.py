"""The Dagster instance a warehouse's runs and the UI share (the CLI and the runner both need it)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .paths import instance_dir, instance_template
from .workspace import Workspace


def dagster_home(db_path: Path | None = None) -> Path:
    """The Dagster instance every run and the UI share (paths.instance_dir: the checkout's
    .dagster/, or beside the warehouse once installed), unless the user set DAGSTER_HOME. The
    instance config is the shipped dagster.yaml, copied in when it changed."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"])
    home = instance_dir(Workspace.for_db(db_path).db_path)
    source, target = instance_template(), home / "dagster.yaml"
    if source.exists() and (not target.exists() or target.read_bytes() != source.read_bytes()):
        shutil.copyfile(source, target)
    os.environ["DAGSTER_HOME"] = str(home)
    return home
