# Two commands on a fresh machine:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000

.PHONY: demo test install lint bench clean

$(BIN)/peiyu: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(BIN)/peiyu

install: $(BIN)/peiyu

## make demo [PORT=8000]: SQLite under ./var, reference data, policies, demo data, accounts printed, served
demo: install
	$(BIN)/peiyu demo --port $(PORT)

## make test: the whole suite (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL)
test: install
	$(BIN)/pytest -q

## make lint: what CI checks before the tests: ruff (lint and format), import-linter (ADR 0007), mypy
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf var/test.sqlite3 var/static
