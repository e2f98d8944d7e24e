"""Stage 5: publish the validated tables as the new DuckDB warehouse, atomically.

One step materialises every core/audit table asset: the file is built whole and swapped in, so
the tables change together. Each core table's expectations are its checks, reported from the
validation receipt of exactly the staging being published; without a passing receipt for that
staging the step refuses, whatever subset of the graph a run selected.
"""
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, multi_asset

from papertrail.pipelines.errors import WarehouseError
from papertrail.pipelines.outcome import announce, fail_if_nothing_loaded
from papertrail.pipelines.stages.publish import is_unchanged, publish_run, record_unchanged_run
from papertrail.pipelines.validate.receipt import NotValidated, published_receipt

from .resources import PapertrailResource
from .tables import check_results, check_specs, table_specs
from .validate import validated_tables

TABLE_SPECS = table_specs(validated_tables.key)
TABLE_KEYS = [spec.key for spec in TABLE_SPECS]


def _name(key: AssetKey) -> str:
    return ".".join(key.path)


@multi_asset(name="publish", specs=TABLE_SPECS, check_specs=check_specs(), can_subset=False)
def publish(context: AssetExecutionContext, papertrail: PapertrailResource):
    """Builds the next warehouse file from the validated staging and sql/ (tables, key checks,
    analytics, column descriptions) and renames it over the published one."""
    ws = papertrail.workspace
    selected_checks = set(context.selected_asset_check_keys)
    since = is_unchanged(ws, context.run_id)
    if since:
        appended = record_unchanged_run(ws, context.run_id)
        outcome = announce(context, ws)  # a no-op run whose fetches failed is still partial
        receipt = published_receipt(ws) or {}
        counts = receipt.get("row_counts") or {}
        for key in TABLE_KEYS:
            metadata = {"status": "unchanged", "same_as_run": since, "path": MetadataValue.path(str(ws.db_path))}
            if _name(key) in counts and _name(key) != "audit.runs":
                metadata["dagster/row_count"] = counts[_name(key)]
            if _name(key) == "audit.runs":
                metadata.update(audit_runs=appended, **outcome)
            yield MaterializeResult(asset_key=key, metadata=metadata)
        yield from check_results(receipt, selected_checks, status="unchanged")
        return
    try:
        counts = publish_run(ws, context.run_id)
    except NotValidated as refused:
        failed = check_results(refused.receipt or {}, selected_checks)
        yield from failed
        if any(not r.passed and r.severity.value == "ERROR" for r in failed):
            return  # blocking checks failed: Dagster stops the run here ("blocked")
        # Re-raised as the plain class the CLI prints as one line.
        raise WarehouseError(str(refused)) from None
    outcome = announce(context, ws)  # partial / failed runs say so (run tag, audit.runs metadata)
    receipt = published_receipt(ws) or {}
    for key in TABLE_KEYS:
        metadata = {"status": "published", "path": MetadataValue.path(str(ws.db_path)),
                    "validated_in_run": receipt.get("run_id") or "",
                    "staging_sha256": receipt.get("staging_sha256", "")}
        if _name(key) in counts:
            metadata["dagster/row_count"] = counts[_name(key)]
        if _name(key) == "audit.runs":
            metadata.update(outcome)
        yield MaterializeResult(asset_key=key, metadata=metadata)
    yield from check_results(receipt, selected_checks)
    fail_if_nothing_loaded(outcome)
