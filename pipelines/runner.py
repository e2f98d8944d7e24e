"""Run every stage through Dagster in this process and say what happened in a few lines."""
from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .environment import describe_text
from .errors import ConfigError
from .outcome import STAGES, WAREHOUSE_TAG, recorded
from .warehouse.publish import check_published
from .warehouse.query import query
from .workspace import Workspace

SUMMARY_TABLES = ("core.papers", "core.authors", "core.authorships", "core.sightings",
                  "core.paper_topics", "core.author_profiles", "core.citation_snapshots",
                  "audit.quarantine", "audit.runs")


@dataclass
class Outcome:
    success: bool
    message: str = ""
    summary: str = ""
    run_id: str = ""


def run_pipeline(ws: Workspace, captures: list[str], config_path: str | None = None,
                 ephemeral: bool = False, instance=None) -> Outcome:
    """Materialise all assets in-process. Raises PapertrailError for problems found up front
    (missing inputs, corrupt or locked warehouse) before any work is done."""
    from dagster import DagsterInstance, materialize

    from papertrail.assets.resources import PapertrailResource
    from .definitions import ALL_ASSETS
    from .instance import dagster_home

    for path in captures:
        if not Path(path).exists():
            raise ConfigError(f"--captures {path}: no such file or directory")
    if config_path and not Path(config_path).exists():
        raise ConfigError(f"--config {config_path}: no such file")
    if config_path:  # a typo or a missing API key stops the run here, in one line, before Dagster
        from .config import load_config
        load_config(config_path)
    check_published(ws.db_path)  # fail before working if the target is corrupt or locked
    ws.ensure()

    if instance is None:  # (tests pass an instance whose runs they inspect)
        if ephemeral:
            instance = DagsterInstance.ephemeral()
        else:
            dagster_home(ws.db_path)
            instance = DagsterInstance.get()
    resource = PapertrailResource(db_path=str(ws.db_path), captures=[str(Path(c).resolve()) for c in captures],
                                  config_path=config_path)
    # Dagster's console logger would print every step's traceback; the event log in the
    # instance (and the UI) keeps them, the CLI prints one line. PAPERTRAIL_VERBOSE=1 shows all.
    level = "DEBUG" if os.environ.get("PAPERTRAIL_VERBOSE") else "CRITICAL"
    result = materialize(ALL_ASSETS, resources={"papertrail": resource}, instance=instance,
                         raise_on_error=False, tags={WAREHOUSE_TAG: str(ws.db_path)},
                         run_config={"loggers": {"console": {"config": {"log_level": level}}}})
    row = recorded(ws, result.run_id)
    # a row with the outcome's counts was written by the publish (or the no-op) of this run
    summary = summarise(ws, result.run_id) if row and row["fetches_answered"] is not None else ""
    if result.success and row is not None and row["status"] == "partial":
        return Outcome(False, message=row["message"], summary=summary, run_id=result.run_id)
    if result.success:
        return Outcome(True, summary=summary, run_id=result.run_id)
    message = failure_message(result, published=bool(summary))
    if row is None:
        with contextlib.suppress(OSError):  # the state folder may be what failed: the line says so
            _record_failure(ws, result.run_id, message)
    return Outcome(False, message=message, summary=summary, run_id=result.run_id)


_OURS = {"PapertrailError", "WarehouseError", "ConfigError", "ParseError", "NothingLoaded"}


def failure_message(result, published: bool = False) -> str:
    """One line: the blocking checks that failed, else the first step error (an environmental one
    — read-only folder, full disk, permissions — said as such)."""
    failed_checks = [e.check_name for e in result.get_asset_check_evaluations()
                     if not e.passed and e.severity.value == "ERROR"]
    if failed_checks:
        return ("validation blocked the publish (failed: " + ", ".join(sorted(failed_checks)) +
                "); the published warehouse is unchanged")
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        cause = error
        while cause is not None and cause.cause is not None and cause.cls_name not in _OURS:
            cause = cause.cause
        text = (cause or error).message.strip().splitlines()[0]
        if (cause or error).cls_name in _OURS:  # our messages are whole sentences already
            return re.sub(r"^[\w.]+: ", "", text)
        chain = [error]
        while chain[-1].cause is not None or chain[-1].context is not None:
            chain.append(chain[-1].cause or chain[-1].context)
        for link in chain:
            if env := describe_text(link.message):
                return f"step {event.step_key}: " + env.line(
                    "the warehouse was published, this step's output was not written" if published
                    else "the published warehouse is unchanged")
        return f"step {event.step_key} failed: {text}"
    for event in result.all_events:  # the run itself failed: a resource, the instance's storage
        error = getattr(event.event_specific_data, "error", None)
        while error is not None:
            if env := describe_text(error.message):
                return env.line("nothing was published")
            error = error.cause or error.context
    for event in result.all_events:
        if error := getattr(event.event_specific_data, "error", None):
            while error.cause is not None:
                error = error.cause
            return f"the run failed: {error.message.strip().splitlines()[0]}"
    return "the run failed (see the Dagster UI for the run's logs)"


def _record_failure(ws: Workspace, run_id: str, message: str) -> None:
    from .stages.runlog import read_state, record_run, run_row
    status = "blocked" if message.startswith("validation blocked") else "failed"
    record_run(ws, run_row(run_id, read_state(ws, run_id), status=status, message=message))


def summarise(ws: Workspace, run_id: str) -> str:
    counts = query(ws.db_path, " UNION ALL ".join(
        f"SELECT '{t}' AS tbl, count(*) AS n FROM {t}" for t in SUMMARY_TABLES))
    row = recorded(ws, run_id)
    lines = [f"published {ws.db_path}"]
    lines += [f"  {tbl:<24} {n:>9,}" for tbl, n in counts.iter_rows()]
    if row:
        lines.append(f"this run ({row['status']}): {row['captures_seen']} captures seen, {row['captures_new']} new; "
                     f"{row['rows_in']} records in, {row['rows_loaded']} loaded, {row['rows_quarantined']} quarantined")
        if row["fetches_answered"] or row["fetches_failed"]:
            lines.append(f"fetches: {row['fetches_answered']} answered, {row['fetches_failed']} failed for good")
        by_stage = [f"{stage} {row[f'quarantined_{stage}']:,}" for stage in STAGES if row[f"quarantined_{stage}"]]
        lines.append("audit.quarantine by stage: " + (", ".join(by_stage) if by_stage else "empty"))
    reports = ws.reports_dir / "report.html"
    if reports.exists():
        lines.append(f"report: {reports}")
        lines += [f"chart:  {p}" for p in sorted(ws.reports_dir.glob("*.png"))]
    lines.append(f"query:  papertrail sql --db {ws.db_path} \"SELECT * FROM analytics.topic_trends\"")
    return "\n".join(lines)

