"""Each expectation of expectations/<table>.json as one named check of the core table it guards.

The names are what the Dagster UI lists under the table's asset (`paper_id_not_null`,
`year_in_range`, `paper_exists`, ...); blocking follows the expectation's meta.blocking. Read
from the JSON alone: no great-expectations import.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..paths import expectations_dir
from .report import ExpectationResult, expectation_columns

WAREHOUSE_SCHEMA = "core"   # every suite guards the core table of its name

_SHORT = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_unique": "unique",
    "expect_compound_columns_to_be_unique": "unique",
    "expect_column_values_to_be_between": "in_range",
    "expect_column_values_to_be_in_set": "in_set",
}


@dataclass(frozen=True)
class ExpectationCheck:
    table: str                   # staged table, e.g. "papers" (warehouse table core.papers)
    index: int                   # position in the suite
    name: str                    # the check's name, unique within the table
    expectation: str             # GX expectation type
    columns: tuple[str, ...]
    blocking: bool
    why: str

    @property
    def label(self) -> str:
        """The same label ExpectationResult.label gives (quarantine reasons use it)."""
        return f"{self.table}.{self.expectation}({', '.join(self.columns)})"

    @property
    def description(self) -> str:
        kind = "blocking" if self.blocking else "warning only"
        return (f"{self.expectation}({', '.join(self.columns)}), expectations/{self.table}.json "
                f"[{kind}]: {self.why}")


def check_name(expectation: dict, derived: dict) -> str:
    kind, kwargs = expectation["type"], expectation["kwargs"]
    columns = expectation_columns(kwargs)
    if kind == "expect_column_values_to_be_in_set" and columns and columns[0] in derived:
        # derived flags: paper_exists in {true}; decrease in {false} -> no_decrease
        values = kwargs.get("value_set")
        return columns[0] if values == [True] else f"no_{columns[0]}" if values == [False] else f"{columns[0]}_in_set"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        op = "gte" if kwargs.get("or_equal") else "gt"
        return f"{kwargs['column_A']}_{op}_{kwargs['column_B']}"
    short = _SHORT.get(kind) or kind.removeprefix("expect_").removeprefix("column_values_to_")
    return re.sub(r"\W+", "_", "_".join([*columns, short]))


@lru_cache(maxsize=4)
def _suite_checks(root: str) -> dict[str, tuple[ExpectationCheck, ...]]:
    out = {}
    for path in sorted(Path(root).glob("*.json")):
        suite = json.loads(path.read_text("utf-8"))
        derived = (suite.get("meta") or {}).get("derived") or {}
        checks, names = [], set()
        for i, expectation in enumerate(suite["expectations"]):
            name = base = check_name(expectation, derived)
            n = 2
            while name in names:
                name, n = f"{base}_{n}", n + 1
            names.add(name)
            meta = expectation.get("meta") or {}
            checks.append(ExpectationCheck(
                table=path.stem, index=i, name=name, expectation=expectation["type"],
                columns=expectation_columns(expectation["kwargs"]), blocking=bool(meta.get("blocking")),
                why=str(meta.get("why") or "")))
        out[path.stem] = tuple(checks)
    return out


def suite_checks() -> dict[str, tuple[ExpectationCheck, ...]]:
    """{table: its checks, in suite order} for every suite in expectations/."""
    return _suite_checks(str(expectations_dir()))


def outcomes(final: list[ExpectationResult], first: list[ExpectationResult]) -> list[dict]:
    """One outcome per expectation check, as the receipt stores and the publish reports it.

    `first` is the validation before any quarantine, `final` the one of the data that loads.
    A check whose failing rows were quarantined is failed with WARN severity (the data that
    loads passes it; the rows are in audit.quarantine); one that still fails after the
    quarantine is ERROR when blocking: that stops the publish."""
    by_table: dict[str, list[tuple[ExpectationResult, ExpectationResult]]] = {}
    for before, after in zip(first, final, strict=True):
        by_table.setdefault(after.table, []).append((before, after))
    out = []
    for table, checks in suite_checks().items():
        pairs = by_table.get(table, [])
        if len(pairs) != len(checks):
            raise ValueError(f"expectations/{table}.json has {len(checks)} expectations, "
                             f"the validation reported {len(pairs)}")
        for check, (before, after) in zip(checks, pairs):
            severity = "ERROR" if (not after.success and check.blocking) else "WARN"
            out.append({
                "table": table, "check": check.name, "blocking": check.blocking,
                "passed": bool(before.success and after.success), "severity": severity,
                "expectation": check.expectation, "columns": list(check.columns),
                "unexpected_before_quarantine": before.unexpected_count,
                "unexpected": after.unexpected_count,
                "examples": [str(k) for k in (before.unexpected_keys or before.unexpected_values)][:5]
                            if not before.success else [],
                "exception": after.exception or before.exception,
                "why": check.why,
            })
    return out
