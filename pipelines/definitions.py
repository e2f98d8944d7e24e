"""The Dagster code location: every stage's assets, checks, resources, jobs, schedules, sensors.

The graph: fetch (source_captures, author_captures) -> landing (landed_captures) -> parse
(parsed_records) -> resolve (resolved_tables) -> validate (validated_tables) -> warehouse (one
`publish` step materialising every core/audit table asset, `core/papers` ..., each core table's
expectations its checks) -> analytics (the views, `analytics/topic_trends` ...) -> reports.
"""
from dagster import (AssetSelection, Definitions, define_asset_job, in_process_executor,
                     multiprocess_executor)

from papertrail.assets.analytics import analytics_views
from papertrail.assets.hooks import HOOKS
from papertrail.assets.landing import landed_captures
from papertrail.assets.parse import parsed_records
from papertrail.assets.partitions import (author_captures, author_partitions, citation_weeks, source_captures,
                               source_partitions, week_partitions)
from papertrail.assets.reports import reports
from papertrail.assets.resolve import resolved_tables
from papertrail.assets.resources import PapertrailResource
from papertrail.assets.schedules import SCHEDULES
from papertrail.assets.sensors import SENSORS
from papertrail.assets.validate import validated_tables
from papertrail.assets.warehouse import publish

# What `papertrail run` materialises. The partitioned fetch assets have their own jobs, so
# `refresh` stays unpartitioned and a backfill of `fetch_sources` (`fetch_authors`) is one run
# over the chosen sources (authors). Every job records its failed runs in audit.runs (HOOKS).
ALL_ASSETS = [landed_captures, parsed_records, resolved_tables, validated_tables, publish, analytics_views,
              reports]

refresh_job = define_asset_job("refresh", selection=AssetSelection.assets(*ALL_ASSETS),
                               executor_def=in_process_executor, hooks=HOOKS)
# The same graph with every step in its own process and the parse split into one part per CPU
# (parsed_records' parse_part steps side by side); it publishes the same warehouse as `refresh`.
# Swap the executor for dagster-k8s's or dagster-celery's to run the parts on other machines.
refresh_in_parts_job = define_asset_job(
    "refresh_in_parts", selection=AssetSelection.assets(*ALL_ASSETS), executor_def=multiprocess_executor,
    hooks=HOOKS, config={"ops": {"parsed_records": {"ops": {"plan_parse": {"config": {"parts": 0}}}}}})
# One process per fetch source's op: hosts are fetched side by side, each within its pool.
_side_by_side = multiprocess_executor.configured({"max_concurrent": 4})
fetch_sources_job = define_asset_job("fetch_sources", selection=AssetSelection.assets(source_captures),
                                     partitions_def=source_partitions, executor_def=_side_by_side,
                                     hooks=HOOKS)
fetch_authors_job = define_asset_job("fetch_authors", selection=AssetSelection.assets(author_captures),
                                     partitions_def=author_partitions, executor_def=_side_by_side,
                                     hooks=HOOKS)
summarise_weeks_job = define_asset_job("summarise_weeks", selection=AssetSelection.assets(citation_weeks),
                                       partitions_def=week_partitions, executor_def=in_process_executor,
                                       hooks=HOOKS)

defs = Definitions(
    assets=[*ALL_ASSETS, source_captures, author_captures, citation_weeks],
    jobs=[refresh_job, refresh_in_parts_job, fetch_sources_job, fetch_authors_job, summarise_weeks_job],
    schedules=SCHEDULES,
    sensors=SENSORS,
    resources={"papertrail": PapertrailResource()},
    executor=in_process_executor,
)
