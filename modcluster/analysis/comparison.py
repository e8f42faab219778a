"""Candidates side by side: what differs, and what each difference costs or saves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.domain import Candidate, Catalog, ModuleChoice, Request
from modcluster.verify import choices_of, evaluate_system

__all__ = ["Comparison", "Row", "compare"]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the comparison: a label, each candidate's value and money, and whether they differ.

    ``money`` holds each candidate's cost of this line (None for lines without
    a cost); ``deltas`` each candidate's money minus candidate 1's.
    """

    label: str
    values: tuple[str, ...]
    money: tuple[Decimal | None, ...]
    differs: bool

    @property
    def deltas(self) -> tuple[Decimal | None, ...]:
        """Money of each candidate minus the first's."""
        first = self.money[0]
        return tuple(None if m is None or first is None else m - first for m in self.money)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"label": self.label, "values": list(self.values), "money": list(self.money),
                "deltas": list(self.deltas), "differs": self.differs}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Comparison:
    """A side-by-side of candidates; ``rows`` in product order, then totals."""

    ranks: tuple[int, ...]
    rows: tuple[Row, ...]

    @property
    def differences(self) -> tuple[Row, ...]:
        """Only the rows where the candidates differ."""
        return tuple(r for r in self.rows if r.differs)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"ranks": list(self.ranks), "rows": [r.to_dict() for r in self.rows]}


def _source(module: ModuleChoice) -> str:
    if module.source == "buy":
        return f"buy {module.organization}"
    parts = [s.organization for s in module.steps]
    if module.seed is not None:
        parts.insert(0, f"seed {module.seed.seed}@{module.seed.organization}")
    return "make " + " > ".join(parts)


def compare(catalog: Catalog, request: Request, candidates: list[Candidate]) -> Comparison:
    """Compare candidates line by line, pricing each line with the verifier's cost terms.

    Examples
    --------
    >>> from modcluster import load_catalog, build_request, solve
    >>> cat = load_catalog("catalogs/tama.yaml")
    >>> req = build_request(cat, "cubesat-star-tracker")
    >>> cmp = compare(cat, req, list(solve(cat, req).candidates[:2]))
    >>> [(r.label, [str(d) for d in r.deltas]) for r in cmp.differences if r.label.startswith("total")]
    [('total cost', ['0.00', '24.00'])]
    """
    if not candidates:
        raise ValueError("compare needs at least one candidate")
    figures = []
    for cand in candidates:
        hub, choices = choices_of(cand)
        figures.append(evaluate_system(catalog, request, hub, choices, cand.person))
    rows: list[Row] = []

    def add(label: str, values: list[str], money: list[Decimal | None]) -> None:
        rows.append(Row(label, tuple(values), tuple(money), len(set(values)) > 1 or len(set(money)) > 1))

    add("hub", [c.hub for c in candidates], [None] * len(candidates))
    for index, module in enumerate(candidates[0].modules):
        prefix = f"module {module.id}"
        money = [
            sum((t.amount for t in fig.terms if t.place == prefix or t.place.startswith(prefix + " ")), Decimal(0))
            for fig in figures
        ]
        add(prefix, [_source(c.modules[index]) for c in candidates], list(money))
    add("design fee and bridges", [str(sum(1 for lk in c.links if not lk.matched)) + " bridged" for c in candidates],
        [c.cost_breakdown.integration for c in candidates])  # fmt: skip
    add("onboarding", [", ".join(sorted(p for p, _ in fig.onboarding)) or "-" for fig in figures],
        [c.cost_breakdown.onboarding for c in candidates])  # fmt: skip
    if any(c.with_people for c in candidates):  # v1.1: the person placed and the fee
        add("person placed", [c.person or "-" for c in candidates], [c.cost_breakdown.people for c in candidates])
    if any(c.with_policies for c in candidates):  # v1.1: the refunds, subtracted
        add(
            "subsidies",
            [", ".join(f"{p} {r}" for p, _, r in fig.refunds if r) or "-" for fig in figures],
            [-c.cost_breakdown.subsidies for c in candidates],
        )
    add("total cost", [str(c.cost) for c in candidates], [c.cost for c in candidates])
    add("total lead time", [f"{c.lead_time} days" for c in candidates], [None] * len(candidates))
    return Comparison(tuple(c.rank for c in candidates), tuple(rows))
