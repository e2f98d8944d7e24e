"""The Dagster code location: every stage's assets, checks, resources and the default job."""
from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from assets.landing import landed_captures
from assets.parse import parsed_records
from assets.reports import reports
from assets.resolve import resolved_tables
from assets.resources import PapertrailResource
from assets.validate import validated_tables
from assets.warehouse import warehouse

ALL_ASSETS = [landed_captures, parsed_records, resolved_tables, validated_tables, warehouse, reports]

refresh_job = define_asset_job("refresh", selection=AssetSelection.all(), executor_def=in_process_executor)

defs = Definitions(
    assets=ALL_ASSETS,
    jobs=[refresh_job],
    resources={"papertrail": PapertrailResource()},
    executor=in_process_executor,
)
