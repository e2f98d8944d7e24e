"""The built-in demo run: serve the corpus on 127.0.0.1, fetch it through the real fetcher with a
generated papertrail.yaml, land it, stop the server.

Citation history needs captures at two times; a live fetch has only "now", so the earlier OpenAlex
snapshot is a saved response landed as a file (its capture time is its fixed modification time).
Re-running changes nothing: pages come back 304 (ETag), API answers with the same bytes.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..config import load_config
from ..stages.fetch import FetchStageResult, fetch_config
from ..stages.landing import LandingResult, land_files
from ..workspace import Workspace
from .corpus import SNAPSHOT_DAYS, _write, openalex_snapshot
from .server import DEMO_KEY, DEMO_KEY_ENV, DemoServer, DemoSite


def write_history(site: DemoSite, folder: Path) -> Path:
    """The earlier OpenAlex snapshot of the works the demo's OpenAlex authors wrote."""
    people = [t.person for t in site.tracked if t.openalex]
    # Only what was out by the snapshot day: a record may not predate its own paper.
    works = sorted({i: p for person in people for i, p in site.works_of(person)
                    if p.published_on <= SNAPSHOT_DAYS[0]}.items())
    snapshot = openalex_snapshot([p for _, p in works], SNAPSHOT_DAYS[0], 0, [i for i, _ in works])
    _write(folder / f"openalex_works_{SNAPSHOT_DAYS[0]:%Y%m%d}.json", json.dumps(snapshot, indent=1),
           SNAPSHOT_DAYS[0])
    return folder


def land_demo(ws: Workspace, run_id: str | None = None) -> tuple[FetchStageResult, LandingResult]:
    ws.ensure()
    with DemoServer() as server:
        files = land_files(ws, [write_history(server.site, ws.demo_dir / "history")], kind="demo")
        path = ws.data_dir / "demo" / "papertrail.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(server.config_yaml(), encoding="utf-8")
        config = load_config(path, environ={**os.environ, DEMO_KEY_ENV: DEMO_KEY})
        fetched = fetch_config(ws, config, run_id)
    return fetched, files
