# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint typecheck unit format bench golden clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "detente needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[web,notebook,analysis]'
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,web]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/detente forecast --runs 2000 --seed 0

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy src

unit: $(VENV)/.installed-test
	$(BIN)/pytest

test: lint typecheck unit

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

# REFERENCE_SRC=../main/src adds timings of the code before a change (in subprocesses).
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/expected_utility.py
	$(BIN)/python benchmarks/monte_carlo.py
	$(BIN)/python benchmarks/eu_draws.py
	$(BIN)/python benchmarks/forecast_process.py
	$(BIN)/python benchmarks/deu_backtest.py $(if $(REFERENCE_SRC),--reference-src $(REFERENCE_SRC))
	$(BIN)/python benchmarks/eu_scaling.py $(if $(REFERENCE_SRC),--reference-src $(REFERENCE_SRC))

golden: $(VENV)/.installed-test
	$(BIN)/python scripts/regenerate_golden.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
