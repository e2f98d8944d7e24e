"""Stage 3: clean and resolve every parsed record into the core tables (staging Parquet)."""
from dagster import AssetExecutionContext, MaterializeResult, asset

from papertrail.pipelines.stages.publish import check_unchanged
from papertrail.pipelines.stages.resolve import resolve_all

from .parse import parsed_records
from .resources import PapertrailResource


@asset(group_name="resolve", deps=[parsed_records])
def resolved_tables(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """One row per real paper and per real person, with sightings, topics, profiles and history.
    Skipped when nothing new landed since the run that built the current warehouse."""
    since = check_unchanged(papertrail.workspace, context.run_id)
    if since:
        return MaterializeResult(metadata={"status": "unchanged", "same_as_run": since})
    counts = resolve_all(papertrail.workspace)
    return MaterializeResult(metadata={"status": "resolved", **{f"rows_{name}": n for name, n in counts.items()}})
