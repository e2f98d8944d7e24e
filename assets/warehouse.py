"""Stage 5: publish the validated tables as the new DuckDB warehouse, atomically."""
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.stages.publish import is_unchanged, publish_run, record_unchanged_run

from .resources import PapertrailResource
from .validate import validated_tables


@asset(group_name="warehouse", deps=[validated_tables])
def warehouse(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """The published DuckDB file: core, audit and analytics schemas, swapped in atomically."""
    ws = papertrail.workspace
    since = is_unchanged(ws, context.run_id)
    if since:
        runs = record_unchanged_run(ws, context.run_id)
        return MaterializeResult(metadata={"status": "unchanged", "same_as_run": since, "audit_runs": runs,
                                           "path": MetadataValue.path(str(ws.db_path))})
    counts = publish_run(ws, context.run_id)
    table = "\n".join(f"| {name} | {n:,} |" for name, n in counts.items())
    return MaterializeResult(metadata={
        "status": "published",
        "path": MetadataValue.path(str(ws.db_path)),
        "tables": MetadataValue.md("| table | rows |\n|---|---:|\n" + table),
        **{name: n for name, n in counts.items()},
    })
