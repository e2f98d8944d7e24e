"""Fetching partitioned by source (backfills, the weekly citation snapshot) and by tracked author.

`source_captures` is one asset partitioned by source. A backfill over any set of sources is ONE
run (BackfillPolicy.single_run), not one run per source. Inside, every source is its own op in a
Dagster pool named after the host it talks to, so that across all runs at most `default_limit`
(dagster.yaml: 1) steps talk to a host at a time, however many runs the schedules, the sensor and
people start; within a step the Fetcher keeps each host's published pace.

The fetch itself is the fetch stage (pipelines.stages.fetch) restricted to the source: every
response lands in the landing zone, a failed fetch is quarantined with its error.
The next `refresh` run's parse step picks up whatever landed (parse works on anything pending).

`author_captures` is the same fetch partitioned by tracked author (dynamic partitions named
after the config's authors, kept in step with the config by the `tracked_authors` sensor). A
backfill over N authors is again ONE run: one op per source, in that source's host pool, fetches
every selected author in turn, so the per-author counts are exact.

`citation_weeks` is partitioned by time window: one partition per week (Monday to Sunday, UTC),
each the citation snapshot as of that week's end, read from the published warehouse's
core.citation_snapshots history. A backfill over any run of weeks is one run and one read.
"""

import dataclasses
import re
import warnings
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polars as pl

from filelock import FileLock
from dagster import (AssetExecutionContext, AssetKey, BackfillPolicy, BetaWarning, DynamicPartitionsDefinition, In,
                     MaterializeResult, MetadataValue, Nothing, OpExecutionContext, Out,
                     StaticPartitionsDefinition, WeeklyPartitionsDefinition, asset, graph_asset, op)

from papertrail.pipelines.config import SOURCES, Config, host_key, load_config
from papertrail.pipelines.errors import ConfigError
from papertrail.pipelines.io import write_parquet
from papertrail.pipelines.stages.runlog import read_state, update_state
from papertrail.pipelines.warehouse.query import query, read_query
from papertrail.pipelines.workspace import Workspace

from .resources import PapertrailResource

# Citation-reporting APIs last, so the weekly snapshot is one contiguous partition range.
SOURCE_ORDER = ("author_pages", "arxiv", "crossref", "openalex", "semantic_scholar")
CITATION_SOURCES = ("crossref", "openalex", "semantic_scholar")
assert set(SOURCE_ORDER) == set(SOURCES), "a new source needs a place in SOURCE_ORDER"
source_partitions = StaticPartitionsDefinition(list(SOURCE_ORDER))
# Dynamic, not static: the tracked authors are known only once a config is read, and they change.
AUTHOR_PARTITIONS = "tracked_authors"
author_partitions = DynamicPartitionsDefinition(name=AUTHOR_PARTITIONS)
ZERO = {"requests": 0, "landed": 0, "failed": 0}


def pool_for(source: str) -> str:
    """The pool of a source's API host (author pages span many hosts: one pool for all)."""
    base = SOURCES[source].base_url
    return "host_" + re.sub(r"[^a-z0-9]+", "_", host_key(base)) if base else "host_author_pages"


def landing_lock(ws: Workspace) -> FileLock:
    """A run's state file is read-modify-write: the fetch ops of one run (separate processes
    under the multiprocess executor) take turns writing it. The fetch stage takes the same lock
    around the landing manifest."""
    ws.ensure()
    return FileLock(ws.data_dir / ".landing.lock", timeout=600)


def fetch_source(ws: Workspace, config: Config, source: str, run_id: str | None = None) -> dict[str, int]:
    """Fetch what the config's tracked authors need from one source and land it (the fetch
    stage, restricted to that source). Returns counts."""
    from papertrail.pipelines.stages.fetch import fetch_config

    if source not in config.sources or not config.sources[source].enabled:
        return dict(ZERO)
    result = fetch_config(ws, config, run_id, sources=[source])  # HTTP in parallel, landing in turns
    return {"requests": result.requests, "landed": result.landed.observed, "failed": len(result.failed)}


def author_keys(config: Config) -> list[str]:
    """The partition keys of a config's tracked authors: their names, in config order, once each."""
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
    """One source's fetch for each named author in turn: {author: counts}."""
    return {name: fetch_source(ws, for_authors(config, [name]), source, run_id) for name in names}


def _selected(context: OpExecutionContext) -> list[str]:
    if not context.has_partition_key_range:
        return list(SOURCE_ORDER)
    return list(context.partition_keys)


def _fetch_op(source: str):
    @op(name=f"fetch_{source}", pool=pool_for(source), out=Out(Nothing),
        description=f"Fetch {SOURCES[source].label} for the tracked authors (pool {pool_for(source)})")
    def fetch(context: OpExecutionContext, papertrail: PapertrailResource) -> None:
        if source not in _selected(context):
            return
        if not papertrail.config_path:
            context.log.info("no config (PAPERTRAIL_CONFIG / config_path): nothing to fetch")
            return
        ws = papertrail.workspace
        counts = fetch_source(ws, load_config(papertrail.config_path), source, context.run_id)
        with landing_lock(ws):
            update_state(ws, context.run_id, **{f"fetch_{source}": counts})
        context.log.info(f"{source}: {counts}")
    return fetch


FETCH_OPS = {source: _fetch_op(source) for source in SOURCE_ORDER}


