"""Stage 6: charts and an HTML report from the published warehouse's analytics views."""
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.reports import build_reports
from pipelines.stages.publish import is_unchanged

from .resources import PapertrailResource
from .warehouse import warehouse


@asset(group_name="reports", deps=[warehouse])
def reports(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """Topic share by year and an author timeline, as PNG charts and one HTML report."""
    ws = papertrail.workspace
    if is_unchanged(ws, context.run_id) and (ws.reports_dir / "report.html").exists():
        return MaterializeResult(metadata={"status": "unchanged", "html": MetadataValue.path(str(ws.reports_dir / "report.html"))})
    built = build_reports(papertrail.workspace)
    return MaterializeResult(metadata={
        "html": MetadataValue.path(str(built.html)),
        "topic_trends": MetadataValue.md(built.topic_preview_md),
        "author_timeline": MetadataValue.md(built.timeline_preview_md),
        **{f"chart_{name}": MetadataValue.md(f"![{name}](data:image/png;base64,{b64})")
           for name, b64 in built.images_b64.items()},
    })
