"""Peer formulations of the contract, written the way a competent user would write them by hand.

Both read the engine's eligible options (:func:`modcluster.solver.instance.prepare`:
taxonomy descent, requirements, filters, exact cents and days) so that any
difference comes from the model and the search, not from reading the contract.
Nothing in ``modcluster/`` imports this package.
"""

from benchmarks.peers.common import PeerResult

__all__ = ["PeerResult"]
