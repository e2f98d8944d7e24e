"""Stage 1: land raw captures (files, the demo corpus, later live HTTP) in the landing zone."""
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.stages.landing import land_files
from pipelines.stages.runlog import update_state

from .resources import PapertrailResource


@asset(group_name="landing")
def landed_captures(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """Every capture stored once under its sha256, with a manifest of where and when it was seen."""
    ws = papertrail.workspace
    if papertrail.demo:
        from pipelines.demo.corpus import write_demo_captures
        roots = [write_demo_captures(ws.demo_dir)]
    else:
        roots = [Path(p) for p in papertrail.captures]
    result = land_files(ws, roots, kind="demo" if papertrail.demo else "file")
    update_state(ws, context.run_id, captures_seen=result.observed, captures_new=len(result.new),
                 land_rejects=result.rejects)
    return MaterializeResult(metadata={
        "captures_seen": result.observed, "captures_new": len(result.new),
        "unreadable": len(result.rejects), "inputs": MetadataValue.text(", ".join(map(str, roots))),
    })
