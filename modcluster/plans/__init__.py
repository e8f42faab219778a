"""Plans (contract v1.1): several products planned at once in one cluster, verified, and explained when impossible.

:func:`plan` is the front door; :func:`explain_plan` and
:func:`smallest_conflict` are the explanation of an impossible plan.
"""

from modcluster.plans.conflict import explain_plan, smallest_conflict
from modcluster.plans.planning import alone, alone_request, plan
from modcluster.plans.setup import PlanSetup, plan_setup

__all__ = ["PlanSetup", "alone", "alone_request", "explain_plan", "plan", "plan_setup", "smallest_conflict"]
