# One entry point for people, hooks and CI. Every target builds its own virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck bench simulate clean help

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)  ## run the whole loop on the bundled demo factory (no Odoo needed)
	$(BIN)/capacity-promise demo --html demo-report.html

lint: $(STAMP)  ## ruff and mypy on the service and planner
	$(BIN)/ruff check optimizer sync tests bench
	$(BIN)/mypy

test: $(STAMP) lint  ## lint, then every test (live-Odoo tests skip without CAPACITY_PROMISE_TEST_ODOO_URL)
	$(BIN)/pytest -q

bench: $(STAMP)  ## planner benchmarks at sizes S, M and L
	$(BIN)/python -m bench.run

simulate: $(STAMP)  ## promise-quality simulation (table + chart)
	$(BIN)/python -m bench.simulate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info demo-report.html
