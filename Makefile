# Accord developer tasks. `make test` is what CI runs (see .ci/run).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Quiet, but pip still prints warnings and errors.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --progress-bar off

.DEFAULT_GOAL := test
.PHONY: .venv demo test test-dates lint clean

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
	$(BIN)/mypy accord tui site_builder
	$(BIN)/lint-imports

test: .venv lint
	$(BIN)/pytest -q -p no:cacheprovider

# The suite under faked clocks (Debian's faketime): see docs/testing.md.
FAKED_DATES := "2027-01-01 00:30:00|Europe/Amsterdam" "2026-12-31 23:30:00|UTC" \
	"2026-12-31 12:00:00|UTC" "2027-03-28 03:30:00|Europe/Amsterdam" \
	"2027-10-31 02:30:00|Europe/Amsterdam" "2028-02-29 09:00:00|UTC" \
	"2027-06-01 00:05:00|Europe/Amsterdam"

test-dates: .venv
	@command -v faketime >/dev/null || { echo "faketime is missing: apt-get install faketime"; exit 1; }
	@for spec in $(FAKED_DATES); do \
		stamp=$${spec%|*}; zone=$${spec#*|}; \
		echo "== pytest at $$stamp ($$zone)"; \
		TZ=$$zone FAKETIME_SKIP_CMDS=postgres,initdb,pg_ctl,runuser \
			faketime -f "@$$stamp" $(BIN)/pytest -q -p no:cacheprovider || exit 1; \
	done

clean:
	rm -rf .demo site build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
