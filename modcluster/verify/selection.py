"""A selection's rule in the verifier: which decisions a reported system takes, and whether a selection allows it.

The solver's counterpart is :func:`modcluster.solver.selection.restrict`; the
names of decisions and values are the contract's (MODEL.md v1.1,
"Configuration"), read off the reported choices here without the solver.
"""

from __future__ import annotations

from collections.abc import Mapping

from modcluster.verify.figures import BuyChoice, MakeChoice
from modcluster.verify.reading import Reported

__all__ = ["reported_decisions", "selection_problems"]


def reported_decisions(rep: Reported) -> dict[str, str]:
    """The decisions a reported system takes (steps and seed only for made modules)."""
    values: dict[str, str] = {}
    if rep.hub is not None:
        values["hub"] = rep.hub
    if rep.person_listed:  # v1.1: the catalog has people
        values["person"] = rep.person or "none"
    for module, source in rep.sources.items():
        if isinstance(source, BuyChoice):
            values[f"modules.{module}.source"] = f"buy:{source.organization}"
        elif isinstance(source, MakeChoice):
            values[f"modules.{module}.source"] = "make"
            for n, (org, _offer) in enumerate(source.steps, start=1):
                values[f"modules.{module}.steps.{n}"] = org
            if source.seed is not None:
                values[f"modules.{module}.seed"] = f"{source.seed[0]}/{source.seed[1]}"
    return values


def selection_problems(
    values: Mapping[str, str],
    chosen: Mapping[str, str],
    ruled: set[tuple[str, str]],
    value: tuple[str, str] | None = None,
) -> list[str]:
    """Why a system taking ``values`` is not allowed by the selection, or does not take ``value``."""
    problems = [f"does not take the chosen {d}={v}" for d, v in chosen.items() if values.get(d) != v]
    problems += [f"takes the ruled-out {d}={v}" for d, v in sorted(ruled) if values.get(d) == v]
    if value is not None and values.get(value[0]) != value[1]:
        problems.append(f"does not take {value[0]}={value[1]} (takes {values.get(value[0])!r})")
    return problems
