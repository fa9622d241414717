# The two commands of README.md: `make serve` and `make test`. Only python3 (and gcc, which
# durable-rules compiles with) are needed; everything else is installed into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint linktree typecheck postgres install clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Serve the portal on the embedded SQLite database with the demo data, at http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/famille migrate
	$(BIN)/famille demo
	$(BIN)/famille serve --host 127.0.0.1 --port 8000

## The whole test suite: style, types, architecture, rule files, tests (PostgreSQL ones when
## FAMILLE_TEST_POSTGRES_URL is set; otherwise they are reported as skipped).
test: $(STAMP) lint typecheck
	$(BIN)/famille rules check
	$(BIN)/famille rules test
	$(BIN)/python -m pytest -q

# import-linter and mypy see `famille` through a tree of links: the folders map onto the package
# (pyproject's package-dir), which the editable install resolves but these tools do not.
linktree: $(STAMP)
	rm -rf build/linktree && mkdir -p build/linktree/famille
	for f in app/*.py; do ln -s ../../../$$f build/linktree/famille/$$(basename $$f); done
	for d in kernel ports adapters rules; do ln -s ../../../$$d build/linktree/famille/$$d; done

lint: $(STAMP) linktree
	$(BIN)/ruff check .
	cd build/linktree && PYTHONPATH=. ../../$(BIN)/lint-imports ../../pyproject.toml --no-cache

typecheck: $(STAMP) linktree
	cd build/linktree && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p famille.kernel -p famille.ports

postgres: $(STAMP)
	$(BIN)/python -m pytest -q -m postgres

## Every measure of issue 10 beside its baseline from the same run, in one table (PostgreSQL rows need a server).
bench: $(STAMP)
	$(BIN)/python bench/table.py

clean:
	rm -rf $(VENV) build var .pytest_cache .mypy_cache .ruff_cache .hypothesis
