# Two commands on a fresh machine: `make demo` and `make test`. Everything else is theirs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint system-deps bench bench-trust bench-insights bench-attacks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/goodwill demo

system-deps:
	bash scripts/install-system-deps

lint: setup
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/ruff format --check src tests bench fuzz
	$(BIN)/mypy

test: setup system-deps lint
	$(BIN)/python -m pytest

bench: setup bench-trust bench-insights bench-attacks
	$(BIN)/python bench/ingest.py

bench-trust: setup
	$(BIN)/python bench/trust_quality.py

bench-insights: setup
	$(BIN)/python bench/insights_quality.py

bench-attacks: setup
	$(BIN)/python bench/attacks.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
