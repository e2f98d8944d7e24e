"""Stage 2: parse landed captures into the one record schema (Parquet batches).

`parsed_records` is one asset made of three steps: `plan_parse` decides what is pending and cuts
it into slices, `parse_part` (mapped: one step per part) parses a part's slices and snapshots,
`commit_parse` writes the index once every part is done. `papertrail run` (job `refresh`, one
process) makes one part, which parses on every CPU with a process pool of its own; the job
`refresh_in_parts` (multiprocess executor) makes one part per CPU, each its own step process. On
Dagster's Kubernetes or Celery executors the parts are steps on other machines, given a workspace
they all see. Any split writes the same files and index, so the same warehouse.
"""

from collections.abc import Iterator

from dagster import (AssetIn, Config, DynamicOut, DynamicOutput, In, Nothing, OpExecutionContext,
                     Out, Output, graph_asset, op)
import polars as pl
from pydantic import Field

from papertrail.pipelines.stages import parse
from papertrail.pipelines.stages.runlog import update_state

from .landing import landed_captures
from .metadata import table_metadata
from .resources import PapertrailResource


class PlanParseConfig(Config):
    parts: int = Field(default=1, description="steps the parse is split into (under the multiprocess executor "
                                              "each its own process; 0: one per CPU)")
    workers: int = Field(default=0, description="processes per part; 0: every CPU when there is one part (a pool "
                                                "beside the step), one per part when there are several")


@op(ins={"after": In(Nothing)}, out={"plan": Out(), "parts": DynamicOut()},
    description="Sweep crash leftovers and plan the parse of what is pending: slices of captures, snapshots")
def plan_parse(context: OpExecutionContext, config: PlanParseConfig, papertrail: PapertrailResource) -> Iterator:
    plan = parse.plan_parse(papertrail.workspace)
    parts = config.parts if config.parts > 0 else parse.parse_workers()
    if plan is None:
        parts = 1  # nothing pending: one empty part, so that the stage (and the run) goes on
    else:
        parts = max(1, min(parts, len(plan.slices) + len(plan.streamed)))
    workers = config.workers or (None if parts == 1 else 1)
    yield Output(plan, output_name="plan")
    for k in range(parts):
        yield DynamicOutput((plan, k, parts, workers), mapping_key=f"part{k}", output_name="parts")


@op(description="Parse one part of the plan: its slices of captures and its snapshots")
def parse_part(item: tuple) -> parse.PartResult:
    plan, k, parts, workers = item
    if plan is None:
        return parse.PartResult()
    return parse.parse_part(plan, k, parts, workers)


@op(out=Out(Nothing), description="Write the parse index once every part is done: until then the batch does not exist")
def commit_parse(context: OpExecutionContext, papertrail: PapertrailResource, plan, results: list) -> None:
    ws = papertrail.workspace
    result = parse.commit_parse(ws, plan, results) if plan is not None else parse.ParseResult()
    rows_in = sum(result.counts.get(t, 0) for t in ("papers", "profiles", "rejects"))
    update_state(ws, context.run_id, rows_in=rows_in, rows_quarantined=result.counts.get("rejects", 0),
                 parsed=result.parsed)
    context.add_output_metadata({
        "captures_parsed": result.parsed, "parts": len(results), "processes_per_part": result.workers,
        **{f"rows_{k}": v for k, v in result.counts.items()},
        "formats": table_metadata(pl.DataFrame(sorted(result.formats.items()), orient="row",
                                               schema={"format": pl.String, "captures": pl.Int64})),
    })


@graph_asset(group_name="parse", ins={"landed": AssetIn(key=landed_captures.key, dagster_type=Nothing)})
def parsed_records(landed):
    """Records parsed from captures not parsed before, one Parquet batch per run and table."""
    plan, parts = plan_parse(after=landed)
    return commit_parse(plan=plan, results=parts.map(parse_part).collect())
