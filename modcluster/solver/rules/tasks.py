"""Rule: task durations and costs (MODEL.md, "Tasks, durations and the schedule").

A make step or a bought module lasts ``setup_days + ceil(quantity /
units_per_day)`` and costs ``setup_cost + unit_cost * quantity``, rounded
half-up to the cent as one term; a seed's transfer lasts ``transfer_days``
and costs its ``license_fee``. :func:`task_days` and :func:`lot_cents` are
the only places these sums are computed in the solver (prepare turns every
offer into an :class:`~modcluster.solver.instance.Option` with them);
:func:`post_task_slot` is the same rule in the CP-SAT model: one task slot,
one option literal per eligible offer, its duration and its cost term.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.domain import ModuleOffer, ProcessOffer, ceil_decimal, exact, to_cents
from modcluster.solver.rules.capacity import task_interval
from modcluster.solver.rules.variables import ModelParts, SlotVars, linear_sum

if TYPE_CHECKING:
    from modcluster.solver.instance import Option

__all__ = ["lot_cents", "money_cents", "post_task_slot", "task_days"]


def task_days(setup_days: int, units_per_day: Decimal | None, quantity: int) -> int:
    """Duration of a step or bought module: ``setup_days + ceil(quantity / units_per_day)``.

    >>> task_days(3, Decimal(40), 200), task_days(3, None, 200), task_days(0, Decimal("0.7"), 7)
    (8, 3, 10)
    """
    if units_per_day is None:
        return setup_days
    with localcontext(exact()):
        return setup_days + ceil_decimal(Decimal(quantity) / units_per_day)


def lot_cents(offer: ProcessOffer | ModuleOffer, quantity: int) -> int:
    """Cost in cents of one lot of a step or bought module: ``setup_cost + unit_cost * quantity``, one term.

    >>> from modcluster.domain.catalog import ProcessOffer
    >>> lot_cents(ProcessOffer.model_validate({"capability": "c", "setup_cost": 1.25, "unit_cost": 0.5}), 3)
    275
    """
    with localcontext(exact()):
        return to_cents(offer.setup_cost + offer.unit_cost * quantity)


def money_cents(amount: Decimal) -> int:
    """One money term (a licence fee, a design fee) in cents, rounded half-up.

    >>> money_cents(Decimal("12.345"))
    1235
    """
    with localcontext(exact()):
        return to_cents(amount)


def post_task_slot(parts: ModelParts, name: str, options: tuple[Option, ...], kind: str) -> SlotVars:
    """One task slot in the model: an option literal per eligible offer, its start, end and cost term.

    ``kind`` is the slot's kind of cost term (``steps``, ``modules`` or
    ``licences``), what a policy reads (:mod:`~modcluster.solver.rules.policies`).

    ``end = start + sum(days * option)``; each option adds ``cents * option``
    to the cost and, when it lasts a day or more, an optional interval at its
    organisation for :func:`~modcluster.solver.rules.capacity.post_capacity`.
    Options of one organisation share an organisation literal (what makes
    candidates different, :mod:`~modcluster.solver.rules.distinct`).
    """
    model, horizon = parts.model, parts.horizon
    lits = [model.new_bool_var(f"{name}:{o.org}/{o.offer}") for o in options]
    by_org: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for option, lit in zip(options, lits, strict=True):
        by_org[option.org].append(lit)
    org_lits: dict[str, cp_model.IntVar] = {}
    for org, group in by_org.items():
        if len(group) == 1:
            org_lits[org] = group[0]
        else:
            lit = model.new_bool_var(f"{name}@{org}")
            model.add(lit == linear_sum(group))
            org_lits[org] = lit
    start = model.new_int_var(0, horizon, f"{name}.start")
    end = model.new_int_var(0, horizon, f"{name}.end")
    model.add(end == start + linear_sum([o.days * lit for o, lit in zip(options, lits, strict=True)]))
    slot = SlotVars(options, lits, org_lits, start, end)
    for option, lit in zip(options, slot.lits, strict=True):
        parts.add_cost(kind, option.org, option.cents, lit)
        task_interval(parts, slot, option, lit, name)
    for org, lit in slot.org_lits.items():
        parts.org_tasks[org].append(lit)
    return slot
