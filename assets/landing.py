"""Stage 1: land raw captures — saved files, live sources named by the config, or the demo."""
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, asset

from papertrail.pipelines.stages.landing import LandingResult, land_files
from papertrail.pipelines.stages.runlog import update_state

from .partitions import author_captures, source_captures
from .resources import PapertrailResource


# The fetch assets land their responses in the same landing zone; the next landing and parse
# pick up whatever they landed.
@asset(group_name="landing", deps=[source_captures, author_captures])
def landed_captures(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """Every capture and HTTP response stored once under its sha256, with a manifest of where and
    when it was seen; failed fetches and unreadable files go to quarantine."""
    ws = papertrail.workspace
    fetched, files = None, LandingResult()
    if papertrail.demo:
        from papertrail.pipelines.demo.live import land_demo
        fetched, files = land_demo(ws, context.run_id)
    elif papertrail.config_path:
        from papertrail.pipelines.config import load_config
        from papertrail.pipelines.stages.fetch import fetch_config
        fetched = fetch_config(ws, load_config(papertrail.config_path), context.run_id)
    if papertrail.captures:
        files = land_files(ws, [Path(p) for p in papertrail.captures], kind="file")
    seen = files.observed + (fetched.landed.observed if fetched else 0)
    new = len(files.new) + (fetched.new if fetched else 0)
    update_state(ws, context.run_id, captures_seen=seen, captures_new=new,
                 unreadable=len(files.rejects), fetch_failed=len(fetched.failed) if fetched else 0)
    metadata = {"captures_seen": seen, "captures_new": new, "unreadable": len(files.rejects)}
    if fetched:
        metadata.update(requests=fetched.requests, responses_landed=fetched.landed.observed,
                        responses_new=fetched.new, not_modified=fetched.unchanged,
                        fetch_failed=len(fetched.failed))
    return MaterializeResult(metadata=metadata)
