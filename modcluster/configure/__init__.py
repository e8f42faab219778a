"""Interactive configuration (contract v1.1): fix choices, see at once what remains and what each option costs.

:class:`Configurator` is the front door: ``select``, ``rule_out`` and
``undo`` give new configurators; ``options()`` the verified decision table;
``why()`` the smallest set of selections and limits that excludes a value.
"""

from modcluster.configure.configurator import Configurator
from modcluster.configure.memory import Memory, Settled, Witness
from modcluster.configure.table import decision_table
from modcluster.configure.why import Blame, smallest_excluding

__all__ = ["Blame", "Configurator", "Memory", "Settled", "Witness", "decision_table", "smallest_excluding"]
