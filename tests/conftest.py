"""Test session set-up: the hypothesis profile (see tests/profiles.py), and the ``golden`` fixture.

The default is the fixed, derandomised ``ci`` profile; the environment
variable ``MODCLUSTER_HYPOTHESIS_PROFILE`` names another one, and pytest's
``--hypothesis-profile`` option (loaded after this file) overrides both.

Golden files (snapshots of an output, e.g. ``tests/golden/terminal/``) are
checked through the ``golden`` fixture: the text must equal the file, byte
for byte; with ``MODCLUSTER_REGEN_GOLDEN=1`` the file is rewritten from the
code instead (then read the change before committing it).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from tests.profiles import DEFAULT_PROFILE

settings.load_profile(os.environ.get("MODCLUSTER_HYPOTHESIS_PROFILE", DEFAULT_PROFILE))


def pytest_configure(config: object) -> None:
    """Give Ctrl-C back to the processes the tests start, when the suite itself was started with it ignored.

    A shell without job control starts a background job (``make test &``) with SIGINT ignored, and an
    ignored signal stays ignored in every child: the tests that press Ctrl-C on a child would then
    test nothing but that. Python's own handler here makes the children start with the default.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # Text output fits COLUMNS when it is set (docs/cli.md, "Terminal output"): a developer's exported
    # COLUMNS must not wrap what the tests read. The tests of the width set it themselves.
    os.environ.pop("COLUMNS", None)


#: The environment variable that makes the ``golden`` fixture rewrite golden files instead of comparing.
REGEN_GOLDEN = "MODCLUSTER_REGEN_GOLDEN"


def check_golden(path: Path, text: str) -> None:
    """``text`` must equal the golden file ``path`` (rewritten instead with ``MODCLUSTER_REGEN_GOLDEN=1``)."""
    if os.environ.get(REGEN_GOLDEN) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with {REGEN_GOLDEN}=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs: {REGEN_GOLDEN}=1 rewrites it"


@pytest.fixture
def golden() -> Callable[[Path, str], None]:
    """``check(path, text)``: compare ``text`` with a golden file, strictly (see :func:`check_golden`)."""
    return check_golden
