"""Rule: when two candidates are different (MODEL.md, "Objective and candidates").

Two systems are the same candidate when they have the same hub and, per
module, the same route (make or buy) and organisation for the bought module,
each step and the seed (which seed of which organisation); which offer of an
organisation serves a step, and the schedule, do not count. The class of a
system is its :func:`signature`, built from :func:`source_class` per module,
for the hints' and settling's systems and for decoded candidates alike;
:func:`signature_literals` is the same class in the model, the literals a
no-good excludes once a candidate is taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.domain import Candidate
from modcluster.solver.rules.people import hub_key

if TYPE_CHECKING:
    from modcluster.solver.hint import GreedyModule
    from modcluster.solver.rules.variables import ModuleVars

__all__ = ["Signature", "candidate_signature", "module_class", "signature", "signature_literals", "source_class"]

Signature = tuple[object, ...]
"""A candidate class: ``(hub, (source class per module, in product order))``."""


def source_class(bought_from: str | None, step_orgs: Iterable[str] = (), seed: tuple[str, str] | None = None) -> object:
    """What of a module's source makes candidates different: the seller, or the step organisations and seed.

    >>> source_class("a"), source_class(None, ["b", "b"], ("lab", "s1"))
    (('buy', 'a'), ('make', ('b', 'b'), ('lab', 's1')))
    """
    if bought_from is not None:
        return ("buy", bought_from)
    return ("make", tuple(step_orgs), seed)


def signature(hub: str, classes: Iterable[object]) -> Signature:
    """The candidate class of a system: its hub and each module's :func:`source_class`."""
    return (hub, tuple(classes))


def module_class(gm: GreedyModule) -> object:
    """The :func:`source_class` of a chosen source of the solver's own systems (hints, settling)."""
    if gm.buy is not None:
        return source_class(gm.buy.org)
    seed = (gm.seed.org, gm.seed.offer) if gm.seed is not None else None
    return source_class(None, (o.org for o in gm.steps), seed)


def candidate_signature(cand: Candidate) -> Signature:
    """The class of a decoded candidate, in the form of the solver's systems' (comparable with them)."""
    classes = []
    for m in cand.modules:
        if m.source == "buy":
            classes.append(source_class(m.organization))
        else:
            seed = None if m.seed is None else (m.seed.organization, m.seed.seed)
            classes.append(source_class(None, (s.organization for s in m.steps), seed))
    return signature(hub_key(cand.hub, cand.person), classes)


def signature_literals(
    hub: dict[str, cp_model.IntVar], modules: Sequence[ModuleVars], solver: cp_model.CpSolver
) -> list[cp_model.IntVar]:
    """Literals true in the solver's solution that define its candidate class (what a no-good negates)."""
    lits = [v for v in hub.values() if solver.boolean_value(v)]
    for mv in modules:
        if mv.make is not None and solver.boolean_value(mv.make):
            for slot in [*mv.steps, *([mv.seed] if mv.seed else [])]:
                lits.extend(v for v in slot.org_lits.values() if solver.boolean_value(v))
                if slot is mv.seed:
                    lits.extend(v for v in slot.lits if solver.boolean_value(v))
        elif mv.buy is not None:
            lits.extend(v for v in mv.buy.org_lits.values() if solver.boolean_value(v))
    return lits
