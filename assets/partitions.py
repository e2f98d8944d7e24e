"""Fetching partitioned by source (backfills, the weekly citation snapshot) and by tracked author.

`source_captures` is one asset partitioned by fetch source (every folder the source registry
lists, sources/registry.py FETCH_SOURCES: a new source gets its partition and op). A backfill over any set of sources is ONE
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

import re
import warnings
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from dagster import (AssetExecutionContext, AssetKey, BackfillPolicy, BetaWarning, DynamicPartitionsDefinition, In,
                     MaterializeResult, MetadataValue, Nothing, OpExecutionContext, Out,
                     StaticPartitionsDefinition, WeeklyPartitionsDefinition, asset, graph_asset, op)

from papertrail.pipelines.config import SOURCES, host_key, load_config
from papertrail.pipelines.errors import ConfigError
from papertrail.pipelines.io import write_parquet
from papertrail.pipelines.stages.fetch import (ZERO, author_keys, fetch_authors, fetch_source,  # noqa: F401
                                               for_authors)
from papertrail.pipelines.stages.landing import landing_lock
from papertrail.pipelines.stages.runlog import read_state, update_state
from papertrail.pipelines.warehouse.query import WEEKS_SCHEMA, week_snapshots
from papertrail.pipelines.workspace import Workspace

from .metadata import table_metadata
from .resources import PapertrailResource

# Every fetch source, citation-reporting ones (FETCH_SOURCE.cites) last, so that the weekly
# citation snapshot is one contiguous partition range.
SOURCE_ORDER = tuple([n for n, s in SOURCES.items() if not s.cites] + [n for n, s in SOURCES.items() if s.cites])
CITATION_SOURCES = tuple(n for n in SOURCE_ORDER if SOURCES[n].cites)
source_partitions = StaticPartitionsDefinition(list(SOURCE_ORDER))
# Dynamic, not static: the tracked authors are known only once a config is read, and they change.
AUTHOR_PARTITIONS = "tracked_authors"
author_partitions = DynamicPartitionsDefinition(name=AUTHOR_PARTITIONS)


def pool_for(source: str) -> str:
    """The pool of a source's API host (author pages span many hosts: one pool for all)."""
    base = SOURCES[source].base_url
    return "host_" + re.sub(r"[^a-z0-9]+", "_", host_key(base)) if base else f"host_{source}"


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
    per_source = {s: state.get(f"fetch_{s}", dict(ZERO))
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
    context.add_output_metadata({
        "authors": len(per_author),
        **{key: sum(c[key] for c in per_author.values()) for key in ZERO},
        "per_author": MetadataValue.json(per_author),
        "table": table_metadata(pl.DataFrame(
            [{"author": name, **counts} for name, counts in per_author.items()],
            schema={"author": pl.String, **{key: pl.Int64 for key in ZERO}})),
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
        return MaterializeResult(metadata={
            "weeks": weeks.height, "path": MetadataValue.path(str(path)),
            "table": table_metadata(weeks),
        })


__all__ = ["AUTHOR_PARTITIONS", "CITATION_SOURCES", "SOURCE_ORDER", "author_captures", "author_keys",
           "author_partitions", "citation_weeks", "fetch_authors", "fetch_source", "for_authors",
           "pool_for", "source_captures", "source_partitions", "week_partitions", "week_snapshots",
           "weeks_path"]
