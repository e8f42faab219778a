"""Terminal tables for the analyses: explain, pareto, resilience, gaps, intermediaries, people, policies, compare."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from modcluster.report.text import format_money, table

if TYPE_CHECKING:  # the results are only read here: importing the analyses would load the solver
    from modcluster.analysis import (
        AdditionSet,
        CityWork,
        ClusterGaps,
        Comparison,
        Diagnosis,
        IntermediaryValue,
        ParetoFront,
        PeopleValue,
        PersonEffect,
        PolicyEffect,
        PolicyValue,
        ProductSets,
        Resilience,
    )
    from modcluster.domain import Policy

__all__ = [
    "describe_policy",
    "person_effect_cells",
    "render_comparison",
    "render_critical",
    "render_diagnosis",
    "render_gaps",
    "render_intermediary_value",
    "render_pareto",
    "render_people_value",
    "render_policy_value",
    "render_resilience",
    "system_cost_cell",
]


def _signed(value: object) -> str:
    if value is None:
        return "-"
    text = format_money(value) if not isinstance(value, int) else str(value)  # type: ignore[arg-type]
    return text if text.startswith("-") else "+" + text


def render_diagnosis(d: Diagnosis) -> str:
    """Gaps with near misses, the minimal conflict, and the least relaxations."""
    out = [f"{d.product}: {d.summary}"]
    for gap in d.gaps:
        out.append(f"  - {gap.place}: {gap.requirement}: {gap.reason}")
        out += [f"      {miss}" for miss in gap.near_misses]
    if d.conflict:
        proof = "minimal" if d.conflict_minimal else "not proven minimal (time limit)"
        out.append(f"  conflicting rules ({proof}): {'; '.join(d.conflict)}")
        out.append("  dropping any one of them admits a system" if d.conflict_minimal else "")
    if d.relaxations:
        out.append("  least values that work with every other rule:")
        rows = []
        for r in d.relaxations:
            current = "-" if r.current is None else str(r.current)
            if r.least is None and r.status == "unknown":
                rows.append([r.limit, current, "unknown", "not decided within the time limit"])
                continue
            if r.least is None:
                rows.append([r.limit, current, "no value", "the other rules admit no system"])
                continue
            least = format_money(r.least) if r.limit == "budget" else str(r.least)  # type: ignore[arg-type]
            c = r.candidate
            assert c is not None
            achieved = f"hub {c.hub}, cost {format_money(c.cost)}, {c.lead_time} days, {len(c.partners)} partners"
            rows.append([r.limit, current, least + ("" if r.proven else " (not proven)"), achieved])
        out += ["    " + line for line in table(rows, ["limit", "now", "least", "achieved by"], indent=4)]
    if d.placement_status == "found" and d.placement is not None:
        p = d.placement
        out.append(
            f"  allowing placements (people: true) gives a system: {p.person} leading at {p.hub}, "
            f"cost {format_money(p.cost)}, {p.lead_time} days"
        )
    elif d.placement_status == "none":
        out.append("  allowing placements (people: true) gives no system either")
    elif d.placement_status == "unknown":
        out.append("  whether allowing placements (people: true) gives a system: unknown (time limit)")
    if d.subsidised_status == "found" and d.subsidised is not None:
        s = d.subsidised
        refunds = ", ".join(f"{policy} {format_money(amount)}" for policy, amount in d.refunds) or "none"
        out.append(
            f"  applying the policies (policies: true) gives a system: hub {s.hub}, "
            f"cost {format_money(s.cost)} net, {s.lead_time} days; refunded by {refunds}"
        )
    elif d.subsidised_status == "none":
        out.append("  applying the policies (policies: true) gives no system either")
    elif d.subsidised_status == "unknown":
        out.append("  whether applying the policies (policies: true) gives a system: unknown (time limit)")
    return "\n".join(line for line in out if line != "")


def render_pareto(front: ParetoFront) -> str:
    """The front as a table, cheapest first."""
    head = f"{front.product}: Pareto front of {' / '.join(front.objectives)}"
    head += "" if front.complete else " (incomplete: time limit)"
    rows = [
        [str(i), format_money(p.cost), str(p.lead_time), str(p.partners), p.candidate.hub]
        for i, p in enumerate(front.points, start=1)
    ]
    lines = table(rows, ["#", "cost", "lead time", "partners", "hub"], indent=2)
    return "\n".join([head, *("  " + line for line in lines)])


def render_resilience(res: Resilience) -> str:
    """Each participant dropping out: replacement deltas or single point of failure."""
    c = res.candidate
    out = [f"{res.product}: candidate with hub {c.hub}, cost {format_money(c.cost)}, {c.lead_time} days"]
    rows = []
    for d in res.dropouts:
        if d.single_point_of_failure:
            rows.append([d.organization, d.role, "SINGLE POINT OF FAILURE", "", ""])
        elif d.replacement is None:
            rows.append([d.organization, d.role, "undecided (time limit)", "", ""])
        else:
            rows.append([d.organization, d.role, f"hub {d.replacement.hub}", _signed(d.cost_delta),
                         _signed(d.lead_time_delta)])  # fmt: skip
    out += ["  " + line for line in table(rows, ["drops out", "role", "best replacement", "cost", "days"], indent=2)]
    return "\n".join(out)


def render_critical(critical: dict[str, list[str]]) -> str:
    """Organisations whose loss makes some product impossible."""
    if not critical:
        return "no single organisation's loss makes any product impossible under its default request"
    rows = [[org, ", ".join(products)] for org, products in critical.items()]
    return "\n".join(["organisations whose loss makes a product impossible:",
                      *("  " + line for line in table(rows, ["organisation", "products"], indent=2))])  # fmt: skip


_UNPROVEN = " (not proven minimal: a smaller set inside it was undecided)"


def _alternatives(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _additions(count: int) -> str:
    return f"{count} addition" + ("" if count == 1 else "s")


def _set_lines(sets: Sequence[AdditionSet]) -> list[str]:
    """Sets of one size; those that differ only in where each addition sits are written once, with the hosts.

    Sets with the same additions are merged when they are every combination
    of their hosts (``+`` joins the additions of a set).
    """
    groups: dict[tuple[str, ...], list[AdditionSet]] = {}
    for found in sets:
        groups.setdefault(tuple(p.piece for p in found.proposals), []).append(found)
    lines = []
    for pieces, members in groups.items():
        hosts = [list(dict.fromkeys(m.proposals[i].where for m in members)) for i in range(len(pieces))]
        if len(set(pieces)) == len(pieces) and math.prod(len(h) for h in hosts) == len(members):
            text = "\n    + ".join(f"{piece} at {_alternatives(h)}" for piece, h in zip(pieces, hosts, strict=True))
            unproven = not all(m.proven_minimal for m in members)
            lines.append("    " + text + (_UNPROVEN if unproven else ""))
        else:
            lines += ["    " + m.text + ("" if m.proven_minimal else _UNPROVEN) for m in members]
    return lines


def _product_set_lines(search: ProductSets) -> list[str]:
    """One product's minimal sets, by size, and what the search could not decide."""
    out: list[str] = []
    if search.status == "none":
        return [f"  {search.product}: no set of up to {_additions(search.max_size)} makes it buildable"]
    by_size: dict[int, list[AdditionSet]] = {}
    for found in search.sets:
        by_size.setdefault(found.size, []).append(found)
    for size, sets in sorted(by_size.items()):
        count = f"{len(sets)} set" + ("s" if len(sets) != 1 else "")
        label = "smallest" if size == min(by_size) else "also minimal"
        out.append(f"  {search.product}: {label}: {_additions(size)} ({count}):")
        out += _set_lines(sets)
    if not search.complete:
        undecided = f"; {len(search.undecided)} set(s) undecided" if search.undecided else ""
        decided = (f"every set of up to {_additions(search.decided_up_to)} decided"
                   if search.decided_up_to else "no size decided")  # fmt: skip
        none = "" if search.sets else "no set found; "
        out.append(f"  {search.product}: {none}search incomplete (time limit): {decided}{undecided}")
    return out


