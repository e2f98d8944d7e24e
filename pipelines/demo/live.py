"""The built-in demo run: serve the corpus on 127.0.0.1, fetch it through the real fetcher with a
generated papertrail.yaml, land it, stop the server.

Citation history needs captures at two times; a live fetch has only "now", so a fake host's earlier
answers (OpenAlex's works snapshot, `history` in its demo.py) are saved responses landed as files
(their capture time is their fixed modification time). Re-running changes nothing: pages come back
304 (ETag), API answers with the same bytes.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..config import load_config
from ..stages.fetch import FetchStageResult, fetch_config
from ..stages.landing import LandingResult, land_files
from ..workspace import Workspace
from .server import DemoServer, DemoSite


def write_history(site: DemoSite, folder: Path) -> Path:
    """The earlier captures the demo's fake hosts keep (OpenAlex's works snapshot)."""
    for host in site.hosts.values():
        if hasattr(host, "history"):
            host.history(site, folder)
    return folder


def land_demo(ws: Workspace, run_id: str | None = None) -> tuple[FetchStageResult, LandingResult]:
    ws.ensure()
    with DemoServer() as server:
        files = land_files(ws, [write_history(server.site, ws.demo_dir / "history")], kind="demo")
        path = ws.data_dir / "demo" / "papertrail.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(server.config_yaml(), encoding="utf-8")
        config = load_config(path, environ={**os.environ, **server.site.environ()})
        fetched = fetch_config(ws, config, run_id)
    return fetched, files
