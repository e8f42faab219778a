"""Mutation check: the tests must catch a deliberate bug in each rule of MODEL.md.

``make mutate`` runs this script. It copies the repository (the files git
knows, as they are in the working tree) to a temporary folder, then applies the
mutants of :data:`MUTANTS` one at a time to that copy, never to the working
tree: each is one exact text replacement in a file under ``modcluster/``. For
each it runs the tests that should catch it, with ``PYTHONPATH`` pointing at
the copy, and prints a table: mutant, rule family, file, tests run, caught,
seconds, and the first test that failed. A mutant that no test catches is a
gap in the tests: add the missing test, never drop the mutant.

Each rule of the solver has one home in ``modcluster/solver/rules/``, with its
integer arithmetic (used by the hints, settling and pruning) next to its
``post_*`` function for the CP-SAT model; where a mutant targets the model's
half, the golden fixtures also run with settling switched off, so they reach it.
Figures that both paths take from one place (durations, cents, eligibility in
``instance.py``; the objective's keys in ``objective.py``; requirement bounds
and rounding in ``modcluster/domain``) are mutated there. The verifier's
mutants go to the one home each rule has in ``modcluster/verify/``.

Before any mutant, every selection runs once on the unmutated copy and must
pass: otherwise a failure would say nothing about the mutant.

The script fails (exit 2) when the text a mutant replaces is not found exactly
once, so that the list stays honest as the code moves, or when the tests fail
unmutated; it exits 1 when any mutant survives.

Usage::

    .venv/bin/python scripts/mutate.py                 # every mutant (make mutate)
    .venv/bin/python scripts/mutate.py --only handover # the mutants whose name or family contains a text
    .venv/bin/python scripts/mutate.py --list          # the list, and whether each text is found
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

__all__ = ["MUTANTS", "SELECTIONS", "Mutant", "main"]

ROOT = Path(__file__).resolve().parent.parent

COMPILE = "modcluster/solver/compile.py"
HANDOVER = "modcluster/solver/rules/handover.py"
CAPACITY = "modcluster/solver/rules/capacity.py"
TASKS = "modcluster/solver/rules/tasks.py"
ONBOARDING = "modcluster/solver/rules/onboarding.py"
INTERFACES = "modcluster/solver/rules/interfaces.py"
LIMITS = "modcluster/solver/rules/limits.py"
SOURCES = "modcluster/solver/rules/sources.py"
DISTINCT = "modcluster/solver/rules/distinct.py"
PREPARE = "modcluster/solver/instance.py"
OBJECTIVE = "modcluster/solver/objective.py"
SOLVE = "modcluster/solver/solve.py"
VERIFY_ELIGIBILITY = "modcluster/verify/eligibility.py"
VERIFY_EVALUATION = "modcluster/verify/evaluation.py"
VERIFY_CANDIDATE = "modcluster/verify/candidate.py"
VERIFY_CHECKS = "modcluster/verify/checks.py"
RELEASE = "modcluster/solver/rules/release.py"
VERIFY_PLAN = "modcluster/verify/plan.py"
SELECTION = "modcluster/solver/selection.py"
MEMORY = "modcluster/configure/memory.py"
TABLE = "modcluster/configure/table.py"
VALUESEARCH = "modcluster/solver/valuesearch.py"
VERIFY_SELECTION = "modcluster/verify/selection.py"
VERIFY_CONFIGURATION = "modcluster/verify/configuration.py"
CATALOG = "modcluster/domain/catalog.py"
VALUES = "modcluster/domain/values.py"
PEOPLE = "modcluster/solver/rules/people.py"
POLICIES = "modcluster/solver/rules/policies.py"
VERIFY_POLICIES = "modcluster/verify/policies.py"

#: Named test selections (pytest arguments). Each mutant runs the ones it names, in order, stopping at the first
#: failure. The property tests run under the fixed ``ci`` hypothesis profile, so a result is the same on every run.
SELECTIONS: dict[str, tuple[str, ...]] = {
    "golden": ("tests/test_golden.py",),
    "property": ("tests/test_property.py",),
    "arithmetic": ("tests/test_arithmetic.py",),
    "verify": ("tests/test_verify.py",),
    "damage": (
        "tests/test_fuzz.py::test_verify_reports_damaged_solutions",
        "tests/test_fuzz.py::test_harmless_changes_need_no_report",
    ),
    "edges": ("tests/test_verify_edges.py",),
    "status": ("tests/test_solver.py",),
    "plans": ("tests/test_plan_golden.py", "tests/test_plan_property.py"),
    "plan-verify": ("tests/test_verify_plan.py",),
    "configure": ("tests/test_configure_golden.py", "tests/test_configure_exact.py"),
    "people": ("tests/test_people.py",),
    "policies": ("tests/test_policies.py",),
}

SOLVER_TESTS = ("golden", "property")
VERIFIER_TESTS = ("arithmetic", "verify", "edges", "damage", "golden")


@dataclass(frozen=True)
class Mutant:
    """One deliberate bug: replace ``old`` (found exactly once) by ``new`` in ``file``."""

    name: str
    family: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTANTS: tuple[Mutant, ...] = (
    # --- handover
    Mutant(
        "no handover gap in the model",
        "handover",
        HANDOVER,
        "    model, gap = parts.model, parts.inst.handover_days\n",
        "    model, gap = parts.model, 0\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "a gap even within one organisation",
        "handover",
        HANDOVER,
        "model.add(b_start >= a.end + gap - gap * linear_sum(same))",
        "model.add(b_start >= a.end + gap)",
        SOLVER_TESTS,
    ),
    Mutant(
        "no handover gap in the hints and settling",
        "handover",
        HANDOVER,
        "    return gap if before != after else 0\n",
        "    return 0\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: no handover gap",
        "handover",
        VERIFY_CANDIDATE,
        "earliest = a[1] + prec.gap",
        "earliest = a[1]",
        VERIFIER_TESTS,
    ),
    # --- capacity
    Mutant(
        "capacity 1 not enforced",
        "capacity",
        CAPACITY,
        "            parts.model.add_no_overlap(ivs)\n",
        "            pass\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "capacity above 1 off by one",
        "capacity",
        CAPACITY,
        "parts.model.add_cumulative(ivs, [1] * len(ivs), cap)",
        "model.add_cumulative(ivs, [1] * len(ivs), cap + 1)",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: capacity off by one",
        "capacity",
        VERIFY_CANDIDATE,
        "if len(running) > capacity:",
        "if len(running) > capacity + 1:",
        VERIFIER_TESTS,
    ),
    # --- 0-day tasks
    Mutant(
        "0-day tasks take a day of capacity",
        "0-day tasks",
        CAPACITY,
        "    if takes_capacity(option.days):\n"
        "        parts.intervals[option.org].append(\n"
        "            parts.model.new_optional_interval_var(slot.start, option.days, slot.end, lit,",
        "    if True:\n"
        "        parts.intervals[option.org].append(\n"
        "            parts.model.new_optional_interval_var(slot.start, 1, slot.start + 1, lit,",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: 0-day tasks take a day of capacity",
        "0-day tasks",
        VERIFY_CANDIDATE,
        "        if interval is not None and interval[1] > interval[0]:\n"
        "            by_org.setdefault(task.organization, []).append((interval[0], interval[1], task.name))",
        "        if interval is not None:\n"
        "            by_org.setdefault(task.organization, []).append("
        "(interval[0], max(interval[1], interval[0] + 1), task.name))",
        VERIFIER_TESTS,
    ),
    # --- ceil of units_per_day
    Mutant(
        "floor of quantity / units_per_day",
        "ceil of units_per_day",
        TASKS,
        "return setup_days + ceil_decimal(Decimal(quantity) / units_per_day)",
        "return setup_days + int(Decimal(quantity) / units_per_day)",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: floor of quantity / units_per_day",
        "ceil of units_per_day",
        VERIFY_EVALUATION,
        "return setup_days + -(-(quantity * den) // num)",
        "return setup_days + (quantity * den) // num",
        VERIFIER_TESTS,
    ),
    # --- max_lot
    Mutant(
        "max_lot equal to the quantity refused",
        "max_lot",
        PREPARE,
        "if mod.max_lot is None or mod.max_lot >= quantity:",
        "if mod.max_lot is None or mod.max_lot > quantity:",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: max_lot below the quantity allowed",
        "max_lot",
        VERIFY_ELIGIBILITY,
        "if max_lot is not None and max_lot < quantity:",
        "if max_lot is not None and max_lot < quantity - 1:",
        VERIFIER_TESTS,
    ),
    # --- taxonomy descent
    Mutant(
        "step capability without descendants",
        "taxonomy",
        PREPARE,
        "for cap in sorted(below.get(step.capability, {step.capability}))",
        "for cap in [step.capability]",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: descent goes upwards",
        "taxonomy",
        VERIFY_ELIGIBILITY,
        "stack.extend(parents.get(node, ()))",
        "stack.extend(c for c, ps in parents.items() if node in ps)",
        VERIFIER_TESTS,
    ),
    # --- requirement bounds (one reading, shared by the solver and the verifier)
    Mutant(
        "max bound exclusive",
        "requirement bounds",
        CATALOG,
        "value > self.max",
        "value >= self.max",
        (*SOLVER_TESTS, "arithmetic"),
    ),
    Mutant(
        "min bound exclusive",
        "requirement bounds",
        CATALOG,
        "value < self.min",
        "value <= self.min",
        (*SOLVER_TESTS, "arithmetic"),
    ),
    # --- rounding
    Mutant(
        "half-even rounding",
        "rounding",
        VALUES,
        "return value.quantize(CENT, rounding=ROUND_HALF_UP)",
        "return value.quantize(CENT, rounding=decimal.ROUND_HALF_EVEN)",
        (*SOLVER_TESTS, "arithmetic"),
    ),
    Mutant(
        "unit cost rounded before the lot",
        "rounding",
        TASKS,
        "return to_cents(offer.setup_cost + offer.unit_cost * quantity)",
        "return to_cents(offer.setup_cost) + to_cents(offer.unit_cost) * quantity",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: unit cost rounded before the lot",
        "rounding",
        VERIFY_EVALUATION,
        "return round_money(setup_cost + unit_cost * quantity)",
        "return round_money(setup_cost) + round_money(unit_cost) * quantity",
        VERIFIER_TESTS,
    ),
    # --- onboarding minimum
    Mutant(
        "onboarding at the highest shared fee",
        "onboarding minimum",
        ONBOARDING,
        "cents = min(shared) if shared else default_fee",
        "cents = max(shared) if shared else default_fee",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: onboarding at the highest shared fee",
        "onboarding minimum",
        VERIFY_EVALUATION,
        "return min(catalog.intermediaries[i].onboarding_cost for i in shared)",
        "return max(catalog.intermediaries[i].onboarding_cost for i in shared)",
        VERIFIER_TESTS,
    ),
    Mutant(
        "a tie does not spare onboarding",
        "onboarding minimum",
        ONBOARDING,
        "if partner == org or frozenset((org, partner)) in ties:",
        "if partner == org:",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: a tie counts one way only",
        "onboarding minimum",
        VERIFY_EVALUATION,
        "for pair in (rel.between, rel.between[::-1]))",
        "for pair in (rel.between,))",
        VERIFIER_TESTS,
    ),
    # --- bridging and house variants
    Mutant(
        "bridge days without the hub's factor",
        "bridging and house variants",
        INTERFACES,
        "ceil_decimal(interface.bridge_days * bridging)",
        "ceil_decimal(interface.bridge_days)",
        SOLVER_TESTS,
    ),
    Mutant(
        "no house variants in the model",
        "bridging and house variants",
        INTERFACES,
        "            value = h.house(kind)\n",
        "            value = None\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: two missing variants match",
        "bridging and house variants",
        VERIFY_EVALUATION,
        "return variant_a is not None and variant_a == variant_b",
        "return variant_a == variant_b",
        VERIFIER_TESTS,
    ),
    # --- partner limits
    Mutant(
        "max_partners off by one",
        "partner limits",
        LIMITS,
        "model.add(linear_sum(list(parts.partners.values())) <= limits.max_partners)",
        "model.add(linear_sum(list(parts.partners.values())) <= limits.max_partners + 1)",
        SOLVER_TESTS,
    ),
    Mutant(
        "the hub counts as a partner",
        "partner limits",
        ONBOARDING,
        "            model.add(p >= part - hub[org])\n            model.add(p <= part)\n"
        "            model.add(p <= 1 - hub[org])\n",
        "            model.add(p == part)\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: max_partners off by one",
        "partner limits",
        VERIFY_ELIGIBILITY,
        "if limits.max_partners is not None and len(figures.partners) > limits.max_partners:",
        "if limits.max_partners is not None and len(figures.partners) > limits.max_partners + 1:",
        VERIFIER_TESTS,
    ),
    # --- budget and deadline
    Mutant(
        "budget exclusive",
        "budget and deadline",
        LIMITS,
        "model.add(cost <= budget)",
        "model.add(cost < budget)",
        SOLVER_TESTS,
    ),
    Mutant(
        "deadline exclusive",
        "budget and deadline",
        LIMITS,
        "model.add(parts.lead <= deadline)",
        "model.add(parts.lead < deadline)",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: budget exclusive",
        "budget and deadline",
        VERIFY_ELIGIBILITY,
        "if limits.budget is not None and figures.cost > limits.budget:",
        "if limits.budget is not None and figures.cost >= limits.budget:",
        VERIFIER_TESTS,
    ),
    # --- sites / exclude / require
    Mutant(
        "exclude ignored",
        "sites/exclude/require",
        LIMITS,
        "    if org.id in request.exclude:\n        return False\n",
        "    if False:\n        return False\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "an organisation without site passes sites",
        "sites/exclude/require",
        LIMITS,
        "(org.site is not None and org.site in request.sites)",
        "(org.site is None or org.site in request.sites)",
        SOLVER_TESTS,
    ),
    Mutant(
        "a required organisation must be a partner",
        "sites/exclude/require",
        LIMITS,
        "        if org in parts.hub:\n            terms.append(parts.hub[org])\n",
        "",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: exclude ignored",
        "sites/exclude/require",
        VERIFY_ELIGIBILITY,
        '    if org.id in request.exclude:\n        return f"organization',
        '    if False:\n        return f"organization',
        VERIFIER_TESTS,
    ),
    Mutant(
        "verifier: require ignores the hub",
        "sites/exclude/require",
        VERIFY_ELIGIBILITY,
        "taking_part = {figures.hub, *figures.partners}",
        "taking_part = set(figures.partners)",
        VERIFIER_TESTS,
    ),
    # --- seeds
    Mutant(
        "seed technology without descendants",
        "seeds",
        PREPARE,
        "for cap in sorted(below.get(tech.capability, {tech.capability})):",
        "for cap in [tech.capability]:",
        SOLVER_TESTS,
    ),
    Mutant(
        "seed transfer after the steps",
        "seeds",
        SOURCES,
        "chain = ([seed] if seed else []) + steps",
        "chain = steps + ([seed] if seed else [])",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: a make with technology needs no seed",
        "seeds",
        VERIFY_ELIGIBILITY,
        "    elif source.seed is None:\n",
        "    elif source.seed is None and False:\n",
        VERIFIER_TESTS,
    ),
    # --- distinctness
    Mutant(
        "no distinctness no-good",
        "distinctness",
        COMPILE,
        "        self.model.add_bool_or([lit.negated() for lit in literals])\n",
        "        pass\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "the seed does not make candidates different",
        "distinctness",
        DISTINCT,
        "                if slot is mv.seed:\n",
        "                if False:\n",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: repeated candidates allowed",
        "distinctness",
        VERIFY_CHECKS,
        "        if i != j:\n",
        "        if False:\n",
        VERIFIER_TESTS,
    ),
    # --- each objective's tie-break
    Mutant(
        "cost: no lead-time tie-break",
        "tie-break: cost",
        OBJECTIVE,
        "wanted: list[Key] = [(1, 0), (0, 1)]",
        "wanted: list[Key] = [(1, 0)]",
        SOLVER_TESTS,
    ),
    Mutant(
        "lead_time: no cost tie-break",
        "tie-break: lead_time",
        OBJECTIVE,
        "wanted = [(0, 1), (1, 0)]",
        "wanted = [(0, 1)]",
        SOLVER_TESTS,
    ),
    Mutant(
        "weighted: lead time breaks ties before cost",
        "tie-break: weighted",
        OBJECTIVE,
        "wanted = [(pc // common, pd // common), (1, 0), (0, 1)]",
        "wanted = [(pc // common, pd // common), (0, 1), (1, 0)]",
        SOLVER_TESTS,
    ),
    Mutant(
        "verifier: cost order without its tie-break",
        "tie-break: cost",
        VERIFY_CHECKS,
        "        return (cost, lead)\n",
        "        return (cost,)\n",
        VERIFIER_TESTS,
    ),
    Mutant(
        "verifier: lead_time order without its tie-break",
        "tie-break: lead_time",
        VERIFY_CHECKS,
        "        return (lead, cost)\n",
        "        return (lead,)\n",
        VERIFIER_TESTS,
    ),
    Mutant(
        "verifier: weighted ties by lead time first",
        "tie-break: weighted",
        VERIFY_CHECKS,
        "return (value, cost, lead)",
        "return (value, lead, cost)",
        VERIFIER_TESTS,
    ),
    # --- status
    Mutant(
        "fewer than k, all proven: not optimal",
        "status",
        SOLVE,
        "and (len(candidates) == wanted or exhausted):",
        "and len(candidates) == wanted:",
        (*SOLVER_TESTS, "status"),
    ),
    Mutant(
        "infeasible and unknown swapped",
        "status",
        SOLVE,
        "return Status.INFEASIBLE if exhausted else Status.UNKNOWN",
        "return Status.UNKNOWN if exhausted else Status.INFEASIBLE",
        (*SOLVER_TESTS, "status"),
    ),
    Mutant(
        "verifier: optimal with an unproven candidate",
        "status",
        VERIFY_CHECKS,
        "unproven = [i + 1 for i, p in enumerate(proven) if p is False]",
        "unproven = [i + 1 for i, p in enumerate(proven) if p is None]",
        VERIFIER_TESTS,
    ),
    # --- plans (contract v1.1)
    Mutant(
        "plans: integrations take no capacity",
        "plans",
        CAPACITY,
        "            pooled.setdefault(org, []).append(iv)\n",
        "            pass\n",
        ("plans",),
    ),
    Mutant(
        "plans: every entry pays its ties, even when an earlier entry made them",
        "plans",
        ONBOARDING,
        "            if not earlier:\n                pays = has\n",
        "            if True:\n                pays = has\n",
        ("plans",),
    ),
    Mutant(
        "plans: releases ignored",
        "plans",
        RELEASE,
        "    if release <= 0:\n        return\n",
        "    if True:\n        return\n",
        ("plans",),
    ),
    Mutant(
        "verifier: plan capacity not checked across entries",
        "plans",
        VERIFY_PLAN,
        "    if not tasks:\n        return []\n",
        "    if True:\n        return []\n",
        ("plan-verify",),
    ),
    Mutant(
        "verifier: ties never waived in a plan",
        "plans",
        VERIFY_PLAN,
        "    if not waived:\n        return figures\n",
        "    if True:\n        return figures\n",
        ("plan-verify",),
    ),
    Mutant(
        "verifier: releases not checked",
        "plans",
        VERIFY_PLAN,
        "    if release <= 0:\n        return []  # day 0 is check_durations' rule\n",
        "    if True:\n        return []\n",
        ("plan-verify",),
    ),
    # --- configuration (contract v1.1)
    Mutant(
        "configuration: ruled-out step and seed values stay",
        "configuration",
        SELECTION,
        "if wanted in (None, value_of(o)) and (decision, value_of(o)) not in ruled",
        "if wanted in (None, value_of(o))",
        ("configure",),
    ),
    Mutant(
        "configuration: a chosen step does not make its module",
        "configuration",
        SELECTION,
        "made_by_choice = any(d.startswith(prefix) and d != source for d in chosen)",
        "made_by_choice = False",
        ("configure",),
    ),
    Mutant(
        "configuration: a best system reused under a selection that excludes it",
        "configuration",
        MEMORY,
        "            if selection.allows(earlier.witness.values):\n",
        "            if True:\n",
        ("configure",),
    ),
    Mutant(
        "configuration: hubs better than the value's best so far skipped",
        "configuration",
        TABLE,
        "best is not None and alone.witness.key >= best.key:",
        "best is not None and alone.witness.key <= best.key:",
        ("configure",),
    ),
    Mutant(
        "configuration: the quick path fixes out options a better system uses",
        "configuration",
        VALUESEARCH,
        "max_cents = limit // w_cents  # a system within the limit costs at most this (days only add)",
        "max_cents = limit // w_cents - 1",
        ("configure",),
    ),
    Mutant(
        "verifier: a ruled-out value taken passes",
        "configuration",
        VERIFY_SELECTION,
        'problems += [f"takes the ruled-out {d}={v}" for d, v in sorted(ruled) if values.get(d) == v]',
        "pass",
        ("configure",),
    ),
    Mutant(
        "verifier: a value's figures not compared with its system's",
        "configuration",
        VERIFY_CONFIGURATION,
        "                if field in entry and entry[field] != system.get(field):",
        "                if False:",
        ("configure",),
    ),
    # --- people (contract v1.1)
    Mutant(
        "people: the integration does not wait for the person in the model",
        "people",
        SOURCES,
        "        if h.ready_day > 0:\n",
        "        if h.ready_day > 10**9:\n",
        ("golden", "people"),
    ),
    Mutant(
        "people: the hints and settling forget available_day",
        "people",
        PEOPLE,
        "    return max(modules_ready, available_day)\n",
        "    return modules_ready\n",
        ("golden", "people"),
    ),
    Mutant(
        "people: via is not checked",
        "people",
        PEOPLE,
        "        if person.via is not None and not _member(catalog, person.via, org.id):\n",
        "        if False:\n",
        ("golden", "people"),
    ),
    Mutant(
        "people: the person's bridging is ignored",
        "people",
        PREPARE,
        "            bridging = org.bridging if person.bridging is None else person.bridging\n",
        "            bridging = org.bridging\n",
        ("golden", "people"),
    ),
    Mutant(
        "verifier: a person needs the hub to develop the family too",
        "people",
        VERIFY_ELIGIBILITY,
        "    elif product.family not in hub.develops:\n",
        "    if product.family not in hub.develops:\n",
        ("golden", "people"),
    ),
    # --- policies (contract v1.1)
    Mutant(
        "policies: members_of is not read",
        "policies",
        POLICIES,
        " or o.id in members.get(policy.members_of, ()))\n",
        " or True)\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: policies: false is ignored",
        "policies",
        POLICIES,
        "    if not request.policies or not catalog.policies:\n",
        "    if not catalog.policies:\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: the refund rounded down in the decoded figures",
        "policies",
        POLICIES,
        "    share = (2 * plan.numerator * eligible + plan.denominator) // (2 * plan.denominator)\n",
        "    share = (plan.numerator * eligible) // plan.denominator\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: no cap in the decoded figures",
        "policies",
        POLICIES,
        "    return share if plan.cap_cents is None else min(plan.cap_cents, share)\n",
        "    return share\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: no cap in the model",
        "policies",
        POLICIES,
        "        if plan.cap_cents is None:\n            refunded.append(share)\n",
        "        if True:\n            refunded.append(share)\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: the model's refund may round up",
        "policies",
        POLICIES,
        "        model.add(2 * d * share <= 2 * n * eligible + d)\n",
        "        model.add(2 * d * share <= 2 * n * eligible + 2 * d)\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: the refunds are not subtracted in the model (objective and budget on gross)",
        "policies",
        POLICIES,
        "    return linear_sum([gross, *(-1 * r for r in refunded)])\n",
        "    return gross\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: the refund ceiling is 0 (gross bounds held as net ones)",
        "policies",
        POLICIES,
        "        total += refund_cents(plan, hub + modules)\n",
        "        total += 0\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: dominance compares options whatever covers them",
        "policies",
        POLICIES,
        "    return covering if len(covering) <= 1 else None\n",
        "    return ()\n",
        ("golden", "policies"),
    ),
    Mutant(
        "policies: bridges are not integration terms",
        "policies",
        INTERFACES,
        '            parts.add_cost("integration", h.org, cents, bridge)\n',
        '            parts.add_cost("steps", h.org, cents, bridge)\n',
        ("golden", "policies"),
    ),
    Mutant(
        "policies: the person's fee is an integration term",
        "policies",
        SOURCES,
        '            parts.add_cost("people", h.org, h.person_cents, parts.hub_option[h.key])\n',
        '            parts.add_cost("integration", h.org, h.person_cents, parts.hub_option[h.key])\n',
        ("golden", "policies"),
    ),
    Mutant(
        "verifier: policies: members_of is not read",
        "policies",
        VERIFY_POLICIES,
        "    if policy.members_of is None:\n        return True\n",
        "    if True:\n        return True\n",
        ("golden", "policies"),
    ),
    Mutant(
        "verifier: policies: every kind is eligible",
        "policies",
        VERIFY_POLICIES,
        "    if term.kind not in policy.applies_to or term.organization is None:\n",
        "    if term.organization is None:\n",
        ("golden", "policies"),
    ),
    Mutant(
        "verifier: policies: no cap",
        "policies",
        VERIFY_POLICIES,
        "(share if policy.cap is None else min(policy.cap, share))",
        "(share)",
        ("golden", "policies"),
    ),
    Mutant(
        "verifier: policies: the refund rounded half-even",
        "policies",
        VERIFY_POLICIES,
        ".quantize(_CENT, rounding=ROUND_HALF_UP)",
        ".quantize(_CENT, rounding=decimal.ROUND_HALF_EVEN)",
        ("golden", "policies"),
    ),
    Mutant(
        "verifier: policies: policies: false is ignored",
        "policies",
        VERIFY_POLICIES,
        "    if not request.policies or not catalog.policies:\n",
        "    if not catalog.policies:\n",
        ("golden", "policies"),
    ),
)


@dataclass(frozen=True)
class Outcome:
    """What one mutant's run gave."""

    mutant: Mutant
    caught: bool
    seconds: float
    failed: str