def render_gaps(gaps: ClusterGaps) -> str:
    """Blocked products, the smallest sets of additions for each, and the additions that unlock the most."""
    total = len(gaps.buildable) + len(gaps.blocked) + len(gaps.undecided)
    out = [f"buildable under their default requests: {len(gaps.buildable)} of {total}"]
    for product, why in gaps.blocked:
        out.append(f"  blocked: {product}: {why}")
    for product in gaps.undecided:
        out.append(f"  unknown: {product}: not decided within its time limit")
    if gaps.sets:
        out.append(f"smallest sets of additions that make each blocked product buildable "
                   f"(up to {gaps.max_size}, each offered at no cost):")  # fmt: skip
        for search in gaps.sets:
            out += _product_set_lines(search)
    if gaps.unlocking:
        out.append("additions in the smallest sets, by how many blocked products they unlock:")
        rows = [[str(len(r.products)), r.text, _alternatives(r.hosts), ", ".join(r.products)] for r in gaps.unlocking]
        out += ["  " + line for line in table(rows, ["unlocks", "addition", "at", "products"], indent=2)]
    return "\n".join(out)


def render_intermediary_value(value: IntermediaryValue) -> str:
    """Savings per product and the introductions to make."""
    rows = []
    for p in value.products:
        rows.append([
            p.product,
            "-" if p.cost_with is None else format_money(p.cost_with),
            "-" if p.cost_without is None else format_money(p.cost_without),
            ("-" if p.saving is None else format_money(p.saving)) + ("" if p.proven else " (not proven)"),
        ])  # fmt: skip
    out = ["best system with and without the intermediaries' on-boarding terms:"]
    out += ["  " + line for line in table(rows, ["product", "with", "without", "saving"], indent=2)]
    out.append(f"  total saving: {format_money(value.total_saving)}")
    out.append("introductions (new ties the chosen systems create):")
    for p in value.products:
        for hub, partner, via in p.introductions:
            out.append(
                f"  {p.product}: {hub} -> {partner}" + (f" (through {via})" if via else " (no shared intermediary)")
            )
    return "\n".join(out)


