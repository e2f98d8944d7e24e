"""Fetch the config's live fetch sources and land every response.

A successful response becomes a capture (its URL, API keys redacted, captured at fetch time) in
the landing zone like any saved file; an unchanged one (304, or the same bytes again) adds nothing
that downstream stages would look at; a failed fetch becomes a quarantine row (stage "fetch") with
the fetcher's reason and whatever body came back. Every request, good or bad, is one row of the
fetch log (landing/fetch_log.parquet), so "what did we ask, and what did the host say" survives.
"""
from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polars as pl

from .. import progress
from ..config import Config
from ..errors import ConfigError
from ..http import Fetcher, FetchResult, fetch_all
from ..sources.arxiv.harvest import harvest
from ..sources.fetch_plans import plans_for_config
from ..workspace import Workspace
from .fetch_log import (FETCH_LOG_SCHEMA, HttpCapture, append_fetch_log,  # noqa: F401
                        fetch_log_path, quarantine_row, read_fetch_log, validator_dir)
from .landing import LandingResult, forget_fetch_rejects, keep_rejects, land, landing_lock


@dataclass
class FetchStageResult:
    requests: int = 0
    landed: LandingResult = field(default_factory=LandingResult)
    unchanged: int = 0  # 304s: the host said nothing changed, so nothing was landed
    failed: list[dict] = field(default_factory=list)  # quarantine rows
    given_up_hosts: dict[str, str] = field(default_factory=dict)

    @property
    def new(self) -> int:
        return len(self.landed.new)


def fetch_config(ws: Workspace, config: Config, run_id: str | None = None,
                 sources: Iterable[str] | None = None, **fetcher_overrides) -> FetchStageResult:
    """Run every plan of `config` (or of the named fetch `sources` only) through the Fetcher and land
    what came back. `fetcher_overrides` go to Fetcher.from_config (tests: a fake clock, a cap)."""
    ws.ensure()
    if sources is not None:
        keep = set(sources)
        config = dataclasses.replace(config, sources={n: s for n, s in config.sources.items()
                                                      if n in keep})
    results, given_up = asyncio.run(_fetch(config, validator_dir(ws), fetcher_overrides))
    outcome = FetchStageResult(requests=len(results), given_up_hosts=given_up)
    captures = []
    for res in results:
        if res.error is not None:
            outcome.failed.append(quarantine_row(res))
        elif res.unchanged or res.content is None:
            outcome.unchanged += 1
        else:
            captures.append(HttpCapture(capture=res.url, content=res.content,
                                        captured_at=res.fetched_at, sha256=res.sha256 or "",
                                        meta={"status": res.status, "headers": res.headers}))
    with landing_lock(ws):  # source fetches may run in parallel processes (assets/partitions.py)
        outcome.landed = land(ws, captures, kind="http")
        forget_fetch_rejects(ws, [r.url for r in results if r.error is None])
        keep_rejects(ws, outcome.failed)
        append_fetch_log(ws, results, run_id)
    if sources is None and config.arxiv_oai and config.arxiv_oai.enabled:
        oai = harvest(ws, config, run_id, **fetcher_overrides)  # lands page by page, resumable
        outcome.requests += oai.requests
        outcome.landed.observed += oai.landed.observed
        outcome.landed.new += oai.landed.new
        outcome.failed += oai.failed
    return outcome


async def _fetch(config: Config, state_dir: Path, overrides: dict) -> tuple[list[FetchResult], dict]:
    plans = plans_for_config(config)
    async with Fetcher.from_config(config, state_dir, **overrides) as fetcher:
        # a plan (one author at one source, however many pages) is what is known up front
        with progress.task("fetch", total=len(plans), unit="plans", keep_note=True) as bar:
            results: list[FetchResult] = []
            failed = 0
            async for result in fetch_all(plans, fetcher, on_plan_done=lambda _plan: bar.advance()):
                results.append(result)
                failed += result.error is not None
                bar.update(note=f"{len(results)} requests, {failed} failed for good")
        return results, fetcher.given_up_hosts()


ZERO = {"requests": 0, "landed": 0, "failed": 0}


def fetch_source(ws: Workspace, config: Config, source: str, run_id: str | None = None) -> dict[str, int]:
    """Fetch what the config's tracked authors need from one fetch source and land it (the fetch
    stage, restricted to that source). Returns counts."""
    if source not in config.sources or not config.sources[source].enabled:
        return dict(ZERO)
    result = fetch_config(ws, config, run_id, sources=[source])  # HTTP in parallel, landing in turns
    return {"requests": result.requests, "landed": result.landed.observed, "failed": len(result.failed)}


def author_keys(config: Config) -> list[str]:
    """The config's tracked authors' names, in config order, once each (their partition keys)."""
    return list(dict.fromkeys(a.name for a in config.authors))


def for_authors(config: Config, names: Iterable[str]) -> Config:
    """The config restricted to the named authors; a name it does not track is an error (a stale
    partition of an author since removed from the config)."""
    names = list(names)
    missing = sorted(set(names) - set(author_keys(config)))
    if missing:
        raise ConfigError(f"{config.path}: does not track {', '.join(map(repr, missing))} "
                          f"(author partitions are the config's authors)")
    return dataclasses.replace(config, authors=tuple(a for a in config.authors if a.name in names))


def fetch_authors(ws: Workspace, config: Config, names: Iterable[str], source: str,
                  run_id: str | None = None) -> dict[str, dict[str, int]]:
    """One fetch source's fetch for each named author in turn: {author: counts}."""
    return {name: fetch_source(ws, for_authors(config, [name]), source, run_id) for name in names}


def export_landed(ws: Workspace, folder: Path) -> list[Path]:
    """Every landed capture's bytes as a plain file (named by its sha256, modification time = its
    capture time), so that `papertrail run --captures folder` re-ingests the same responses
    through the same parsers without the network."""
    from .landing import read_blob, read_manifest

    manifest = read_manifest(ws).sort("captured_at", "capture")
    written = []
    for row in manifest.unique("sha256", keep="first", maintain_order=True).iter_rows(named=True):
        path = folder / row["sha256"][:2] / row["sha256"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(read_blob(ws, row["sha256"]))
        micros = (row["captured_at"] - _EPOCH) // timedelta(microseconds=1)
        os.utime(path, ns=(micros * 1000, micros * 1000))
        written.append(path)
    return written


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
