"""No publish without validation of exactly what is published.

The bypass of issue 14: after a run, one staged paper's year is set to 3000 and only the publish
asset is materialised (what the UI's "Materialize selected" on the tables does). The publish
finds no validation receipt for that staging's content hash, refuses with one clear line, and
the warehouse file stays byte for byte as it was. Validating the edited staging then quarantines
the paper, and the publish goes through without it.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import polars as pl
import pytest
from dagster import AssetKey, DagsterInstance

from papertrail.assets.warehouse import TABLE_KEYS
from papertrail.pipelines.definitions import defs
from papertrail.pipelines.errors import WarehouseError
from papertrail.pipelines.io import write_parquet
from papertrail.pipelines.stages import publish as publish_stage
from papertrail.pipelines.stages.publish import publish_run, staged_files
from papertrail.pipelines.stages.resolve import staging_path
from papertrail.pipelines.validate.receipt import (NotValidated, read_receipt, receipts_dir, require_passing,
                                        staging_digest, write_receipt)
from papertrail.pipelines.workspace import Workspace

from .helpers import rows, scalar

PAGES = Path(__file__).parent / "fixtures" / "pages"
CAPTURES = ("catalyzex_page.html", "aitopics_page.txt", "scored_profile_page.html")
LOG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def config(db: Path, captures: Path | None = None) -> dict:
    resource = {"db_path": str(db), **({"captures": [str(captures)]} if captures else {})}
    return {"resources": {"papertrail": {"config": resource}}, **LOG}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def materialise(instance, db: Path, keys: list[AssetKey]):
    """What the UI's "Materialize selected" launches: the global asset job over these keys."""
    return defs.resolve_implicit_global_asset_job_def().execute_in_process(
        asset_selection=keys, instance=instance, raise_on_error=False, run_config=config(db))


def step_errors(result) -> list[str]:
    """Each failed step's own error, as its one line (the CLI prints the same)."""
    out = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        error = error.cause or error
        out.append(error.message.strip().removeprefix(f"papertrail.pipelines.errors.{error.cls_name}: "))
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A whole `refresh` run over three author pages, in an ephemeral instance."""
    tmp = tmp_path_factory.mktemp("receipt")
    captures = tmp / "captures"
    captures.mkdir()
    for name in CAPTURES:
        shutil.copy(PAGES / name, captures / name)
    db = tmp / "wh.duckdb"
    instance = DagsterInstance.ephemeral()
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=instance, raise_on_error=False, run_config=config(db, captures))
    assert result.success
    return instance, db, Workspace.for_db(db), result


def set_year(ws: Workspace, year: int) -> str:
    """Sets the first dated staged paper's year (as an edit of the staging would); its id."""
    path = staging_path(ws, "papers")
    papers = pl.read_parquet(path)
    paper_id = papers.filter(pl.col("year").is_not_null())["paper_id"][0]
    write_parquet(papers.with_columns(
        pl.when(pl.col("paper_id") == paper_id).then(pl.lit(year, pl.Int32)).otherwise(pl.col("year"))
        .cast(papers.schema["year"]).alias("year")), path)
    return paper_id


def test_publishing_unvalidated_staging_is_refused_and_the_warehouse_unchanged(run):
    instance, db, ws, first = run
    # The full run's checks passed on the tables they guard.
    evaluations = {(e.asset_key.to_user_string(), e.check_name): e.passed
                   for e in first.get_asset_check_evaluations()}
    assert evaluations[("core/papers", "year_in_range")] is True
    assert len(evaluations) == 41
    published, years = sha(db), scalar(db, "SELECT max(year) FROM core.papers")
    assert years < 3000

    paper_id = set_year(ws, 3000)
    refused = materialise(instance, db, TABLE_KEYS)  # only the publish step, no validation

    assert not refused.success
    [message] = step_errors(refused)
    digest = staging_digest(staged_files(ws)).short
    assert message.startswith(f"refusing to publish: the staged tables (content hash {digest}) have "
                              f"not been validated")
    assert message.endswith("the published warehouse is unchanged")
    assert not refused.get_asset_materialization_events()
    assert sha(db) == published
    assert scalar(db, "SELECT count(*) FROM core.papers WHERE year >= 3000") == 0

    # Validate what is staged now, then publish: the paper is quarantined, not published, and
    # nothing that names it (here a version relation staged with it) either.
    relations = pl.read_parquet(staging_path(ws, "paper_relations"))
    other = pl.read_parquet(staging_path(ws, "papers")).filter(pl.col("paper_id") != paper_id)["paper_id"][0]
    write_parquet(pl.concat([relations, pl.DataFrame(
        {"paper_id": [other], "related_paper_id": [paper_id], "relation": ["version_of"], "weight": [9.5]},
        schema=relations.schema)]), staging_path(ws, "paper_relations"))
    validated = materialise(instance, db, [AssetKey("validated_tables"), *TABLE_KEYS])
    assert validated.success
    year_check = [e for e in validated.get_asset_check_evaluations() if e.check_name == "year_in_range"]
    assert [(e.asset_key, e.passed, e.severity.value) for e in year_check] == [
        (AssetKey(["core", "papers"]), False, "WARN")]   # failed before quarantine; loads clean
    assert scalar(db, "SELECT count(*) FROM core.papers WHERE year >= 3000") == 0
    assert rows(db, "SELECT stage, reason FROM audit.quarantine WHERE payload LIKE ?", [f"%{paper_id}%"])[0] == (
        "validate", "validation_failed: papers.expect_column_values_to_be_between(year)")
    assert scalar(db, "SELECT count(*) FROM core.paper_relations WHERE ? IN (paper_id, related_paper_id)",
                  [paper_id]) == 0


