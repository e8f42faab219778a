# Set-up and everyday commands. Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow bench bench-smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: solve the bundled TAMA catalog (every product's default request) and print ranked candidates
run: $(STAMP)
	$(BIN)/modcluster solve catalogs/tama.yaml

## test: lint, type-check and the default test suite (what CI runs)
test: $(STAMP)
	$(BIN)/ruff check modcluster tests benchmarks scripts
	$(BIN)/ruff format --check modcluster tests benchmarks scripts
	$(BIN)/mypy  # the package, tests, benchmarks and scripts ([tool.mypy] files)
	$(BIN)/python -m pytest

## test-slow: the long runs: every property and fuzz test under the `slow` hypothesis profile (new random
## examples, many more of them: tests/profiles.py), and the tests marked slow
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m 'slow or hypothesis' --hypothesis-profile=slow

## bench: the benchmarks (pytest-benchmark)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,peers]'
	$(BIN)/python -m pytest benchmarks -m benchmark -p no:doctest --override-ini addopts=

## bench-smoke: the small preset with every objective and money profile, engine and peers, each call once (CI)
bench-smoke: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,peers]'
	$(BIN)/python -m pytest benchmarks -m bench_smoke -p no:doctest --override-ini addopts= --benchmark-disable

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
