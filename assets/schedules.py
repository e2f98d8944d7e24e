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


def _config_or_skip() -> str | SkipReason:
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return SkipReason(f"{CONFIG_ENV} is not set: no tracked authors to refresh")
    return path


@schedule(cron_schedule="0 6 * * *", job_name="refresh", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING,
          description="Daily refresh of the tracked authors (PAPERTRAIL_CONFIG)")
def daily_author_refresh(context: ScheduleEvaluationContext):
    path = _config_or_skip()
    if isinstance(path, SkipReason):
        return path
    day = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return RunRequest(run_key=f"refresh-{day}",
                      run_config=papertrail_run_config(config_path=path,
                                                       db_path=os.environ.get("PAPERTRAIL_DB")),
                      tags={"papertrail/trigger": "daily_author_refresh"})


@schedule(cron_schedule="0 5 * * 1", job_name="fetch_sources", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING,
          description="Weekly citation snapshot: one run over the citation-reporting APIs")
def weekly_citation_snapshot(context: ScheduleEvaluationContext):
    path = _config_or_skip()
    if isinstance(path, SkipReason):
        return path
    week = context.scheduled_execution_time.strftime("%G-W%V")
    return RunRequest(run_key=f"citations-{week}",
                      run_config=papertrail_run_config(config_path=path,
                                                       db_path=os.environ.get("PAPERTRAIL_DB")),
                      tags={ASSET_PARTITION_RANGE_START_TAG: CITATION_SOURCES[0],
                            ASSET_PARTITION_RANGE_END_TAG: CITATION_SOURCES[-1],
                            "papertrail/trigger": "weekly_citation_snapshot"})


@schedule(cron_schedule="0 7 * * 1", job_name="summarise_weeks", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING,
          description="Weekly: the citation_weeks partition of the week that just ended")
def weekly_citation_summary(context: ScheduleEvaluationContext):
    path = _config_or_skip()
    if isinstance(path, SkipReason):
        return path
    when = context.scheduled_execution_time
    week = (when - timedelta(days=when.weekday() + 7)).strftime("%Y-%m-%d")  # last week's Monday
    return RunRequest(run_key=f"citation-week-{week}", partition_key=week,
                      run_config=papertrail_run_config(db_path=os.environ.get("PAPERTRAIL_DB")),
                      tags={"papertrail/trigger": "weekly_citation_summary"})


SCHEDULES = [daily_author_refresh, weekly_citation_snapshot, weekly_citation_summary]
