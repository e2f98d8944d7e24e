"""Stage 4: great-expectations suites over the staged core tables.

Runs every suite of expectations/ on the staging, moves the rows (and what depends on them) that
break a blocking expectation to quarantine, validates again, and writes a receipt keyed by the
content hash of the staging it leaves. The outcomes show as the checks of the core table assets
(core/papers, ...), reported by the publish step from that receipt; a blocking failure there
stops the publish.
"""
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from papertrail.pipelines.stages.publish import is_unchanged
from papertrail.pipelines.stages.validate import validate_staged

from .metadata import table_metadata
from .resolve import resolved_tables
from .resources import PapertrailResource


@asset(group_name="validate", deps=[resolved_tables], kinds={"parquet"})
def validated_tables(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """The staged tables after every expectation suite ran, with a validation receipt for their
    content hash. With unchanged inputs nothing is validated (or imported): the published tables
    are the ones that passed in the run named in the metadata."""
    since = is_unchanged(papertrail.workspace, context.run_id)
    if since:
        return MaterializeResult(metadata={"status": "unchanged", "validated_in_run": since})
    validation = validate_staged(papertrail.workspace, context.run_id)
    report, receipt = validation.report, validation.receipt
    return MaterializeResult(metadata={
        "status": "passed" if receipt["passed"] else "blocked",
        "staging_sha256": receipt["staging_sha256"],
        "expectations": len(report.results),
        "failed_before_quarantine": sum(1 for r in validation.first.results if not r.success),
        "failed": sum(1 for r in report.results if not r.success),
        "rows_quarantined_by_validation": validation.quarantined,
        "summary": report.summary(),
        "tables": table_metadata(report.tables()),
        "failures": table_metadata(report.failures()),
        "not_checked": MetadataValue.json(list(report.unchecked)),
    })
