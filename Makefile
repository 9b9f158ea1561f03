# The two commands of the README: `make run` (the studio on the embedded store) and `make test`.
DERMKG_CACHE ?= $(HOME)/.cache/dermkg
export DERMKG_CACHE
CACHE := $(DERMKG_CACHE)
VENV  := $(CACHE)/venv
BIN   := $(VENV)/bin

.PHONY: setup run test test-fast lint bench

setup:
	bash scripts/bootstrap.sh

run: setup
	$(BIN)/dermkg studio

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not neo4j and not labelstudio and not e2e and not train"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python benchmarks/kg_bench.py