def person_effect_cells(e: PersonEffect) -> list[str]:
    """A placement's cells after its product: effect (marked when not proven), hub, with, without, saving, days."""
    return [
        e.effect + ("" if e.proven else " (not proven)"),
        e.hub or "-",
        "-" if e.cost_with is None else format_money(e.cost_with),
        "-" if e.cost_without is None else format_money(e.cost_without),
        "-" if e.saving is None else format_money(e.saving),
        "-" if e.days_saved is None else str(e.days_saved),
    ]


def render_people_value(value: PeopleValue) -> str:
    """Per person: the products a placement unlocks or improves, where, and by how much."""
    if not value.effects:
        return "no person of the catalog may lead any of its products' families"
    out = []
    for person in sorted({e.person for e in value.effects}):
        out.append(f"{person}:")
        rows = []
        for e in value.of(person):
            rows.append([e.product, *person_effect_cells(e)])
        out += [
            "  " + line
            for line in table(
                rows, ["product", "effect", "at hub", "with", "without", "saving", "days saved"], indent=2
            )
        ]
    return "\n".join(out)


def system_cost_cell(cost: Decimal | None, status: str) -> str:
    """A best system's cost as one cell: the figure (marked when not proven), or why there is none.

    >>> system_cost_cell(Decimal("2720"), "optimal"), system_cost_cell(None, "infeasible")
    ('2,720.00', 'no system')
    """
    if cost is not None:
        return format_money(cost) + ("" if status == "optimal" else " (not proven)")
    return {"infeasible": "no system", "error": "solver error"}.get(status, "unknown")


def _value_cell(value: Decimal | None, status: str) -> str:
    return status if value is None else format_money(value)


def _cities(work: Sequence[CityWork], proven: bool) -> str:
    if not work:
        return "-"
    return ", ".join(f"{w.city} {_signed(w.change)}" for w in work) + ("" if proven else " (not proven)")


