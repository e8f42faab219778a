"""Rule: interfaces and bridges (MODEL.md, "Interfaces (the loose part)").

A module's variant for an interface kind is the selling organisation's
``variants`` entry when bought, the hub's ``house_variants`` entry when made
(:func:`module_variant`). A link is matched when both ends have a variant
and the two are equal (:func:`link_matched`); a mismatched link costs the hub
``bridge_cost * bridging`` and adds ``ceil(bridge_days * bridging)``
integration days, bridges adding up (:func:`bridge_figures`). Nothing is
refused for a mismatch. :func:`post_interfaces` is the rule in the model.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.domain import Interface, ceil_decimal, exact, to_cents
from modcluster.solver.deadline import check_time
from modcluster.solver.rules.variables import ModelParts, linear_sum

if TYPE_CHECKING:
    from modcluster.solver.instance import HubOption, Option

__all__ = ["bridge_figures", "link_matched", "module_variant", "post_interfaces"]


def module_variant(bought: Option | None, hub: HubOption, kind: str) -> str | None:
    """A module's variant for ``kind``: the bought offer's (``bought``), else the hub's house variant."""
    return bought.variant(kind) if bought is not None else hub.house(kind)


def link_matched(a: str | None, b: str | None) -> bool:
    """Whether a link whose ends carry variants ``a`` and ``b`` is matched: both present and equal.

    >>> link_matched("V1", "V1"), link_matched("V1", "V2"), link_matched(None, None)
    (True, False, False)
    """
    return a is not None and a == b


def bridge_figures(interface: Interface, bridging: Decimal) -> tuple[int, int]:
    """A mismatched link's bridge under a hub of ``bridging``: (cents, days), each rounded as one term."""
    with localcontext(exact()):
        return to_cents(interface.bridge_cost * bridging), ceil_decimal(interface.bridge_days * bridging)


def _variant_terms(parts: ModelParts, index: int, kind: str) -> dict[str, list[cp_model.LinearExprT]]:
    """Per variant value: the literals under which module ``index`` carries it for ``kind``."""
    mv, plan = parts.modules[index], parts.inst.modules[index]
    terms: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    if mv.buy is not None:
        for option, lit in zip(mv.buy.options, mv.buy.lits, strict=True):
            value = option.variant(kind)
            if value is not None:
                terms[value].append(lit)
    if mv.make is not None:
        house: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for h in parts.inst.hubs:
            value = h.house(kind)
            if value is not None:
                house[value].append(parts.hub_option[h.key])
        for value, hubs in house.items():
            terms[value].append(parts.both(f"house:{plan.module.id}:{kind}={value}", mv.make, linear_sum(hubs)))
    return terms


def post_interfaces(parts: ModelParts) -> None:
    """Whether each link matches (``parts.matched``), and its bridge's cost and days under each hub."""
    model = parts.model
    for link in parts.inst.links:
        check_time()
        ends_a, ends_b = _variant_terms(parts, link.a, link.kind), _variant_terms(parts, link.b, link.kind)
        pairs = [
            parts.both(f"match:{link.index}={value}", linear_sum(ends_a[value]), linear_sum(ends_b[value]))
            for value in sorted(set(ends_a) & set(ends_b))
        ]
        match = linear_sum(pairs)
        parts.matched.append(match)
        for h in parts.inst.hubs:
            cents, days = link.bridge_cents[h.key], link.bridge_days[h.key]
            if cents == 0 and days == 0:
                continue
            bridge = model.new_bool_var(f"bridge:{link.index}@{h.key}")
            model.add(bridge >= parts.hub_option[h.key] - match)
            model.add(bridge <= parts.hub_option[h.key])
            model.add(bridge <= 1 - match)
            parts.add_cost("integration", h.org, cents, bridge)
            parts.integration_days.append(days * bridge)
