"""Stage 6: the analytics views users query, each an asset downstream of the tables it reads.

The publish builds the views into the warehouse file with the tables (sql/200_*, sql/300_*), so
this step only reads the published file: each view's row count, read-only, as its materialisation.
"""
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, multi_asset

from papertrail.pipelines.stages.publish import is_unchanged
from papertrail.pipelines.warehouse.query import query

from .resources import PapertrailResource
from .tables import view_specs

VIEW_SPECS = view_specs()


@multi_asset(name="analytics_views", specs=VIEW_SPECS, can_subset=True)
def analytics_views(context: AssetExecutionContext, papertrail: PapertrailResource):
    """Row counts of the analytics views in the published warehouse."""
    ws = papertrail.workspace
    selected = [spec.key for spec in VIEW_SPECS if spec.key in context.selected_asset_keys]
    if not selected:
        return
    names = [".".join(key.path) for key in selected]
    counts = dict(query(ws.db_path, " UNION ALL ".join(
        f"SELECT '{name}' AS v, count(*) AS n FROM {name}" for name in names)).iter_rows())
    since = is_unchanged(ws, context.run_id)
    for key, name in zip(selected, names):
        yield MaterializeResult(asset_key=key, metadata={
            "dagster/row_count": counts[name], "path": MetadataValue.path(str(ws.db_path)),
            **({"status": "unchanged", "same_as_run": since} if since else {})})
