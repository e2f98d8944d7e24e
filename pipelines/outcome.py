"""A run's honest outcome: what was set aside at each stage, and whether the run did its job.

The status a finished run gets in audit.runs (and as the `papertrail/status` tag of its Dagster run):

- `failed`  — the run loaded nothing: every record its new captures held was quarantined, or
  nothing arrived at all (every fetch failed, every file was unreadable). The warehouse is still
  published, so audit.quarantine shows why; the Dagster run fails and the CLI exits 1.
- `partial` — some fetches failed for good (retries used up, an unreachable host, robots.txt, ...):
  the warehouse is published with what did arrive; the CLI exits 1 with one line saying so.
- `success` / `unchanged` — everything asked for was fetched and read (records quarantined for
  bad content do not change that; they are counted).

Counts (columns of audit.runs):
- `rows_in`: records parsed from this run's new captures; `rows_quarantined`: those of them set
  aside (parse rejects, and records resolution or validation quarantined); `rows_loaded`: the rest.
- `fetches_answered` / `fetches_failed`: this run's fetches that got an answer (content or 304) /
  failed for good.
- `quarantined_<stage>` for fetch, land, parse, resolve, validate: the rows of each stage in the
  audit.quarantine this run published (so they always agree with that table).
"""
from __future__ import annotations

from dataclasses import dataclass, field
import polars as pl

from .errors import PapertrailError
from .workspace import Workspace

STAGES = ("fetch", "land", "parse", "resolve", "validate")
STATUS_TAG = "papertrail/status"
WAREHOUSE_TAG = "papertrail/warehouse"  # every run names the warehouse it works on (Dagster run tag)


class NothingLoaded(PapertrailError):
    """A run whose inputs all ended in quarantine (raised after the publish, so the Dagster run
    fails while audit.quarantine shows why)."""


@dataclass
class Outcome:
    status: str
    message: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def _fetch_log(ws: Workspace, run_id: str) -> pl.DataFrame:
    """The fetch log's rows of a run (one per request, however the run fetched: the landing step,
    the per-source or per-author fetch ops, the OAI-PMH harvest)."""
    from .stages.fetch_log import read_fetch_log

    return read_fetch_log(ws).filter(pl.col("run_id") == run_id)


def fetch_counts(ws: Workspace, run_id: str, state: dict) -> tuple[int, int]:
    """(fetches that got an answer — content or 304 —, fetches that failed for good) in a run."""
    log = _fetch_log(ws, run_id)
    failed = log.filter(pl.col("error").is_not_null()).height
    return log.height - failed, max(failed, int(state.get("fetch_failed") or 0))


def staged_quarantine(ws: Workspace) -> pl.DataFrame | None:
    path = ws.staging_dir / "quarantine.parquet"
    return pl.read_parquet(path, columns=["stage", "source", "capture", "record_ref", "reason", "seen_at"]) \
        if path.exists() else None


def _this_runs_captures(ws: Workspace, state: dict) -> pl.Series:
    """sha256[:16] of the captures this run parsed (a record_ref starts with it): the index's
    last batch, when the run parsed anything."""
    from .stages.parse import read_index

    index = read_index(ws)
    if not state.get("parsed") or index.is_empty():
        return pl.Series("prefix", [], pl.String)
    last = index["batch"][-1]
    return index.filter(pl.col("batch") == last)["sha256"].str.slice(0, 16).unique().alias("prefix")


def count(ws: Workspace, run_id: str, state: dict) -> dict[str, int]:
    """The audit.runs counts of a run about to be recorded (see the module docstring)."""
    rows_in = int(state.get("rows_in") or 0)
    parse_rejects = int(state.get("rows_quarantined") or 0)
    counts = {f"quarantined_{stage}": 0 for stage in STAGES}
    set_aside = 0
    quarantine = staged_quarantine(ws)
    if quarantine is not None and quarantine.height:
        for stage, n in quarantine.group_by("stage").len().iter_rows():
            if stage in STAGES:
                counts[f"quarantined_{stage}"] = n
        later = quarantine.filter(pl.col("stage").is_in(["resolve", "validate"]) & pl.col("record_ref").is_not_null())
        if later.height and rows_in:
            prefixes = _this_runs_captures(ws, state)
            set_aside = later.filter(pl.col("record_ref").str.split(":").list.first().is_in(prefixes.implode())
                                     )["record_ref"].n_unique()
    quarantined = min(rows_in, parse_rejects + set_aside)
    answered, failed = fetch_counts(ws, run_id, state)
    counts.update(rows_in=rows_in, rows_quarantined=quarantined, rows_loaded=rows_in - quarantined,
                  fetches_answered=answered, fetches_failed=failed)
    return counts


