"""Stage 3: clean and resolve every parsed record into the core tables (staging Parquet)."""
from dagster import MaterializeResult, asset

from pipelines.stages.resolve import resolve_all

from .parse import parsed_records
from .resources import PapertrailResource


@asset(group_name="resolve", deps=[parsed_records])
def resolved_tables(papertrail: PapertrailResource) -> MaterializeResult:
    """One row per real paper and per real person, with sightings, topics, profiles and history."""
    counts = resolve_all(papertrail.workspace)
    return MaterializeResult(metadata={f"rows_{name}": n for name, n in counts.items()})
