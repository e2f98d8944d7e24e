"""Asset specs, column schemas and check specs of the published warehouse, built from sql/
(pipelines.warehouse.catalog) and expectations/ (pipelines.validate.checks).

Every core/audit table is an asset keyed by its schema and name (`core/papers`), every analytics
view likewise (`analytics/topic_trends`); each column carries its description from
sql/columns.yaml; each core table with a suite has one check per expectation.
"""
from __future__ import annotations

from dagster import (AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, AssetSpec,
                     MetadataValue, TableColumn, TableSchema)

from papertrail.pipelines.validate.checks import WAREHOUSE_SCHEMA, suite_checks
from papertrail.pipelines.warehouse.catalog import Relation, tables, views

WAREHOUSE_GROUP = "warehouse"
ANALYTICS_GROUP = "analytics"


def column_schema(relation: Relation) -> TableSchema:
    return TableSchema(columns=[TableColumn(name=name, type=kind, description=relation.column_docs.get(name))
                                for name, kind in relation.columns])


def table_metadata(relation: Relation) -> dict:
    return {"dagster/column_schema": column_schema(relation), "dagster/table_name": relation.name}


def relation_key(name: str) -> AssetKey:
    return AssetKey(name.split(".", 1))


def table_specs(upstream: AssetKey) -> list[AssetSpec]:
    """One spec per core/audit table, all downstream of the validated staging. Skippable: a
    publish that validation blocks materialises none of them."""
    return [AssetSpec(key=relation_key(r.name), deps=[upstream], group_name=WAREHOUSE_GROUP,
                      description=r.description or None, kinds={"duckdb"}, skippable=True,
                      metadata=table_metadata(r))
            for r in tables()]


def view_specs() -> list[AssetSpec]:
    """One spec per analytics view, downstream of the core/audit tables it is computed from."""
    return [AssetSpec(key=relation_key(r.name), deps=[relation_key(t) for t in r.reads],
                      group_name=ANALYTICS_GROUP, description=r.description or None, kinds={"duckdb"},
                      metadata=table_metadata(r))
            for r in views()]


def check_specs() -> list[AssetCheckSpec]:
    """Each expectation of expectations/<table>.json as a check of core/<table>, blocking as
    the expectation's meta says."""
    return [AssetCheckSpec(name=check.name, asset=AssetKey([WAREHOUSE_SCHEMA, table]),
                           blocking=check.blocking, description=check.description)
            for table, checks in suite_checks().items() for check in checks]


def check_results(receipt: dict, selected: set[AssetCheckKey], **extra) -> list[AssetCheckResult]:
    """The receipt's outcomes as results of the checks selected in this run. A selected check
    the receipt has no outcome for (a warehouse published before receipts existed) fails with
    WARN severity, saying so."""
    out = []
    for outcome in receipt.get("checks", []):
        key = AssetKey([WAREHOUSE_SCHEMA, outcome["table"]])
        if AssetCheckKey(key, outcome["check"]) not in selected:
            continue
        metadata = {
            "expectation": f"{outcome['expectation']}({', '.join(outcome['columns'])})",
            "unexpected_before_quarantine": outcome.get("unexpected_before_quarantine"),
            "unexpected": outcome.get("unexpected"),
            "validated_in_run": receipt.get("run_id") or "",
            "staging_sha256": receipt.get("staging_sha256", ""),
            **extra,
        }
        if outcome.get("examples"):
            metadata["examples"] = MetadataValue.json(outcome["examples"])
        if outcome.get("exception"):
            metadata["exception"] = outcome["exception"]
        out.append(AssetCheckResult(
            asset_key=key, check_name=outcome["check"], passed=outcome["passed"],
            severity=AssetCheckSeverity.ERROR if outcome["severity"] == "ERROR" else AssetCheckSeverity.WARN,
            description=outcome.get("why") or None,
            metadata={k: v for k, v in metadata.items() if v is not None}))
    reported = {AssetCheckKey(r.asset_key, r.check_name) for r in out}
    for missing in sorted(selected - reported, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        out.append(AssetCheckResult(
            asset_key=missing.asset_key, check_name=missing.name, passed=False, severity=AssetCheckSeverity.WARN,
            description="the validation receipt has no outcome for this check",
            metadata={"staging_sha256": receipt.get("staging_sha256", ""), **extra}))
    return out
