# The two commands of the README: `make run` (the studio on the embedded store) and `make test`.
DERMKG_CACHE ?= $(HOME)/.cache/dermkg
export DERMKG_CACHE
CACHE := $(DERMKG_CACHE)
VENV  := $(CACHE)/venv
BIN   := $(VENV)/bin

.PHONY: setup setup-studio run test test-fast lint bench

setup:
	bash scripts/bootstrap.sh

# The studio alone needs only the package's own dependencies (no torch, Label Studio, browser or
# test tools): `make run` installs those; `make test` adds the rest. `make run PORT=8600`.
setup-studio:
	bash scripts/bootstrap.sh studio

run: setup-studio
	$(BIN)/dermkg studio $(if $(PORT),--port $(PORT))

test: setup
	$(BIN)/python -m pytest

# No service, no browser, no model, no torch, no OCR: under 3 minutes (tests/conftest.py fails a test
# that loads torch without the `torch` marker, so this stays light).
FAST := not neo4j and not labelstudio and not e2e and not train and not llm and not torch and not ocr and not slow
test-fast: setup
	$(BIN)/python -m pytest -m "$(FAST)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python benchmarks/kg_bench.py
