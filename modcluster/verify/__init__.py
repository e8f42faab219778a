"""The independent check of the solver: recompute every figure of a solution.

The solver turns a catalog and a request into a CP-SAT model, solves it, and
decodes the answer. This package takes the other road on purpose: it does not
import :mod:`modcluster.solver` or OR-Tools, and it recomputes every figure of
every candidate from the catalog, the request and the *choices* alone (hub,
each module's source, the organisation and offer of each step, the seed), with
exact :class:`~decimal.Decimal` arithmetic:

- eligibility (:mod:`~modcluster.verify.eligibility`): the hub develops the
  product family; offers exist, have the right type or a capability that is
  the step's or a taxonomy descendant of it, meet ``require`` and
  ``max_lot``; seeds likewise; every organisation taking part passes
  ``sites`` and ``exclude``; the request's ``hub`` and ``require`` are
  honoured; ``max_partners``, the budget and the deadline hold;
- a system's figures (:mod:`~modcluster.verify.evaluation`): the duration
  and cost of every task, the precedences with their handover gaps, links
  (matched or bridged), partners, onboarding, every cost term rounded
  half-up to 0.01 on its own, the cost breakdown and the cost;
- one candidate (:mod:`~modcluster.verify.candidate`): ``end - start`` is
  each task's duration, chains and handover gaps hold, no organisation runs
  more tasks at once than its capacity, and every reported figure is the
  recomputed one;
- the list (:mod:`~modcluster.verify.checks`): status against the
  candidates, ranks, the objective order, the proven prefix, and that
  candidates are pairwise *different* in the sense of the contract.

Reading the solution JSON is :mod:`~modcluster.verify.reading`; the choice
and figure types are :mod:`~modcluster.verify.figures`.

What it cannot see is whether a better system or schedule exists: that is the
solver's claim (``proven_optimal``); ``tests/bruteforce.py`` checks it on small
instances by exhaustive search.

:func:`verify_solution` returns the problems, one sentence each naming the
candidate and the place (``candidate 2, module housing step 1: ...``);
:func:`check_solution` raises :class:`~modcluster.errors.VerificationError`.
:func:`evaluate_system` gives the figures of one system, for tests and tools.

Plans (contract v1.1, :mod:`~modcluster.verify.plan`): :func:`verify_plan`
and :func:`check_plan` check each entry's system with the same functions, with
capacity shared across the entries, a hub-partner tie's onboarding paid once
(by the first entry that has the pair), release days, the deadline on the
plan's calendar, the totals, the plan's budget and the status.
"""

from modcluster.verify.candidate import system_problems
from modcluster.verify.checks import check_solution, objective_tuple, verify_solution
from modcluster.verify.configuration import (
    check_configuration,
    selection_problems,
    system_check,
    verify_configuration,
)
from modcluster.verify.evaluation import evaluate_system
from modcluster.verify.figures import (
    BuyChoice,
    Choices,
    CostTerm,
    LinkFigure,
    MakeChoice,
    ModuleSource,
    Precedence,
    SystemFigures,
    TaskFigure,
)
from modcluster.verify.plan import check_plan, onboarding_paid, verify_plan
from modcluster.verify.reading import choices_of

__all__ = [
    "BuyChoice",
    "Choices",
    "CostTerm",
    "LinkFigure",
    "MakeChoice",
    "ModuleSource",
    "Precedence",
    "SystemFigures",
    "TaskFigure",
    "check_configuration",
    "check_plan",
    "check_solution",
    "choices_of",
    "evaluate_system",
    "objective_tuple",
    "onboarding_paid",
    "selection_problems",
    "system_check",
    "system_problems",
    "verify_configuration",
    "verify_plan",
    "verify_solution",
]
