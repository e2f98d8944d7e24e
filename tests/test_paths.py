"""Where the project's files are found and where a run's Dagster instance goes: the checkout's
own folders and .dagster/ in a clone; package data and a per-folder (or per-user) instance when
installed (tests/test_wheel.py runs the real wheel)."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from papertrail.pipelines import cli, paths

REPO = Path(__file__).resolve().parents[1]


def test_a_checkout_finds_its_own_folders_as_package_resources():
    assert paths.package_root() == REPO
    assert paths.in_checkout()
    assert paths.sql_dir() == REPO / "sql" and paths.expectations_dir() == REPO / "expectations"
    assert paths.instance_template() == REPO / "dagster.yaml"
    assert paths.instance_dir(Path("/elsewhere/w.duckdb")) == REPO / ".dagster"


def test_top_level_names_are_refused_rather_than_loaded_twice():
    for name in ("pipelines", "assets"):
        with pytest.raises(ImportError, match=f"import papertrail.{name}, not {name}"):
            importlib.import_module(name)


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """paths as an installed wheel sees them, with the user's data directory under tmp_path."""
    monkeypatch.setattr(paths, "in_checkout", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DAGSTER_HOME", "")  # recorded, so what dagster_home() sets is undone
    monkeypatch.delenv("DAGSTER_HOME")
    return tmp_path


def test_installed_the_instance_sits_beside_the_warehouse(installed):
    db = installed / "analysis" / "w.duckdb"
    assert paths.instance_dir(db) == installed / "analysis" / ".dagster"
    assert (installed / "analysis" / ".dagster").is_dir()


def test_installed_with_an_unwritable_folder_the_instance_goes_to_the_user_data_dir(installed):
    (installed / "a-file").write_text("not a folder")  # nothing can be created under it (even as root)
    home = paths.instance_dir(installed / "a-file" / "w.duckdb")
    assert home.parent == installed / "xdg" / "papertrail" / "dagster" and home.name.startswith("w-")
    assert home.is_dir()
    assert paths.instance_dir(installed / "a-file" / "w.duckdb") == home  # the same every time
    assert paths.instance_dir(installed / "a-file" / "other.duckdb") != home


def test_dagster_home_copies_the_shipped_template_unless_the_user_chose_one(installed, monkeypatch):
    db = installed / "data" / "w.duckdb"
    home = cli.dagster_home(db)
    assert home == installed / "data" / ".dagster"
    assert (home / "dagster.yaml").read_bytes() == (REPO / "dagster.yaml").read_bytes()
    monkeypatch.setenv("DAGSTER_HOME", str(installed / "mine"))
    assert cli.dagster_home(db) == installed / "mine"
