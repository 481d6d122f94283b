# Thin wrappers; .ci/run calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install system-deps docs bench bench-quick draft-eval clean-venv

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

## Debian packages the tests run against: Java (HermiT), Chromium (report, serve UI), Virtuoso 7, strace.
## A failed install is reported, and the tests that need the package say they were skipped.
system-deps:
	scripts/ensure-java.sh || echo "warning: could not install Java: the HermiT test will be skipped"
	scripts/ensure-chromium.sh || echo "warning: could not install Chromium: the report and serve UI browser tests will be skipped"
	scripts/ensure-virtuoso.sh || echo "warning: could not install Virtuoso: its conformance tests will be skipped"
	scripts/ensure-strace.sh || echo "warning: could not install strace: the kill-at-every-write-boundary test will be skipped"

## Run lint and the whole test suite.
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Benchmarks (not tests): 200, 1,000 and 10,000 articles, naive stack beside at 200.
## Results: bench/results/latest.json and bench/README.md.
bench: $(STAMP)
	$(BIN)/python bench/run.py

## The 200-article side-by-side comparison alone (a few minutes).
bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --quick

## Regenerate generated docs (competency questions with their answers on the seeds).
docs: $(STAMP)
	$(BIN)/python scripts/competency_doc.py

## Score `parley draft` on tests/data/corpus, eval/dev, eval/dev2, eval/dev3, eval/dev4, eval/dev5, eval/dev6, eval/dev7, eval/dev8, eval/dev9 and eval/heldout (those that exist)
## and rewrite the figures in docs/drafting.md.
draft-eval: $(STAMP)
	$(BIN)/python bench/draft_eval.py

clean-venv:
	rm -rf $(VENV)