def describe_policy(policy: Policy, money: str = "") -> str:
    """One line on what a policy refunds: cities, kinds, members, share and cap.

    >>> from modcluster.domain import Policy
    >>> describe_policy(Policy(id="fund", sites=["Sagamihara"], share=0.5, cap=800), "kJPY")
    'Sagamihara; steps; share 0.5, cap 800.00 kJPY'
    """
    parts = [", ".join(policy.sites), ", ".join(policy.applies_to)]
    if policy.members_of is not None:
        parts.append(f"members of {policy.members_of}")
    unit = f" {money}" if money else ""
    parts.append(f"share {policy.share}" + ("" if policy.cap is None else f", cap {format_money(policy.cap)}{unit}"))
    return "; ".join(parts)


def _effect_row(e: PolicyEffect) -> list[str]:
    return [
        e.product,
        _value_cell(e.value, e.status),
        system_cost_cell(e.cost_with, e.status_with),
        system_cost_cell(e.cost_without, e.status_without),
        _cities(e.gains, e.proven),
        _cities(e.losses, e.proven),
    ]


def render_policy_value(value: PolicyValue, money: str = "") -> str:
    """Per product the best cost with every policy and with none; per policy its value and the work it moves.

    Then the competing pairs: the task slots where each policy covers an
    option, and whether removing one moved work into the other's cities.
    """
    if not value.policies:
        return "the catalog has no policies: there is nothing to value"
    rows = [
        [
            b.product,
            system_cost_cell(b.cost_with, b.status_with),
            "-" if b.subsidies is None else format_money(b.subsidies),
            system_cost_cell(b.cost_without, b.status_without),
            _value_cell(b.value, b.status),
        ]
        for b in value.baselines
    ]
    out = ["best system per product, with every policy and with none (policies: false):"]
    header = ["product", "with every policy", "subsidies", "with no policy", "worth of every policy"]
    out += ["  " + line for line in table(rows, header, indent=2)]
    for policy in value.policies:
        out.append(f"{policy.id} ({describe_policy(policy, money)}):")
        effects = value.of(policy.id)
        header = ["product", "value", "with it", "without it", "cities that gain", "cities that lose"]
        out += ["  " + line for line in table([_effect_row(e) for e in effects], header, indent=2)]
        out += [f"  {e.product}: {e.note}" for e in effects if e.note]
    if not value.competing:
        out.append("competing policies: none (no two policies of different cities cover options of one task slot)")
        return "\n".join(out)
    out.append("competing policies (different cities covering options of the same task slot):")
    for c in value.competing:
        out.append(f"  {c.first} ({', '.join(c.first_sites)}) and {c.second} ({', '.join(c.second_sites)}):")
        for s in c.slots:
            out.append(f"    {s.product} {s.slot} ({s.kind}): {', '.join(s.first)} | {', '.join(s.second)}")
        for product, a, b in c.moves:
            out.append(
                f"    {product}: without {c.first}, {_moves(a)} into {', '.join(c.second_sites)}; "
                f"without {c.second}, {_moves(b)} into {', '.join(c.first_sites)}"
            )
    return "\n".join(out)


def _moves(moved: bool | None) -> str:
    return {True: "work moves", False: "no work moves", None: "unknown whether work moves"}[moved]


def render_comparison(cmp: Comparison) -> str:
    """Side by side, with each line's cost difference to candidate 1."""
    header = ["", *(f"candidate {r}" for r in cmp.ranks)]
    rows = []
    for row in cmp.rows:
        cells = []
        for value, money, delta in zip(row.values, row.money, row.deltas, strict=True):
            cell = value
            if money is not None and row.label not in ("total cost",):
                cell += f" [{format_money(money)}]"
            if delta is not None and delta != 0:
                cell += f" ({_signed(delta)})"
            cells.append(cell)
        rows.append([("* " if row.differs else "  ") + row.label, *cells])
    return "\n".join([*table(rows, header), "(* differs; [cost of the line]; (difference to candidate 1))"])
