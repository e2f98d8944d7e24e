"""Stage 2: parse landed captures into the one record schema (Parquet batches)."""
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from papertrail.pipelines.stages.parse import parse_pending
from papertrail.pipelines.stages.runlog import update_state

from .landing import landed_captures
from .resources import PapertrailResource


@asset(group_name="parse", deps=[landed_captures])
def parsed_records(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """Records parsed from captures not parsed before, one Parquet batch per run and table."""
    ws = papertrail.workspace
    result = parse_pending(ws)
    rows_in = sum(result.counts.get(t, 0) for t in ("papers", "profiles", "rejects"))
    update_state(ws, context.run_id, rows_in=rows_in, rows_quarantined=result.counts.get("rejects", 0),
                 parsed=result.parsed)
    formats = "\n".join(f"| {name} | {n} |" for name, n in sorted(result.formats.items()))
    return MaterializeResult(metadata={
        "captures_parsed": result.parsed, "parse_processes": result.workers, **{f"rows_{k}": v for k, v in result.counts.items()},
        "formats": MetadataValue.md("| format | captures |\n|---|---|\n" + formats) if formats else "none new",
    })
