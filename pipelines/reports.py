"""Charts (PNG) and one HTML report from the published warehouse's analytics views."""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from .io import atomic_write_bytes
from .workspace import Workspace

TOP_TOPICS = 6


@dataclass
class Reports:
    html: Path
    pngs: dict[str, Path] = field(default_factory=dict)
    images_b64: dict[str, str] = field(default_factory=dict)
    # The first rows of each view the charts show, for the reports asset's table metadata.
    previews: dict[str, pl.DataFrame] = field(default_factory=dict)


PREVIEW_ROWS = 15


def _query(db: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).pl()
    finally:
        con.close()


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def topic_chart(trends: pl.DataFrame) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    top = (trends.group_by("topic").agg(pl.col("papers").sum()).sort("papers", "topic", descending=[True, False])
           .head(TOP_TOPICS)["topic"].to_list())
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for topic in top:
        series = trends.filter(pl.col("topic") == topic).sort("year")
        ax.plot(series["year"].to_list(), series["share"].to_list(), marker="o", label=topic)
    ax.set_title("Topic share of papers by year (primary topic)")
    ax.set_xlabel("year")
    ax.set_ylabel("share of that year's papers")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    data = _png(fig)
    plt.close(fig)
    return data


def timeline_chart(timeline: pl.DataFrame, name: str) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    years = timeline["year"].to_list()
    ax.bar(years, timeline["papers"].to_list(), color="#4c72b0", label="papers")
    ax.set_xlabel("year")
    ax.set_ylabel("papers")
    ax2 = ax.twinx()
    ax2.plot(years, timeline["citations"].to_list(), color="#dd8452", marker="o", label="citations")
    ax2.set_ylabel("citations (latest counts)")
    ax.set_title(f"{name}: papers and citations per year")
    data = _png(fig)
    plt.close(fig)
    return data


def build_reports(ws: Workspace) -> Reports:
    db, out = ws.db_path, ws.reports_dir
    trends = _query(db, "SELECT * FROM analytics.topic_trends ORDER BY year, papers DESC, topic")
    # The author with the most papers is the one whose timeline says the most.
    best = _query(db, "SELECT author_id, display_name FROM analytics.author_citations "
                      "ORDER BY papers DESC, citations DESC, author_id LIMIT 1")
    reports = Reports(html=out / "report.html")
    sections = []
    if trends.height:
        png = topic_chart(trends)
        reports.pngs["topic_trends"] = out / "topic_trends.png"
        atomic_write_bytes(reports.pngs["topic_trends"], png)
        reports.images_b64["topic_trends"] = base64.b64encode(png).decode()
    reports.previews["topic_trends"] = trends.head(PREVIEW_ROWS)
    sections.append(("Topic trends", "topic_trends", trends))
    timeline = pl.DataFrame()
    if best.height:
        author_id, name = best.row(0)
        timeline = _query(db, "SELECT * FROM analytics.author_timeline WHERE author_id = ? ORDER BY year",
                          [author_id])
        if timeline.height:
            png = timeline_chart(timeline, name)
            reports.pngs["author_timeline"] = out / "author_timeline.png"
            atomic_write_bytes(reports.pngs["author_timeline"], png)
            reports.images_b64["author_timeline"] = base64.b64encode(png).decode()
    reports.previews["author_timeline"] = timeline.head(PREVIEW_ROWS)
    sections.append(("Author timeline", "author_timeline", timeline))
    atomic_write_bytes(reports.html, _html(sections, reports).encode())
    return reports


def _html(sections, reports: Reports) -> str:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>papertrail report</title>",
             "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}</style></head><body>",
             "<h1>papertrail report</h1>"]
    for title, key, frame in sections:
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if key in reports.images_b64:
            parts.append(f"<img alt='{key}' src='data:image/png;base64,{reports.images_b64[key]}'>")
        if frame.height:
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns) + "</tr>")
            for row in frame.head(50).iter_rows():
                parts.append("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>")
            parts.append("</table>")
        else:
            parts.append("<p>No rows.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
