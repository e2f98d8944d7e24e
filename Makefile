# papertrail — `make run` and `make test` do all set-up from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test wheel-test ui bench bench-data bench-linkage bench-splink clean

$(STAMP): pyproject.toml setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install        ## the whole pipeline on the built-in demo; leaves warehouse.duckdb and warehouse.reports/
	$(BIN)/papertrail run

test: install       ## the whole test suite
	$(BIN)/python -m pytest

wheel-test: install ## build the wheel, install it into a fresh venv (pinned), run it outside the checkout (~2 min)
	PAPERTRAIL_WHEEL_TEST=1 $(BIN)/python -m pytest tests/test_wheel.py

ui: install
	$(BIN)/papertrail ui

bench: install
	$(BIN)/python -m bench

bench-data: install  ## public labelled benchmarks from fetched git snapshots -> bench/data/ (skips when absent)
	$(BIN)/python -m bench.linkage.download
	$(BIN)/python -m bench.linkage.convert_dblp_acm
	$(BIN)/python -m bench.linkage.convert_aminer

bench-linkage: install  ## run the pipeline on them and score it: bench/results/linkage-*.json (LINKAGE_ARGS="--rev HEAD")
	$(BIN)/python -m bench.linkage $(LINKAGE_ARGS)

bench-splink: install  ## splink 5 beside papertrail on the same benchmarks (installs the optional `bench` extra): bench/results/splink-compare-*.json
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m bench.linkage.splink_compare $(SPLINK_ARGS)

clean:
	rm -rf .warehouse.duckdb.papertrail warehouse.duckdb warehouse.reports reports .dagster/storage .dagster/history build dist
