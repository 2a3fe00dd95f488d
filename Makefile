# Two commands do all the set-up on a fresh machine:
#   make demo   install the package in .venv and plan the bundled e-commerce weekday (report/)
#   make test   install the package with its dev tools in .venv, lint (ruff, import contracts),
#               run the whole test suite (the browser app's tests need Debian's chromium:
#               apt-get install chromium; without it they are skipped, and said so)
# Python >= 3.12 is found on the PATH or in pyenv; set PYTHON=/path/to/python3.12 to choose one.

VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell for p in python3 python3.14 python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $$p && break; done)

.PHONY: demo test bench clean

demo: $(VENV)/.installed
	$(BIN)/staffing plan simulations/ecommerce_weekday.toml --out report --force
	@echo "open report/summary.md and the charts beside it"

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@test -x /usr/bin/chromium || echo "make test: no /usr/bin/chromium, so the browser tests \
	(tests/test_app_browser.py) are skipped; apt-get install chromium to run them"
	$(BIN)/python -m pytest -n 2

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_erlang.py
	$(BIN)/python benchmarks/bench_simulation.py

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "error: Python >= 3.12 not found; install it or run: make PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
