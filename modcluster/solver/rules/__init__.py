"""The rules of the contract (MODEL.md), each in one named home, used by the model, the hints, settling and pruning.

One module per rule family; each holds the rule's arithmetic on plain
integers (what the hints, settling, the bounds and pruning compute with) and
its ``post_*`` function (what :func:`~modcluster.solver.compile.compile_model`
adds to the CP-SAT model), side by side, so a rule is read and changed in
one place. ``docs/rules.md`` maps every rule to its function here, to the
verifier's independent one, and to the golden fixtures that pin it.

========================  =====================================================
family                    module
========================  =====================================================
hub, sources, integration :mod:`~modcluster.solver.rules.sources`
durations and costs       :mod:`~modcluster.solver.rules.tasks`
handover precedences      :mod:`~modcluster.solver.rules.handover`
capacity                  :mod:`~modcluster.solver.rules.capacity`
partners and onboarding   :mod:`~modcluster.solver.rules.onboarding`
interfaces and bridges    :mod:`~modcluster.solver.rules.interfaces`
limits and filters        :mod:`~modcluster.solver.rules.limits`
distinctness              :mod:`~modcluster.solver.rules.distinct`
objective and tie-breaks  :mod:`modcluster.solver.objective`
========================  =====================================================
"""

from modcluster.solver.rules.capacity import over_capacity, takes_capacity
from modcluster.solver.rules.distinct import Signature, candidate_signature, module_class, signature, source_class
from modcluster.solver.rules.handover import chain_schedule, handover_days, least_handover
from modcluster.solver.rules.interfaces import bridge_figures, link_matched, module_variant
from modcluster.solver.rules.limits import budget_cents, meets_limits, org_allowed
from modcluster.solver.rules.onboarding import onboarding_fees, onboarding_total, partners_of
from modcluster.solver.rules.tasks import lot_cents, money_cents, task_days

__all__ = [
    "Signature",
    "bridge_figures",
    "budget_cents",
    "candidate_signature",
    "chain_schedule",
    "handover_days",
    "least_handover",
    "link_matched",
    "lot_cents",
    "meets_limits",
    "module_class",
    "module_variant",
    "money_cents",
    "onboarding_fees",
    "onboarding_total",
    "org_allowed",
    "over_capacity",
    "partners_of",
    "signature",
    "source_class",
    "takes_capacity",
    "task_days",
]
