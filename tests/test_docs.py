"""Committed artefacts that are generated must match what the code generates now."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from modcluster.io import catalog_schema, request_schema

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("name", "make"), [("catalog", catalog_schema), ("request", request_schema)])
def test_committed_schema_is_current(name: str, make: object) -> None:
    committed = json.loads((ROOT / "docs" / "schema" / f"{name}.schema.json").read_text())
    assert callable(make)
    assert committed == make(), f"regenerate: modcluster schema {name} --out docs/schema/{name}.schema.json"


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
