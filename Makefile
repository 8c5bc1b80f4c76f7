# Accord developer tasks. `make test` is what CI runs (see .ci/run).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Quiet, but pip still prints warnings and errors.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --progress-bar off

.DEFAULT_GOAL := test
.PHONY: .venv demo test lint clean

# Idempotent: create the venv only if missing; reinstall only when pyproject.toml
# is newer than the stamp.
.venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "== creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "== pip install -e .[test]"
	$(PIP_INSTALL) -e '.[test]'
	@touch $@

demo: .venv
	$(BIN)/accord demo .demo

lint: .venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy accord
	$(BIN)/lint-imports

test: .venv lint
	$(BIN)/pytest -q -p no:cacheprovider

clean:
	rm -rf .demo site build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
