"""Test session set-up: the hypothesis profile (see tests/profiles.py).

The default is the fixed, derandomised ``ci`` profile; the environment
variable ``MODCLUSTER_HYPOTHESIS_PROFILE`` names another one, and pytest's
``--hypothesis-profile`` option (loaded after this file) overrides both.
"""

from __future__ import annotations

import os
import signal

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
