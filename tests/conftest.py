"""Test session set-up: the hypothesis profile (see tests/profiles.py).

The default is the fixed, derandomised ``ci`` profile; the environment
variable ``MODCLUSTER_HYPOTHESIS_PROFILE`` names another one, and pytest's
``--hypothesis-profile`` option (loaded after this file) overrides both.
"""

from __future__ import annotations

import os

from hypothesis import settings

from tests.profiles import DEFAULT_PROFILE

settings.load_profile(os.environ.get("MODCLUSTER_HYPOTHESIS_PROFILE", DEFAULT_PROFILE))
