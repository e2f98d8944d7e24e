"""The failure hook on the jobs: a real `refresh` materialisation whose publish step fails on a
corrupt warehouse file is one 'failed' row in the run log, and in audit.runs after the next
publish; the failure sensor evaluated on the same run adds nothing. A blocking check is 'blocked'."""
import shutil
from pathlib import Path

from dagster import (AssetCheckResult, AssetCheckSpec, DagsterInstance, Definitions, MaterializeResult,
                     asset, build_run_status_sensor_context, define_asset_job)

from papertrail.assets.hooks import HOOKS, first_line, record_failure
from papertrail.assets.resources import PapertrailResource
from papertrail.assets.sensors import record_failed_run
from papertrail.pipelines.definitions import defs
from papertrail.pipelines.stages.runlog import read_runs
from papertrail.pipelines.workspace import Workspace

from .helpers import rows

PAGE = Path(__file__).parent / "fixtures" / "pages" / "catalyzex_page.txt"
GARBAGE = b"this is not a duckdb file\n" * 200


def refresh(instance, db: Path, captures: Path):
    return defs.resolve_job_def("refresh").execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={"resources": {"papertrail": {"config": {"db_path": str(db), "captures": [str(captures)]}}},
                    "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})


def test_a_failed_step_is_one_row_of_audit_runs(tmp_path):
    captures = tmp_path / "captures"
    captures.mkdir()
    shutil.copy(PAGE, captures / "page.txt")
    db = tmp_path / "wh.duckdb"
    db.write_bytes(GARBAGE)  # a corrupt warehouse: the publish refuses to overwrite it
    instance = DagsterInstance.ephemeral()

    failed = refresh(instance, db, captures)
    assert not failed.success
    assert [e.step_key for e in failed.get_step_failure_events()] == ["publish"]
    ws = Workspace.for_db(db)
    [row] = read_runs(ws).to_dicts()
    assert (row["run_id"], row["status"]) == (failed.run_id, "failed")
    assert row["message"] == (
        f"refresh: step publish failed: {db} cannot be opened (IO Error: The file "
        f"\"{db}\" exists, but it is not a valid DuckDB database file!); refusing to overwrite it — "
        f"move it away or choose another --db")
    # What the stages before the failing one counted: 1 page, 3 papers + its owner's profile.
    assert (row["captures_seen"], row["captures_new"], row["rows_in"]) == (1, 1, 4)
    assert db.read_bytes() == GARBAGE

    # The daemon's failure sensor sees the same run later: the hook's row stands, alone.
    run = instance.get_run_by_id(failed.run_id)
    failure = next(e for e in instance.all_logs(failed.run_id) if e.dagster_event
                   and e.dagster_event.event_type_value == "PIPELINE_FAILURE").dagster_event
    record_failed_run(build_run_status_sensor_context(
        sensor_name="record_failed_run", dagster_instance=instance, dagster_run=run,
        dagster_event=failure).for_run_failure())
    assert read_runs(ws).to_dicts() == [row]

    db.unlink()  # moved away, as the message says: the next run publishes, the failure with it
    ok = refresh(instance, db, captures)
    assert ok.success
    assert rows(db, "SELECT run_id, status, message FROM audit.runs ORDER BY started_at") == [
        (failed.run_id, "failed", row["message"]), (ok.run_id, "success", None)]


def test_record_failure_keeps_the_first_word(tmp_path):
    ws = Workspace.for_db(tmp_path / "wh.duckdb")
    assert record_failure(ws, "r1", "refresh: step parsed_records failed: boom")
    assert not record_failure(ws, "r1", "refresh: Execution of run for \"refresh\" failed.")
    assert record_failure(ws, "r2", "validation blocked", status="blocked")
    assert read_runs(ws).select("run_id", "status", "message").rows() == [
        ("r1", "failed", "refresh: step parsed_records failed: boom"),
        ("r2", "blocked", "validation blocked")]
    assert first_line(ValueError("first\nsecond")) == "first"
    assert first_line(KeyError()) == "KeyError"
    assert first_line(None) == "unknown error"


@asset(check_specs=[AssetCheckSpec("rows_suite", asset="checked", blocking=True)])
def checked(papertrail: PapertrailResource):
    yield MaterializeResult()
    yield AssetCheckResult(check_name="rows_suite", passed=False)


def test_a_blocking_check_is_recorded_as_blocked(tmp_path):
    db = tmp_path / "wh.duckdb"
    job = Definitions(assets=[checked], jobs=[define_asset_job("checks", hooks=HOOKS)],
                      resources={"papertrail": PapertrailResource(db_path=str(db))}).resolve_job_def("checks")
    result = job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    assert read_runs(Workspace.for_db(db)).select("run_id", "status", "message").rows() == [
        (result.run_id, "blocked", "checks: step checked blocked: 1 blocking asset check failed with "
                                   "ERROR severity: checked: rows_suite")]
