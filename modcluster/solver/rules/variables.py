"""The CP-SAT variables the rules post, and the model under construction they share.

:func:`~modcluster.solver.compile.compile_model` creates one
:class:`ModelParts` and hands it to each rule's ``post_*`` function in turn;
each adds its variables and constraints and the terms other rules need
(cost terms, integration days, the tasks of each organisation). Only the
rules' modules and the compiler write to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from modcluster.solver.instance import Instance, Option

__all__ = ["ModelParts", "ModuleVars", "Precedence", "SlotVars", "linear_sum"]


def linear_sum(terms: list[Any]) -> cp_model.LinearExpr:
    """Typed sum of CP-SAT terms (``sum()`` loses the type; an empty sum is 0)."""
    return cp_model.LinearExpr.sum(terms)


@dataclass
class SlotVars:
    """Variables of one task slot (a make step, a seed transfer, a bought module)."""

    options: tuple[Option, ...]
    lits: list[cp_model.IntVar]
    org_lits: dict[str, cp_model.IntVar]
    start: cp_model.IntVar
    end: cp_model.IntVar


@dataclass
class ModuleVars:
    """Variables of one module: whether it is made, its bought slot, its make steps and seed."""

    make: cp_model.IntVar | None
    buy: SlotVars | None
    steps: list[SlotVars]
    seed: SlotVars | None


@dataclass(frozen=True)
class Precedence:
    """``after`` starts once ``before`` ended (``after`` None: the hub's integration).

    ``make`` is the module's make literal (None: the module can only be
    bought); ``in_make`` says whether the pair belongs to the make chain (it
    holds when the module is made) or is the bought task (when it is not).
    """

    before: SlotVars
    after: SlotVars | None
    make: cp_model.IntVar | None
    in_make: bool


@dataclass
class ModelParts:
    """A CP-SAT model under construction: what one rule posts and a later one reads."""

    inst: Instance
    model: cp_model.CpModel
    horizon: int
    guarded: bool
    hub: dict[str, cp_model.IntVar] = field(default_factory=dict)
    hub_option: dict[str, cp_model.IntVar] = field(default_factory=dict)
    modules: list[ModuleVars] = field(default_factory=list)
    costs: list[cp_model.LinearExprT] = field(default_factory=list)
    terms: list[tuple[str, str, int, cp_model.IntVar]] = field(default_factory=list)
    integration_days: list[cp_model.LinearExprT] = field(default_factory=list)
    org_tasks: dict[str, list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))
    intervals: dict[str, list[cp_model.IntervalVar]] = field(default_factory=lambda: defaultdict(list))
    precedences: list[Precedence] = field(default_factory=list)
    matched: list[cp_model.LinearExpr] = field(default_factory=list)
    participates: dict[str, cp_model.IntVar] = field(default_factory=dict)
    partners: dict[str, cp_model.IntVar] = field(default_factory=dict)
    guards: dict[str, cp_model.IntVar] = field(default_factory=dict)
    integration_start: cp_model.IntVar | None = None
    lead: cp_model.IntVar | None = None

    def add_cost(self, kind: str, org: str, cents: int, lit: cp_model.IntVar) -> None:
        """A cost term ``cents * lit`` of a policy kind paid to ``org`` (what a policy may cover)."""
        self.costs.append(cents * lit)
        if self.inst.policies:  # recorded only when some policy could read it
            self.terms.append((kind, org, cents, lit))

    def guard(self, name: str) -> list[cp_model.IntVar]:
        """The enforcement literal of a named limit: one assumption literal when guarded, else none."""
        if not self.guarded:
            return []
        lit = self.model.new_bool_var(f"guard:{name}")
        self.guards[name] = lit
        return [lit]

    def both(self, name: str, a: cp_model.LinearExpr, b: cp_model.LinearExpr) -> cp_model.IntVar:
        """A new literal equal to ``a AND b`` (each a 0/1 expression)."""
        lit = self.model.new_bool_var(name)
        self.model.add(lit <= a)
        self.model.add(lit <= b)
        self.model.add(lit >= a + b - 1)
        return lit
