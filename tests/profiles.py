"""Hypothesis profiles: a fixed, reproducible default run and a long, exploring ``slow`` run.

- ``ci`` (loaded by ``tests/conftest.py`` unless told otherwise): the same
  examples on every run and every machine (``derandomize=True``, no example
  database), no deadline, so a red run is red again on the next try and on
  another machine, whatever the load.
- ``slow`` (``make test-slow``, or ``--hypothesis-profile=slow``, or
  ``MODCLUSTER_HYPOTHESIS_PROFILE=slow``): new random examples on each run,
  many more of them (:data:`SLOW_FACTOR` times the default count unless a test
  names its own), failures kept in ``.hypothesis/`` and printed with a
  ``@reproduce_failure`` blob.

Property tests take their count from :func:`examples`, never a fixed number,
so that the profile decides how long they look.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["DEFAULT_PROFILE", "SLOW_FACTOR", "SLOW_PROFILE", "examples"]

DEFAULT_PROFILE = "ci"
SLOW_PROFILE = "slow"
#: How many times more examples a property gets under the slow profile.
SLOW_FACTOR = 20

settings.register_profile(
    DEFAULT_PROFILE,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    max_examples=100,
    # The only health check that depends on the machine's speed, not on the strategy.
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    SLOW_PROFILE,
    derandomize=False,
    deadline=None,
    print_blob=True,
    max_examples=100 * SLOW_FACTOR,
    suppress_health_check=[HealthCheck.too_slow],
)


def examples(default: int, slow: int | None = None) -> int:
    """Return the number of examples of a property under the loaded profile.

    ``default`` in the default run; under the slow profile ``slow``, or
    :data:`SLOW_FACTOR` times ``default``. Read when the test module is
    imported, after pytest has loaded the profile.
    """
    if settings.get_current_profile_name() == SLOW_PROFILE:
        return slow if slow is not None else default * SLOW_FACTOR
    return default