def test_a_failed_receipt_blocks_the_publish_with_the_failing_checks(run, tmp_path):
    """A receipt whose blocking check failed (validation found duplicates it could not
    quarantine): the publish reports the checks, Dagster blocks the step, nothing is published."""
    instance, db, ws, _ = run
    digest = staging_digest(staged_files(ws))
    before = sha(db)
    checks = read_receipt(ws, digest.sha256)["checks"]
    assert len(checks) == 41
    failing = next(c for c in checks if (c["table"], c["check"]) == ("papers", "paper_id_unique"))
    failing.update(passed=False, severity="ERROR")
    write_receipt(ws, digest, passed=False, checks=checks, run_id="run-x")
    try:
        blocked = materialise(instance, db, TABLE_KEYS)
        assert not blocked.success
        assert sorted((e.asset_key.to_user_string(), e.check_name, e.severity.value)
                      for e in blocked.get_asset_check_evaluations() if not e.passed) == [
            ("core/papers", "paper_id_unique", "ERROR"),
            ("core/papers", "year_in_range", "WARN")]  # the year-3000 paper quarantined above
        assert len(blocked.get_asset_check_evaluations()) == 41
        assert not blocked.get_asset_materialization_events()
        [error] = [e.step_failure_data.error for e in blocked.get_step_failure_events()]
        assert error.cls_name == "DagsterAssetCheckFailedError"
        assert sha(db) == before
        with pytest.raises(NotValidated, match=r"failed validation in run run-x \(blocking: papers.paper_id_unique\)"):
            publish_run(ws, "run-y")
    finally:
        failing.update(passed=True, severity="WARN")
        write_receipt(ws, digest, passed=True, checks=checks, run_id="run-x")


def test_the_digest_covers_every_staged_file_and_the_suites(tmp_path, monkeypatch):
    staged = {name: tmp_path / f"{name}.parquet" for name in ("a", "b")}
    for name, path in staged.items():
        path.write_bytes(name.encode() * 10)
    first = staging_digest(staged)
    assert staging_digest(staged).sha256 == first.sha256 and first.changed() == []
    staged["b"].write_bytes(b"c" * 10)
    assert staging_digest(staged).sha256 != first.sha256
    assert first.changed() == [str(staged["b"])]
    suites = tmp_path / "suites"
    shutil.copytree(Path(__file__).parents[1] / "expectations", suites)
    monkeypatch.setenv("PAPERTRAIL_EXPECTATIONS_DIR", str(suites))
    again = staging_digest(staged).sha256
    (suites / "papers.json").write_text((suites / "papers.json").read_text().replace("1900", "1800"))
    assert staging_digest(staged).sha256 != again     # a loosened suite invalidates receipts
    staged["a"].unlink()
    with pytest.raises(NotValidated, match="nothing to publish: the staged a is missing"):
        staging_digest(staged)


def test_staging_changed_during_the_load_is_not_swapped_in(run, monkeypatch):
    _, db, ws, _ = run
    validated = staging_digest(staged_files(ws))
    write_receipt(ws, validated, passed=True, checks=[], run_id="run-ok")
    require_passing(ws, staged_files(ws))
    before = sha(db)
    real = publish_stage.publish

    def edit_then_publish(ws_, staged, runs, before_swap=None):
        def edit_and_check():
            set_year(ws, 2999)   # the staging changes after it was hashed, before the swap
            before_swap()
        return real(ws_, staged, runs, before_swap=edit_and_check)

    monkeypatch.setattr(publish_stage, "publish", edit_then_publish)
    with pytest.raises(WarehouseError, match=r"refusing to publish: papers.parquet changed while the "
                                             r"warehouse was built from it"):
        publish_run(ws, "run-z")
    assert sha(db) == before
    assert read_receipt(ws, staging_digest(staged_files(ws)).sha256) is None
    assert len(list(receipts_dir(ws).glob("*.json"))) >= 2
