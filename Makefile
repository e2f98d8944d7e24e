# papertrail — `make run` and `make test` do all set-up from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test ui bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install        ## the whole pipeline on the built-in demo; leaves warehouse.duckdb and reports/
	$(BIN)/papertrail run

test: install       ## the whole test suite
	$(BIN)/python -m pytest

ui: install
	$(BIN)/papertrail ui

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf .warehouse.duckdb.papertrail warehouse.duckdb reports .dagster/storage .dagster/history
