# Two commands do all set-up on a fresh machine with Python >= 3.11 and make:
#   make report   install (into .venv unless an environment is active), run every notebook headless
#   make test     same install, then the test suite
# Also: make lab (JupyterLab), make bench (speed benchmarks), make lint (ruff check), make clean.

PYTHON ?= python3
CORPUS ?= data/raw
OUTPUT ?= reports
JOBS ?= 1
PYTEST_ARGS ?=

# An activated virtualenv or (non-base) conda env is used as it is; otherwise .venv is created.
ACTIVE_ENV := $(or $(VIRTUAL_ENV),$(if $(filter-out base,$(CONDA_DEFAULT_ENV)),$(CONDA_PREFIX)))
ifeq ($(strip $(ACTIVE_ENV)),)
  ENV_DIR := .venv
  PY := .venv/bin/python
else
  ENV_DIR := $(ACTIVE_ENV)
  PY := python
endif
STAMP := $(ENV_DIR)/.war-coverage-analysis-installed
DEV_STAMP := $(ENV_DIR)/.war-coverage-analysis-dev-installed

.PHONY: install report test lint lab bench clean help

help:
	@sed -n '1,5p' Makefile

.venv/bin/python:
	$(PYTHON) -m venv .venv

$(STAMP): pyproject.toml $(if $(filter .venv,$(ENV_DIR)),.venv/bin/python)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,dask,notebooks]'
	@touch $(STAMP)

install: $(STAMP)

report: install
	$(PY) -m analysis run --corpus "$(CORPUS)" --output "$(OUTPUT)" --jobs $(JOBS)

test: install
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# ruff check only (the rule set is in pyproject.toml); the same check runs as a pre-commit hook.
$(DEV_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(DEV_STAMP)

lint: $(DEV_STAMP)
	$(PY) -m ruff check src tests benchmarks notebooks

lab: install
	$(PY) -m jupyter lab notebooks/

bench: install
	$(PY) benchmarks/run.py

clean:
	rm -rf reports/* data/processed/*.parquet data/processed/store-* .pytest_cache
	@touch reports/.gitkeep