@op(ins={f"after_{s}": In(Nothing) for s in SOURCE_ORDER}, out=Out(Nothing))
def fetched_summary(context: OpExecutionContext, papertrail: PapertrailResource) -> None:
    state = read_state(papertrail.workspace, context.run_id)
    per_source = {s: state.get(f"fetch_{s}", {"requests": 0, "landed": 0, "failed": 0})
                  for s in _selected(context)}
    context.add_output_metadata({
        "sources": ", ".join(per_source),
        **{f"{s}_{k}": v for s, counts in per_source.items() for k, v in counts.items()},
        "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })


def _author_fetch_op(source: str):
    @op(name=f"fetch_{source}_by_author", pool=pool_for(source), out=Out(Nothing),
        description=f"Fetch {SOURCES[source].label} for the selected authors (pool {pool_for(source)})")
    def fetch(context: OpExecutionContext, papertrail: PapertrailResource) -> None:
        if not papertrail.config_path:
            raise ConfigError("author_captures needs a config (PAPERTRAIL_CONFIG or the resource's "
                              "config_path): its partitions are the config's tracked authors")
        ws = papertrail.workspace
        counts = fetch_authors(ws, load_config(papertrail.config_path), context.partition_keys,
                               source, context.run_id)
        with landing_lock(ws):
            update_state(ws, context.run_id, **{f"authors_{source}": counts})
    return fetch


AUTHOR_FETCH_OPS = {source: _author_fetch_op(source) for source in SOURCE_ORDER}


@op(ins={f"after_{s}": In(Nothing) for s in SOURCE_ORDER}, out=Out(Nothing))
def fetched_for_authors(context: OpExecutionContext, papertrail: PapertrailResource) -> None:
    state = read_state(papertrail.workspace, context.run_id)
    per_author = {name: dict(ZERO) for name in context.partition_keys}
    for source in SOURCE_ORDER:
        for name, counts in state.get(f"authors_{source}", {}).items():
            for key, n in counts.items():
                per_author[name][key] += n
    table = "\n".join(f"| {name} | {c['requests']} | {c['landed']} | {c['failed']} |"
                      for name, c in per_author.items())
    context.add_output_metadata({
        "authors": len(per_author),
        **{key: sum(c[key] for c in per_author.values()) for key in ZERO},
        "per_author": MetadataValue.json(per_author),
        "table": MetadataValue.md("| author | requests | landed | failed |\n|---|---:|---:|---:|\n" + table),
        "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })


@graph_asset(group_name="fetch", partitions_def=author_partitions,
             backfill_policy=BackfillPolicy.single_run())
def author_captures():
    """Responses of the selected tracked authors' sources in the landing zone, partitioned by author."""
    return fetched_for_authors(**{f"after_{s}": AUTHOR_FETCH_OPS[s]() for s in SOURCE_ORDER})


@graph_asset(group_name="fetch", partitions_def=source_partitions,
             backfill_policy=BackfillPolicy.single_run())
def source_captures():
    """Responses of every tracked author's sources in the landing zone, partitioned by source."""
    return fetched_summary(**{f"after_{s}": FETCH_OPS[s]() for s in SOURCE_ORDER})


# Weeks start on Monday (day_offset=1), like the weekly snapshot schedule.
week_partitions = WeeklyPartitionsDefinition(start_date="2024-01-01", day_offset=1, timezone="UTC")
WEEKS_SCHEMA = {"week": pl.Date, "papers": pl.Int64, "citations": pl.Int64, "snapshots": pl.Int64}


def week_snapshots(db_path: Path, weeks: list[str]) -> pl.DataFrame:
    """One row per week key (its Monday, "2026-11-16"): papers with a citation count by the week's
    end, their citations summed, and the snapshots captured during the week. Zeros before any."""
    starts = [datetime.fromisoformat(w).replace(tzinfo=timezone.utc) for w in weeks]
    found = query(db_path, read_query("citation_weeks"), [starts, [s + timedelta(days=7) for s in starts]])
    by_start = {row["starts"].astimezone(timezone.utc): row for row in found.iter_rows(named=True)}
    return pl.DataFrame([{"week": s.date(), **{k: int(by_start[s][k]) if s in by_start else 0
                                               for k in ("papers", "citations", "snapshots")}}
                         for s in starts], schema=WEEKS_SCHEMA)


def weeks_path(ws: Workspace) -> Path:
    return ws.reports_dir / "citation_weeks.parquet"


# backfill_policy is beta on @asset in dagster 1.13 (not on graph_asset); the warning would print on
# every `papertrail run`.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)

    @asset(group_name="reports", deps=[AssetKey(["core", "citation_snapshots"])], partitions_def=week_partitions,
           backfill_policy=BackfillPolicy.single_run())
    def citation_weeks(context: AssetExecutionContext, papertrail: PapertrailResource) -> MaterializeResult:
        """The citation snapshot as of each week's end (<db stem>.reports/citation_weeks.parquet, one row a
        week), from the published warehouse's citation history."""
        ws = papertrail.workspace
        weeks = week_snapshots(ws.db_path, list(context.partition_keys))
        path = weeks_path(ws)
        kept = pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=WEEKS_SCHEMA)
        write_parquet(pl.concat([kept.filter(~pl.col("week").is_in(weeks["week"].implode())), weeks])
                      .sort("week"), path)
        table = "\n".join(f"| {r['week']} | {r['papers']} | {r['citations']} | {r['snapshots']} |"
                          for r in weeks.iter_rows(named=True))
        return MaterializeResult(metadata={
            "weeks": weeks.height, "path": MetadataValue.path(str(path)),
            "table": MetadataValue.md("| week | papers | citations | snapshots |\n|---|---:|---:|---:|\n" + table),
        })


__all__ = ["AUTHOR_PARTITIONS", "CITATION_SOURCES", "SOURCE_ORDER", "author_captures", "author_keys",
           "author_partitions", "citation_weeks", "fetch_authors", "fetch_source", "for_authors",
           "pool_for", "source_captures", "source_partitions", "week_partitions", "week_snapshots",
           "weeks_path"]