def _tracked_files() -> list[str]:
    """The files git knows (tracked, and new ones not ignored), as they are in the working tree."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    return sorted({name.decode() for name in out.split(b"\0") if name})


def _copy_repository(target: Path) -> None:
    for name in _tracked_files():
        source = ROOT / name
        if not source.is_file():  # deleted in the working tree, or a submodule
            continue
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)


def _problems(mutants: Sequence[Mutant], root: Path) -> list[str]:
    """Mutants whose text is not found exactly once, or that name an unknown selection."""
    problems = []
    for m in mutants:
        path = root / m.file
        if not m.file.startswith("modcluster/"):
            problems.append(f"{m.name}: {m.file} is not under modcluster/")
            continue
        count = path.read_text(encoding="utf-8").count(m.old) if path.is_file() else -1
        if count != 1:
            found = "the file does not exist" if count < 0 else f"found {count} times"
            problems.append(f"{m.name}: the text to replace in {m.file} must occur exactly once, {found}:\n{m.old}")
        unknown = [t for t in m.tests if t not in SELECTIONS]
        if unknown:
            problems.append(f"{m.name}: unknown test selections {unknown}")
    return problems


def _fail(message: str) -> NoReturn:
    print(f"mutate: {message}", file=sys.stderr)
    raise SystemExit(2)


def _environment(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant of the same size in the same second must not hit a stale .pyc
    env["MODCLUSTER_HYPOTHESIS_PROFILE"] = "ci"
    return env


def _pytest(copy: Path, tests: Sequence[str], extra: Sequence[str] = ()) -> tuple[int, str]:
    args = [arg for name in tests for arg in SELECTIONS[name]]
    command = [sys.executable, "-m", "pytest", *args, "-q", "-x", "-p", "no:cacheprovider", "--no-header", *extra]
    result = subprocess.run(command, cwd=copy, env=_environment(copy), capture_output=True, text=True, check=False)
    # The short summary (``-ra``): "FAILED tests/...::test[id] - message".
    failed = [
        line.split(" - ")[0].split(" ", 1)[1]
        for line in result.stdout.splitlines()
        if line.startswith(("FAILED tests/", "ERROR tests/"))
    ]
    if result.returncode not in (0, 1):  # 2-5: interrupted, internal error, usage, nothing collected
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        return result.returncode, "pytest exit {}: {}".format(result.returncode, " / ".join(tail))
    return result.returncode, failed[0] if failed else ""


def _check_import(copy: Path) -> None:
    """The tests must import the copy's package, not the working tree's (installed in editable mode)."""
    probe = "import modcluster, tests; print(modcluster.__file__); print(tests.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=copy, env=_environment(copy), capture_output=True, text=True, check=True
    ).stdout.split()
    for path in out:
        if not Path(path).resolve().is_relative_to(copy.resolve()):
            _fail(f"the copy's tests would import {path}, outside the copy {copy}")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _print_header() -> None:
    print(_row(["mutant", "rule family", "file", "tests run", "caught", "seconds", "first failure"]))
    print(_row(["---"] * 7), flush=True)


def _print_outcome(outcome: Outcome) -> None:
    m = outcome.mutant
    failed = outcome.failed
    if "[" in failed and len(failed) > 90:  # a long parameter id: its start names the case
        failed = failed[:87] + "...]"
    failed = f"`{failed}`".replace("|", "\\|") if failed else "-"
    cells = [
        m.name,
        m.family,
        f"`{m.file.removeprefix('modcluster/')}`",
        ", ".join(m.tests),
        "yes" if outcome.caught else "**no**",
        f"{outcome.seconds:.1f}",
        failed,
    ]
    print(_row(cells), flush=True)


def run(mutants: Sequence[Mutant], *, keep: bool = False) -> list[Outcome]:
    """Copy the repository, check the selections pass unmutated, then run each mutant; return the outcomes."""
    copy = Path(tempfile.mkdtemp(prefix="modcluster-mutate-"))
    try:
        _copy_repository(copy)
        problems = _problems(mutants, copy)
        if problems:
            _fail("the mutant list is out of date with the code:\n" + "\n".join(problems))
        _check_import(copy)
        selections = sorted({name for m in mutants for name in m.tests}, key=list(SELECTIONS).index)
        print(f"baseline: {', '.join(selections)} on the unmutated copy {copy} ...", flush=True)
        started = time.monotonic()
        code, failed = _pytest(copy, selections)
        if code != 0:
            _fail(f"the tests fail without any mutant ({failed}); fix them first")
        print(f"baseline passed in {time.monotonic() - started:.1f} s\n", flush=True)
        _print_header()
        outcomes = []
        for m in mutants:
            path = copy / m.file
            original = path.read_text(encoding="utf-8")
            path.write_text(original.replace(m.old, m.new, 1), encoding="utf-8")
            started = time.monotonic()
            try:
                code, failed = _pytest(copy, m.tests)
            finally:
                path.write_text(original, encoding="utf-8")
            outcome = Outcome(m, code != 0, time.monotonic() - started, failed)
            _print_outcome(outcome)
            outcomes.append(outcome)
        return outcomes
    finally:
        if keep:
            print(f"\nthe copy is kept in {copy}")
        else:
            shutil.rmtree(copy, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutation check; 0 when every mutant is caught, 1 when one survives, 2 when the list is stale."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", default=[], help="mutants whose name or family contains TEXT")
    parser.add_argument("--list", action="store_true", help="list the mutants and check their texts, run nothing")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    options = parser.parse_args(argv)
    mutants = [m for m in MUTANTS if not options.only or any(t in m.name or t in m.family for t in options.only)]
    if not mutants:
        parser.error(f"no mutant matches {options.only}")
    if options.list:
        problems = _problems(mutants, ROOT)
        for m in mutants:
            print(f"{m.family:28} {m.file:34} {m.name}  [{', '.join(m.tests)}]")
        print("\n".join(problems) or f"{len(mutants)} mutants, every text found exactly once", file=sys.stderr)
        return 2 if problems else 0
    outcomes = run(mutants, keep=options.keep)
    survivors = [o.mutant.name for o in outcomes if not o.caught]
    total = sum(o.seconds for o in outcomes)
    print(f"\n{len(outcomes) - len(survivors)} of {len(outcomes)} mutants caught in {total:.0f} s")
    if survivors:
        print("survived (a gap in the tests: add the test that catches it): " + "; ".join(survivors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
