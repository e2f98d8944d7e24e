"""Fuzz every parser, the registry and the normalisers with the properties of
tests/test_fuzz_parsers.py at 10,000 examples each (CI runs 40).

    .venv/bin/python -m bench.fuzz [--examples N] [--only NAME]

Prints a table (target, examples run, typed rejections, seconds) and writes
bench/results/fuzz.json. Any exception other than a ParseError fails the run with hypothesis's
minimal failing example."""
import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HYPOTHESIS_PROFILE", "bench")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import given, settings, strategies as st  # noqa: E402

from papertrail.pipelines.errors import ParseError  # noqa: E402
from papertrail.pipelines.sources.registry import FORMAT_MODULES  # noqa: E402
from tests.test_fuzz_parsers import (capture, check_normalisers, check_registry,  # noqa: E402
                                     documents, seed_documents)

RESULTS = Path(__file__).resolve().parent / "results" / "fuzz.json"


def run_target(name: str, examples: int) -> dict:
    import importlib
    stats = {"examples": 0, "parse_errors": 0}
    if name == "registry":
        def body(content):
            stats["examples"] += 1
            check_registry(content)
        strategy = documents
    elif name == "normalisers":
        def body(s):
            stats["examples"] += 1
            check_normalisers(s)
        strategy = st.text(max_size=300)
    else:
        module = importlib.import_module(name)

        def body(content):
            stats["examples"] += 1
            try:
                module.parse(capture(content))
            except ParseError:
                stats["parse_errors"] += 1
        strategy = documents
    started = time.perf_counter()
    settings(max_examples=examples, deadline=None, database=None)(given(strategy)(body))()
    return {"target": name, **stats, "seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--examples", type=int, default=10_000)
    args.add_argument("--only", help="one target (a parser module, 'registry' or 'normalisers')")
    opts = args.parse_args()
    targets = [opts.only] if opts.only else [*FORMAT_MODULES, "registry", "normalisers"]
    seed_documents()
    rows = []
    print(f"{'target':<40} {'examples':>9} {'ParseError':>10} {'seconds':>8}")
    for name in targets:
        row = run_target(name, opts.examples)
        rows.append(row)
        print(f"{row['target']:<40} {row['examples']:>9,} {row['parse_errors']:>10,} {row['seconds']:>8}",
              flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"examples_requested": opts.examples, "targets": rows}, indent=2))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
