"""Committed artefacts that are generated must match what the code generates now."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from modcluster.cli.schema import SCHEMAS
from modcluster.io import catalog_schema, plan_request_schema, request_schema
from modcluster.sweep import sweep_schema

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("catalog", catalog_schema),
        ("request", request_schema),
        ("plan-request", plan_request_schema),
        ("sweep", sweep_schema),
    ],
)
def test_committed_schema_is_current(name: str, make: object) -> None:
    committed = json.loads((ROOT / "docs" / "schema" / f"{name}.schema.json").read_text())
    assert callable(make)
    assert committed == make(), f"regenerate: modcluster schema {name} --out docs/schema/{name}.schema.json"


def test_every_schema_is_committed_and_documented() -> None:
    committed = sorted(path.name for path in (ROOT / "docs" / "schema").glob("*.schema.json"))
    assert committed == sorted(f"{name}.schema.json" for name in SCHEMAS)
    cli = (ROOT / "docs" / "cli.md").read_text()
    assert f"modcluster schema [{'|'.join(SCHEMAS)}]" in cli
    for name in SCHEMAS:
        assert f"docs/schema/{name}.schema.json" in cli, name


def test_bundled_catalogs_point_at_the_schema() -> None:
    for path in [ROOT / "catalogs" / "tama.yaml", *(ROOT / "catalogs" / "examples").glob("*.yaml")]:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target == (ROOT / "docs" / "schema" / "catalog.schema.json").resolve()


def test_console_examples_in_docs_are_what_the_commands_print() -> None:
    spec = importlib.util.spec_from_file_location("doc_examples", ROOT / "scripts" / "doc_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stale = [
        f"{path.name}: {cmd}" for path in sorted((ROOT / "docs").glob("*.md")) for cmd in module.update(path, False)
    ]
    assert stale == [], "run: python scripts/doc_examples.py"


def test_readme_library_example_runs_and_prints_what_it_says() -> None:
    import contextlib
    import io
    import re

    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    code = block.group(1)
    promised = re.search(r"print\(solution.status.*#\s*(.+)", code)
    assert promised is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.chdir(ROOT):
        exec(compile(code, "README.md", "exec"), {})  # the README's own example, run as a user would
    assert out.getvalue().splitlines()[0] == promised.group(1).strip()


RULES = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _rules_rows() -> list[list[str]]:
    rows = []
    for line in RULES.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith("| rule ") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_every_name_in_the_rules_table_resolves() -> None:
    """docs/rules.md: each dotted name imports, each fixture exists, and every rule has all three homes."""
    rows = _rules_rows()
    assert len(rows) >= 20, "the rules table was not found"
    for rule, _section, solver, verifier, golden in rows:
        for column, cell in (("solver", solver), ("verifier", verifier)):
            names = re.findall(r"`(modcluster\.[\w.]+)`", cell)
            assert names, f"{rule}: no {column} function named"
            for name in names:
                module_name, _, attribute = name.rpartition(".")
                module = importlib.import_module(module_name)
                assert hasattr(module, attribute), f"{rule}: {name} does not exist"
        assert "modcluster.solver" not in verifier, f"{rule}: the verifier's home must not be the solver's"
        fixtures = re.findall(r"`((?:(?:plans|configure)/)?\d\d_\w+)`", golden)
        assert fixtures, f"{rule}: no golden fixture"
        for fixture in fixtures:
            assert (GOLDEN / f"{fixture}.yaml").is_file(), f"{rule}: tests/golden/{fixture}.yaml is missing"


def test_every_golden_fixture_pins_some_rule() -> None:
    named = {f for row in _rules_rows() for f in re.findall(r"`((?:(?:plans|configure)/)?\d\d_\w+)`", row[4])}
    fixtures = [p.relative_to(GOLDEN).with_suffix("").as_posix() for p in GOLDEN.rglob("*.yaml")]
    unnamed = sorted(f for f in fixtures if f not in named)
    assert not unnamed, f"golden fixtures no rule in docs/rules.md names: {unnamed}"


def test_every_mutant_still_finds_its_text() -> None:
    """scripts/mutate.py (``make mutate``, not in CI): each deliberate bug's text is still in the code, once.

    A change that rewords a rule must move its mutant with it, or the mutation run stops at the start.
    """
    spec = importlib.util.spec_from_file_location("mutate", ROOT / "scripts" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate"] = module  # the dataclasses of the script resolve their module by name
    try:
        spec.loader.exec_module(module)
        assert module._problems(module.MUTANTS, ROOT) == []
    finally:
        del sys.modules["mutate"]