def _first_fetch_failure(ws: Workspace, run_id: str) -> str | None:
    failed = _fetch_log(ws, run_id).filter(pl.col("error").is_not_null())
    if failed.is_empty():
        return None
    first = failed.sort("fetched_at", "url").row(0, named=True)
    return f"{first['tag'] or first['url']}: {first['error']}"


def judge(ws: Workspace, run_id: str, state: dict, default: str = "success") -> Outcome:
    """The status and one-line message of a run that got as far as publishing (or found its
    inputs unchanged)."""
    counts = count(ws, run_id, state)
    failed = counts["fetches_failed"]
    unreadable = int(state.get("unreadable") or 0)
    arrived = int(state.get("captures_seen") or 0) + counts["fetches_answered"]
    if counts["rows_in"] and not counts["rows_loaded"]:
        stages = ", ".join(f"{s} {counts[f'quarantined_{s}']}" for s in STAGES if counts[f"quarantined_{s}"])
        return Outcome("failed", f"nothing loaded: all {counts['rows_in']} records of this run were "
                                 f"quarantined ({stages}); see audit.quarantine", counts)
    if (failed or unreadable) and not arrived and not counts["rows_in"]:
        what = f"all {failed} fetches failed" if failed and not unreadable else \
            f"all {unreadable} captures were unreadable" if not failed else \
            f"{failed} fetches failed and {unreadable} captures were unreadable"
        why = _first_fetch_failure(ws, run_id) if failed else None
        return Outcome("failed", f"nothing loaded: {what}" + (f" (first: {why})" if why else "")
                       + "; see audit.quarantine", counts)
    if failed:
        why = _first_fetch_failure(ws, run_id)
        return Outcome("partial", f"{failed} fetch{'es' if failed != 1 else ''} failed for good"
                                  + (f" (first: {why})" if why else "")
                                  + "; published with what arrived — see audit.quarantine (stage 'fetch')",
                       counts)
    return Outcome(default, None, counts)


def finished_row(ws: Workspace, run_id: str, state: dict, default: str = "success",
                 message: str | None = None) -> tuple[pl.DataFrame, Outcome]:
    """The audit.runs row of a run that published (default "success") or found nothing new
    ("unchanged"), with its judged status, and the outcome itself."""
    from .stages.runlog import run_row

    outcome = judge(ws, run_id, state, default)
    return run_row(run_id, state, status=outcome.status, message=outcome.message or message,
                   counts=outcome.counts), outcome


def recorded(ws: Workspace, run_id: str) -> dict | None:
    """The run log's row of a run, if it has one."""
    from .stages.runlog import read_runs

    runs = read_runs(ws).filter(pl.col("run_id") == run_id)
    return runs.row(0, named=True) if runs.height else None


def announce(context, ws: Workspace) -> dict:
    """In the publishing step: the run's status as the `papertrail/status` tag of its Dagster run,
    and as metadata (`run_status`, `run_message`) for the step to attach."""
    row = recorded(ws, context.run_id) or {}
    status, message = row.get("status") or "success", row.get("message")
    context.instance.add_run_tags(context.run_id, {STATUS_TAG: status})
    if status in ("partial", "failed"):
        context.log.warning(message)
    return {"run_status": status, **({"run_message": message} if message else {})}


def fail_if_nothing_loaded(outcome: dict) -> None:
    """After the publishing step reported its materialisations: a run that loaded nothing fails
    the Dagster run (NothingLoaded, its one line), though its quarantine is published."""
    if outcome.get("run_status") == "failed":
        raise NothingLoaded(outcome.get("run_message") or "nothing loaded")
