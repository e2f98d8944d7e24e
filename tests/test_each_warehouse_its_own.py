"""Each warehouse its own: every run is tagged in Dagster with the warehouse it works on, and
reports are written beside the warehouse they describe (`<db stem>.reports/`), so two warehouses in
one folder never overwrite each other's charts."""
from __future__ import annotations

import shutil

from dagster import DagsterInstance, RunsFilter, asset, materialize

from papertrail.assets.resources import PapertrailResource
from papertrail.pipelines.outcome import WAREHOUSE_TAG
from papertrail.pipelines.workspace import Workspace
from tests.helpers import REPO, run_cli

PAGES = REPO / "tests" / "fixtures" / "pages"


@asset
def touches_the_warehouse(papertrail: PapertrailResource) -> None:
    """Any asset that uses the resource, as every papertrail asset does."""
    papertrail.workspace


def test_every_run_is_tagged_with_its_warehouse(tmp_path):
    instance = DagsterInstance.ephemeral()
    paths = [tmp_path / "a.duckdb", tmp_path / "sub" / "b.duckdb"]
    for path in paths:
        done = materialize([touches_the_warehouse], instance=instance,
                           resources={"papertrail": PapertrailResource(db_path=str(path))})
        assert done.success
    for path in paths:
        [run] = instance.get_runs(filters=RunsFilter(tags={WAREHOUSE_TAG: str(path)}))
        assert run.tags[WAREHOUSE_TAG] == str(path)


def test_two_warehouses_in_one_folder_keep_their_own_reports(tmp_path):
    for name, page in (("a", "catalyzex_page.txt"), ("b", "aitopics_page.txt")):
        captures = tmp_path / f"captures_{name}"
        captures.mkdir()
        shutil.copy2(PAGES / page, captures / page)
        out = run_cli("run", "--captures", str(captures), "--db", str(tmp_path / f"{name}.duckdb"), cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert f"report: {tmp_path / f'{name}.reports' / 'report.html'}" in out.stdout
    a, b = (tmp_path / "a.reports" / "report.html").read_text(), (tmp_path / "b.reports" / "report.html").read_text()
    assert a != b
    assert not (tmp_path / "reports").exists()
    again = run_cli("run", "--captures", str(tmp_path / "captures_a"), "--db", str(tmp_path / "a.duckdb"), cwd=tmp_path)
    assert again.returncode == 0 and "this run (unchanged)" in again.stdout
    assert (tmp_path / "a.reports" / "report.html").read_text() == a  # a no-op keeps the report
    # `make run` (the default warehouse.duckdb) leaves warehouse.reports/ where README says
    assert Workspace.for_db(tmp_path / "warehouse.duckdb").reports_dir == tmp_path / "warehouse.reports"
