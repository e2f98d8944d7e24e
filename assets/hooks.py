"""Failed runs into audit.runs, recorded by a failure hook on every job.

The hook runs inside the failing step's process, as soon as the step fails, with the step's own
exception at hand: the row says which step failed and why, even when the daemon (and with it the
`record_failed_run` sensor) is not running. The sensor stays for what no step sees: a run that
fails to launch, a run worker that dies, a resource that cannot be built. Both write through
`record_failure`, which keeps the first word on a run id, so a failure is recorded once.

The row reaches the warehouse's audit.runs at the next publish (the run log lives in the
workspace and every publish copies it in); the CLI writes its own row for its runs.
"""
from __future__ import annotations

from dagster import HookContext, failure_hook
from dagster._core.errors import DagsterAssetCheckFailedError
from filelock import FileLock

from papertrail.pipelines.stages.runlog import read_runs, read_state, record_run, run_row
from papertrail.pipelines.workspace import Workspace


def record_failure(ws: Workspace, run_id: str, message: str, status: str = "failed") -> bool:
    """Record a failed run unless the run log already has this run id. True if it wrote the row.
    Under the multiprocess executor two failing steps of one run race here: the lock makes the
    check and the write one step."""
    ws.ensure()
    with FileLock(ws.state_dir / ".runs.lock", timeout=60):
        if read_runs(ws).filter(run_id=run_id).height:
            return False
        record_run(ws, run_row(run_id, read_state(ws, run_id), status=status, message=message))
        return True


def first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else ""
    return text.splitlines()[0] if text else (type(error).__name__ if error else "unknown error")


@failure_hook(required_resource_keys={"papertrail"})
def record_failed_step(context: HookContext) -> None:
    """A failed step's run as a 'failed' row of audit.runs, with the step and its error's first
    line; 'blocked' (as the CLI says) when blocking asset checks stopped it, naming them."""
    error = context.op_exception
    if isinstance(error, DagsterAssetCheckFailedError):  # "N ... failed:" then "asset: check" lines
        status, what = "blocked", "blocked: " + " ".join(str(error).split())
    else:
        status, what = "failed", "failed: " + first_line(error)
    message = f"{context.job_name}: step {context.step_key} {what}"
    if record_failure(context.resources.papertrail.workspace, context.run_id, message, status):
        context.log.info(f"recorded in the run log: {message}")


HOOKS = {record_failed_step}
