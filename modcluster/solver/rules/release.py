"""Rule: releases (MODEL.md v1.1, "Plans": an entry's tasks start on its ``release`` day or later).

A plan entry's ``release`` (default 0) is the first day any of its tasks
(steps, seed transfers, bought modules, integration) may start; its lead
time still counts from day 0. :func:`released` checks a start day;
:func:`post_release` is the rule in the model.
"""

from __future__ import annotations

from modcluster.solver.rules.variables import ModelParts

__all__ = ["post_release", "released"]


def released(start: int, release: int) -> bool:
    """Whether a task starting on ``start`` respects the entry's ``release``.

    >>> released(4, 5), released(5, 5)
    (False, True)
    """
    return start >= release


def post_release(parts: ModelParts, release: int) -> None:
    """Every task slot and the integration start on day ``release`` or later."""
    if release <= 0:
        return
    model = parts.model
    for mv in parts.modules:
        slots = [mv.buy, mv.seed, *mv.steps]
        for slot in slots:
            if slot is not None:
                model.add(slot.start >= release)
    assert parts.integration_start is not None
    model.add(parts.integration_start >= release)
