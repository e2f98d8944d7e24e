"""Stage 7: charts and an HTML report from the published warehouse's analytics views."""
import base64
import json

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from papertrail.pipelines.io import atomic_write_bytes
from papertrail.pipelines.reports import build_reports
from papertrail.pipelines.stages.publish import is_unchanged
from papertrail.pipelines.workspace import Workspace

from .metadata import table_from_json, table_json
from .resources import PapertrailResource

READS = ("topic_trends", "author_citations", "author_timeline")  # the views build_reports queries


def _previews_path(ws: Workspace):
    return ws.state_dir / "reports_previews.json"


def _saved(path) -> dict | None:
    """The last build's metadata, None when absent or written before previews were tables."""
    if not path.exists():
        return None
    last = json.loads(path.read_text("utf-8"))
    return last if all(isinstance(v, dict) for v in last["previews"].values()) else None


def _metadata(html: str, previews: dict[str, dict], pngs: dict[str, str]) -> dict:
    """html path, the views' first rows (table metadata) and each chart (a PNG file) inline."""
    charts = {}
    for name, path in pngs.items():
        try:
            b64 = base64.b64encode(open(path, "rb").read()).decode()
        except FileNotFoundError:
            continue
        charts[f"chart_{name}"] = MetadataValue.md(f"![{name}](data:image/png;base64,{b64})")
    return {"html": MetadataValue.path(html), **{k: table_from_json(v) for k, v in previews.items()}, **charts}


@asset(group_name="reports", deps=[AssetKey(["analytics", view]) for view in READS], kinds={"html"})
def reports(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
    """Topic share by year and an author timeline, as PNG charts and one HTML report."""
    ws = papertrail.workspace
    last = _saved(_previews_path(ws))
    if is_unchanged(ws, context.run_id) and (ws.reports_dir / "report.html").exists() and last:
        # Nothing was republished, so the report on disk is this warehouse's: its charts and
        # previews are shown again, and the latest materialisation keeps them.
        return MaterializeResult(metadata={"status": "unchanged",
                                           **_metadata(last["html"], last["previews"], last["pngs"])})
    built = build_reports(ws)
    last = {"html": str(built.html), "pngs": {name: str(path) for name, path in built.pngs.items()},
            "previews": {name: table_json(frame) for name, frame in built.previews.items()}}
    atomic_write_bytes(_previews_path(ws), json.dumps(last).encode())
    return MaterializeResult(metadata=_metadata(last["html"], last["previews"], last["pngs"]))
