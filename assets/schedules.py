"""Unattended refreshes, evaluated by the daemon that `papertrail ui` (`dagster dev`) runs.

- `daily_author_refresh` (06:00 UTC): the `refresh` job over the tracked authors of the config
  named by PAPERTRAIL_CONFIG (fetch, parse, resolve, validate, publish, reports).
- `weekly_citation_snapshot` (Monday 05:00 UTC): one run of `fetch_sources` over the
  citation-reporting APIs (a single-run partition range), so every week adds a citation
  snapshot per paper; the next refresh parses and publishes what landed.
- `weekly_citation_summary` (Monday 07:00 UTC, after that refresh): the `citation_weeks`
  partition of the week that just ended (Monday to Sunday), from the published history.

Both start RUNNING so the daemon evaluates them, and skip with a reason when no config is set:
with nothing to track there is nothing to refresh (they never fall back to the demo corpus).
"""
import os
from datetime import timedelta

from dagster import (RunRequest, ScheduleEvaluationContext, SkipReason, DefaultScheduleStatus,
                     schedule)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from .partitions import CITATION_SOURCES

CONFIG_ENV = "PAPERTRAIL_CONFIG"


def papertrail_run_config(**config) -> dict:
    return {"resources": {"papertrail": {"config": {k: v for k, v in config.items() if v}}}}


def _request_or_skip(run_key: str, trigger: str, *, pass_config: bool = True, tags: dict | None = None,
                     **request) -> RunRequest | SkipReason:
    """The run a schedule asks for, against $PAPERTRAIL_DB; every schedule skips while no config
    names the tracked authors (the weekly summary only reads the warehouse, so gets no config)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return SkipReason(f"{CONFIG_ENV} is not set: no tracked authors to refresh")
    config = papertrail_run_config(config_path=path if pass_config else None, db_path=os.environ.get("PAPERTRAIL_DB"))
    return RunRequest(run_key=run_key, run_config=config, tags={**(tags or {}), "papertrail/trigger": trigger},
                      **request)


@schedule(cron_schedule="0 6 * * *", job_name="refresh", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING,
          description="Daily refresh of the tracked authors (PAPERTRAIL_CONFIG)")
def daily_author_refresh(context: ScheduleEvaluationContext):
    day = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return _request_or_skip(f"refresh-{day}", "daily_author_refresh")


@schedule(cron_schedule="0 5 * * 1", job_name="fetch_sources", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING,
          description="Weekly citation snapshot: one run over the citation-reporting APIs")
def weekly_citation_snapshot(context: ScheduleEvaluationContext):
    week = context.scheduled_execution_time.strftime("%G-W%V")
    return _request_or_skip(f"citations-{week}", "weekly_citation_snapshot",
                            tags={ASSET_PARTITION_RANGE_START_TAG: CITATION_SOURCES[0],
                                  ASSET_PARTITION_RANGE_END_TAG: CITATION_SOURCES[-1]})


@schedule(cron_schedule="0 7 * * 1", job_name="summarise_weeks", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING,
          description="Weekly: the citation_weeks partition of the week that just ended")
def weekly_citation_summary(context: ScheduleEvaluationContext):
    when = context.scheduled_execution_time
    week = (when - timedelta(days=when.weekday() + 7)).strftime("%Y-%m-%d")  # last week's Monday
    return _request_or_skip(f"citation-week-{week}", "weekly_citation_summary", pass_config=False,
                            partition_key=week)


SCHEDULES = [daily_author_refresh, weekly_citation_snapshot, weekly_citation_summary]
