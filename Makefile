# Set-up and everyday commands. Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow test-sample mutate bench bench-smoke clean

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

## test-sample: a sample of the slow tests, about seven minutes on 2 cores, none asserting wall-clock time (CI):
## the speed-ups against the plain model on six larger clusters, twenty processes giving byte-identical JSON,
## the command-line flag fuzzer under the fixed profile, a sweep killed half-way, plans on a real Dask cluster,
## the season plan's bytes across processes, a time limit on the large preset, the HTML report of every
## bundled product, the catalog fuzzer, plans against brute force under lead_time and weighted, and the
## plan report and the web configurator in a real browser, and the longest command-line tests of sweeps,
## reports and plan verification
SAMPLE := \
	'tests/test_generate.py::test_speedups_agree_with_the_plain_model_long[100]' \
	'tests/test_generate.py::test_speedups_agree_with_the_plain_model_long[101]' \
	'tests/test_generate.py::test_speedups_agree_with_the_plain_model_long[102]' \
	'tests/test_generate.py::test_speedups_agree_with_the_plain_model_long[103]' \
	'tests/test_generate.py::test_speedups_agree_with_the_plain_model_long[104]' \
	'tests/test_generate.py::test_speedups_agree_with_the_plain_model_long[105]' \
	tests/test_limits.py::test_twenty_processes_give_byte_identical_json \
	'tests/test_limits.py::test_a_time_limit_stops_the_search_for_very_many_candidates[large]' \
	tests/test_sweep.py::test_sweep_killed_half_way_and_rerun_completes_without_solving_twice \
	tests/test_sweep_plans.py::test_dask_local_cluster_gives_the_same_plans_as_the_local_pool \
	tests/test_plan_golden.py::test_the_season_is_the_same_bytes_in_two_processes \
	tests/test_report.py \
	tests/test_fuzz.py::test_fuzz_refused_or_verified \
	tests/test_plan_property.py::test_plan_matches_brute_force \
	tests/test_plan_report.py::test_plan_report_opens_in_headless_chromium \
	tests/test_web_browser.py \
	tests/test_outputs.py::test_sweep_workers_die_when_the_sweep_is_killed \
	tests/test_verify_plan.py::test_verify_command_on_plan_files \
	tests/test_sweep_plans.py::test_cli_writes_lines_and_a_table_resumes_and_retries_failed \
	tests/test_sweep.py::test_dask_local_cluster_gives_the_same_results_as_the_local_pool \
	tests/test_cli.py::test_same_json_across_processes_with_different_hash_seeds \
	tests/test_policies_faces.py::test_the_report_command_shows_the_levers_within_its_time \
	tests/test_plan_report.py::test_plan_command_writes_html_and_png \
	tests/test_fuzz_flags.py
test-sample: $(STAMP)
	$(BIN)/python -m pytest -m slow -p no:cacheprovider $(SAMPLE)

## mutate: apply deliberate bugs to the solver and the verifier, one at a time in a copy, and check that the
## tests catch each (scripts/mutate.py; a table, exit 1 if one survives; about five minutes on 2 cores)
mutate: $(STAMP)
	$(BIN)/python scripts/mutate.py

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
