# Thin wrappers; .ci/run calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Build the graph from seeds/, then print who met whom.
run: $(STAMP)
	$(BIN)/parley build
	$(BIN)/parley query who-met-whom

## Run lint and the whole test suite.
test: $(STAMP)
	@command -v java >/dev/null 2>&1 || { echo "installing a Java runtime for the HermiT consistency test"; \
	  (apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null) || echo "warning: could not install Java"; }
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean-venv:
	rm -rf $(VENV)
