"""Options and markers of the benchmarks (``make bench``).

- ``-m bench_smoke``: the ``small`` preset with every objective on both money
  profiles, engine and peers: a quick check that CI can run (about half a minute
  with ``--benchmark-disable``, which runs each timed call once).
- ``--bench-large``: the ``large`` preset with every objective and profile;
  without it ``large`` runs only what it always ran (``cost``, ``tama``
  profile), since the other five take minutes each.
- ``--bench-peer-seconds``: the peers' time limit per solve (default 60).
- ``--bench-rounds``: rounds of each lever case (test_bench_levers.py; default 3),
  more for a comparison between two versions of the code.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("modcluster benchmarks")
    group.addoption(
        "--bench-large",
        action="store_true",
        help="also run the large preset with every objective and money profile (long)",
    )
    group.addoption(
        "--bench-peer-seconds",
        type=float,
        default=60.0,
        help="time limit of each peer solve, all its phases together (default 60)",
    )
    group.addoption(
        "--bench-rounds",
        type=int,
        default=3,
        help="rounds of each case of test_bench_levers.py (default 3; more to compare two versions of the code)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bench_smoke: the small preset, every objective and profile (CI smoke run)")
    config.addinivalue_line("markers", "bench_large: long cases (large preset, medium with people): --bench-large")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--bench-large"):
        return
    dropped = [item for item in items if item.get_closest_marker("bench_large") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item.get_closest_marker("bench_large") is None]


@pytest.fixture(scope="session")
def peer_seconds(pytestconfig: pytest.Config) -> float:
    """The peers' time limit per solve (``--bench-peer-seconds``)."""
    seconds: float = pytestconfig.getoption("--bench-peer-seconds")
    return seconds


@pytest.fixture(scope="session")
def bench_rounds(pytestconfig: pytest.Config) -> int:
    """Rounds of each lever case (``--bench-rounds``)."""
    rounds: int = pytestconfig.getoption("--bench-rounds")
    return max(1, rounds)
