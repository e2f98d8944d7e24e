"""Stage 5: publish the validated tables as the new DuckDB warehouse, atomically."""
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.stages.publish import publish_run

from .resources import PapertrailResource
from .validate import validated_tables


@asset(group_name="warehouse", deps=[validated_tables])
def warehouse(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """The published DuckDB file: core, audit and analytics schemas, swapped in atomically."""
    counts = publish_run(papertrail.workspace, context.run_id)
    table = "\n".join(f"| {name} | {n:,} |" for name, n in counts.items())
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(papertrail.workspace.db_path)),
        "tables": MetadataValue.md("| table | rows |\n|---|---:|\n" + table),
        **{name: n for name, n in counts.items()},
    })
