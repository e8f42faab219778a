"""The regression corpus: stored instances whose status and optimum must not change.

``tests/regression/<name>/`` holds a complete request and ``expected.json``
(status, and each candidate's rank, cost, lead time and proof flag), solved
with the engine's defaults when the corpus was last refreshed. Any difference,
e.g. after an ortools upgrade, fails here. After an intentional change,
refresh with ``scripts/regression_corpus.py`` and review the diff (see
docs/reliability.md).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regression_corpus", ROOT / "scripts" / "regression_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("regression_corpus", module)
    spec.loader.exec_module(module)
    return module


corpus = _corpus_module()
FOLDERS = corpus.instances()


def test_the_corpus_is_complete() -> None:
    names = {folder.name for folder in FOLDERS}
    assert names == {instance.name for instance in corpus.INSTANCES}
    assert 10 <= len(names) <= 25
    statuses = {json.loads((f / "expected.json").read_text())["status"] for f in FOLDERS}
    assert statuses == {"optimal", "infeasible"}


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_regression_instance(folder: Path) -> None:
    assert corpus.check(folder) == []


def test_a_changed_answer_is_caught(tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    folder.mkdir()
    source = corpus.CORPUS / "mini"
    (folder / "request.yaml").write_text((source / "request.yaml").read_text())
    stored = json.loads((source / "expected.json").read_text())
    stored["candidates"][0]["cost"] = "6409.99"
    (folder / "expected.json").write_text(json.dumps(stored))
    problems = corpus.check(folder)
    assert len(problems) == 1 and "6409.99" in problems[0] and "6410.00" in problems[0]
