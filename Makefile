# Thin wrappers; .ci/run calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install system-deps docs clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Build the graph from seeds/, validate it, reason over it, then print who met whom.
run: $(STAMP)
	$(BIN)/parley build
	$(BIN)/parley validate
	$(BIN)/parley reason
	$(BIN)/parley query who-met-whom

## Debian packages the tests run against: Java (HermiT), Chromium (report), Virtuoso 7.
system-deps:
	scripts/ensure-java.sh
	scripts/ensure-chromium.sh
	scripts/ensure-virtuoso.sh

## Run lint and the whole test suite.
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Regenerate generated docs (competency questions with their answers on the seeds).
docs: $(STAMP)
	$(BIN)/python scripts/competency_doc.py

clean-venv:
	rm -rf $(VENV)
