"""Stage 4: great-expectations suites over the staged core tables, as blocking asset checks."""
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext,
                     MaterializeResult, MetadataValue, asset)

from pipelines.stages.publish import is_unchanged
from pipelines.stages.validate import SUITES, validate_staged

from .resolve import resolved_tables
from .resources import PapertrailResource

CHECKS = [AssetCheckSpec(name=f"{table}_suite", asset="validated_tables", blocking=True,
                         description=f"great-expectations suite expectations/{table}.json")
          for table in SUITES]


def outcomes_markdown(results) -> str:
    lines = ["| expectation | columns | blocking | passed | unexpected |", "|---|---|---|---|---:|"]
    lines += [f"| {r.expectation} | {', '.join(r.columns)} | {r.blocking} | {r.success} | "
              f"{'' if r.unexpected_count is None else r.unexpected_count} |" for r in results]
    return "\n".join(lines)


@asset(group_name="validate", deps=[resolved_tables], check_specs=CHECKS)
def validated_tables(context: AssetExecutionContext, papertrail: PapertrailResource):
    """The staged tables after every expectation suite ran; a blocking failure stops the publish.
    With unchanged inputs nothing is validated (or imported): the published tables are the ones
    that passed these suites in the run named in the metadata."""
    since = is_unchanged(papertrail.workspace, context.run_id)
    if since:
        yield MaterializeResult(metadata={"status": "unchanged", "validated_in_run": since})
        for table in SUITES:
            yield AssetCheckResult(check_name=f"{table}_suite", passed=True,
                                   metadata={"status": "unchanged", "validated_in_run": since})
        return
    validation = validate_staged(papertrail.workspace)
    report, first = validation.report, validation.first
    yield MaterializeResult(metadata={
        "expectations": len(report.results),
        "failed": sum(1 for r in report.results if not r.success),
        "rows_quarantined_by_validation": validation.quarantined,
        "report": MetadataValue.md(report.to_markdown()),
    })
    for table in SUITES:
        results = [r for r in report.results if r.table == table]
        first_failed = [r for r in first.results if r.table == table and not r.success]
        blocking_failed = [r for r in results if not r.success and r.blocking]
        # A suite whose bad rows were quarantined shows as a failed (warning) check; only what
        # still fails after the quarantine blocks the publish.
        yield AssetCheckResult(
            check_name=f"{table}_suite",
            passed=not blocking_failed and not first_failed,
            severity=AssetCheckSeverity.ERROR if blocking_failed else AssetCheckSeverity.WARN,
            metadata={
                "expectations": len(results),
                "failed_before_quarantine": len(first_failed),
                "failed": sum(1 for r in results if not r.success),
                "outcomes": MetadataValue.md(outcomes_markdown(first_failed or results)),
            },
        )
