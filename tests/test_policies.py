"""Municipal policies (MODEL.md v1.1 "Policies"): the checks, the engine against brute force, plans and configuration.

The brute force (:mod:`tests.bruteforce`) prices policies on its own: each
rounded term kept with its kind and the organisation it is paid to, a
policy's eligible amount the terms it covers, its refund ``min(cap, share *
eligible)`` rounded half-up, the refunds added up and subtracted, the budget
on the net cost, nothing with ``policies: false``.

- Bad policies are refused where they are: through :func:`modcluster.load_catalog`
  on a real file (the path and the line) and through ``modcluster validate``
  (exit code 2); a policy site where nobody is, only warned of.
- On random small instances (tests/strategies.py :func:`with_policies`), for
  every objective, on tiny and on industrial figures, on the default path and
  with CP-SAT deciding every hub: the ranked candidates are brute force's
  (objective keys and identities), the verifier accepts them, and the JSON
  carries ``cost_breakdown.subsidies`` exactly when the catalog has policies;
  again with the budget exactly on a subsidised system's net cost.
- The configurator's decision table with policies against
  tests/bruteforce_configure.py (plans: tests/test_plan_property.py).

The number of examples comes from the hypothesis profile (tests/profiles.py).
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from modcluster import catalog_from_data, load_catalog, request_from_data, solve, verify_solution
from modcluster.domain import Candidate, Status, catalog_warnings
from modcluster.errors import CrossReferenceError, InputError, ValidationError
from modcluster.solver import SolverSettings, objective_key
from tests.bruteforce import SystemResult, candidate_classes, enumerate_systems
from tests.bruteforce_configure import Reference
from tests.profiles import examples
from tests.strategies import OBJECTIVES, with_policies
from tests.test_configure_exact import _check_table, _draw_selection, _start

ROOT = Path(__file__).resolve().parent.parent
CP_SAT_ONLY = SolverSettings(settle=False)
"""Small instances are mostly settled by branch and bound: this keeps CP-SAT's path under the same test."""

Instance = tuple[dict[str, Any], dict[str, Any]]

# --------------------------------------------------------------------------- bad policies, located

CATALOG = """schema: modcluster/1
intermediaries:
  - {id: assoc, members: [a], onboarding_cost: 0}
organizations:
  - {id: h, site: Ome, develops: [fam]}
  - {id: a, site: Hachioji}
  - {id: b, site: Hachioji}
policies:
  - {id: first, sites: [Hachioji], share: 0.5}
  - {id: second, %s}
products:
  - {id: prod, family: fam, modules: [{id: m, type: t}]}
"""
#: The line of the second policy in :data:`CATALOG`.
LINE = 10


def _write(tmp_path: Path, second: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG % second, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("second", "error", "place", "words"),
    [
        ("sites: [Hachioji], share: 0", ValidationError, "policies[1].share", "greater than 0"),
        ("sites: [Hachioji], share: 1.5", ValidationError, "policies[1].share", "at most 1"),
        ("sites: [Hachioji], share: 0.2, cap: -1", ValidationError, "policies[1].cap", "negative"),
        ("sites: [Hachioji], share: 0.2, applies_to: []", ValidationError, "policies[1].applies_to", "empty"),
        (
            "sites: [Hachioji], share: 0.2, applies_to: [onboarding]",
            ValidationError,
            "policies[1].applies_to[0]",
            "'onboarding'",
        ),
        ("sites: [], share: 0.2", ValidationError, "policies[1].sites", "empty"),
        ("sites: [Hachioji]", ValidationError, "policies[1].share", "required"),
        ("share: 0.2", ValidationError, "policies[1].sites", "required"),
        (
            "sites: [Hachioji], share: 0.2, members_of: nowhere",
            CrossReferenceError,
            "policies[1].members_of",
            "unknown intermediary 'nowhere'",
        ),
        # the shares covering a's (and b's) steps: 0.5 + 0.6 > 1, both policies named
        ("sites: [Hachioji], share: 0.6", CrossReferenceError, "policies[1].share", "'first', 'second'"),
        # a member of assoc is still covered by both
        (
            "sites: [Hachioji], share: 0.6, members_of: assoc",
            CrossReferenceError,
            "policies[1].share",
            "'first', 'second'",
        ),
    ],
)
def test_a_bad_policy_is_a_located_error(
    tmp_path: Path, second: str, error: type[InputError], place: str, words: str
) -> None:
    with pytest.raises(error) as raised:
        load_catalog(_write(tmp_path, second))
    found = [(i.path, i.line, i.message) for i in raised.value.issues]
    assert any(path == place and line == LINE and words in message for path, line, message in found), found


def test_a_duplicate_policy_id_is_located(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text((CATALOG % "sites: [Ome], share: 0.2").replace("id: second", "id: first"), encoding="utf-8")
    with pytest.raises(CrossReferenceError) as raised:
        load_catalog(path)
    assert any(
        i.path == "policies[1]" and i.line == LINE and "duplicate policy 'first'" in i.message
        for i in raised.value.issues
    ), raised.value.issues


@pytest.mark.parametrize(
    "second",
    [
        "sites: [Hachioji], share: 0.5",  # 0.5 + 0.5 = 1: at most 1 is allowed
        "sites: [Hachioji], share: 0.6, applies_to: [modules]",  # other kinds: no term covered by both
        "sites: [Ome], share: 1",  # another site
        "sites: [Sagamihara], share: 0.9",  # nobody there
    ],
)
def test_shares_that_never_meet_over_one_are_valid(tmp_path: Path, second: str) -> None:
    catalog = load_catalog(_write(tmp_path, second))
    assert catalog.policies is not None and len(catalog.policies) == 2


def test_shares_over_one_only_for_non_members_are_refused_and_members_of_can_keep_them_apart(
    tmp_path: Path,
) -> None:
    """Policies over one site, each for the members of another intermediary: no organisation is in both."""
    text = (
        (CATALOG % "sites: [Hachioji], share: 0.6, members_of: other")
        .replace(
            "  - {id: assoc, members: [a], onboarding_cost: 0}\n",
            "  - {id: assoc, members: [a], onboarding_cost: 0}\n  - {id: other, members: [b], onboarding_cost: 0}\n",
        )
        .replace(
            "{id: first, sites: [Hachioji], share: 0.5}",
            "{id: first, sites: [Hachioji], share: 0.5, members_of: assoc}",
        )
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_catalog(path).policies is not None
    path.write_text(text.replace("members: [b]", "members: [a, b]"), encoding="utf-8")
    with pytest.raises(CrossReferenceError) as raised:
        load_catalog(path)
    assert any("'first', 'second'" in i.message and "'a'" in i.message for i in raised.value.issues)


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "modcluster", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_validate_refuses_a_bad_policy_with_exit_code_2(tmp_path: Path) -> None:
    path = _write(tmp_path, "sites: [Hachioji], share: 0.6")
    done = _validate(path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{path}:{LINE}:" in done.stderr and "policies[1].share" in done.stderr
    assert "'first', 'second'" in done.stderr
    done = _validate(_write(tmp_path, "sites: [Hachioji], share: 0"))
    assert done.returncode == 2 and "policies[1].share" in done.stderr


def test_validate_warns_of_a_policy_site_where_nobody_is(tmp_path: Path) -> None:
    path = _write(tmp_path, "sites: [Ome, Sagamihara], share: 0.5")
    done = _validate(path)
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr and "policies[1].sites[1]" in done.stderr and "'Sagamihara'" in done.stderr
    assert "valid catalog" in done.stdout


def test_catalog_warnings_name_each_empty_policy_site(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, "sites: [Sagamihara, Ome, Fuchu], share: 0.5"))
    assert [w.path for w in catalog_warnings(catalog)] == ["policies[1].sites[0]", "policies[1].sites[2]"]
    assert catalog_warnings(load_catalog(_write(tmp_path, "sites: [Ome], share: 0.5"))) == []


# --------------------------------------------------------------------------- the engine against brute force


def _brute_signature(cand: Candidate) -> tuple[Any, ...]:
    """A candidate's identity in the brute force's terms (:attr:`tests.bruteforce.SystemResult.signature`)."""
    parts: list[Any] = [cand.hub, cand.person]
    for m in cand.modules:
        if m.source == "buy":
            parts.append((m.id, "buy", m.organization))
        else:
            seed = None if m.seed is None else (m.seed.organization, m.seed.seed)
            parts.append((m.id, "make", tuple(s.organization for s in m.steps), seed))
    return tuple(parts)


def _check(instance: Instance, engine: SolverSettings | None) -> list[SystemResult]:
    """The engine's candidates are brute force's best k (keys and identities), verified, with the right JSON."""
    catalog = catalog_from_data(instance[0])
    request = request_from_data(instance[1])
    solution = solve(catalog, request, engine)
    classes = candidate_classes(catalog, request)
    expected = [c.key(request) for c in classes]
    assert verify_solution(catalog, request, solution) == []
    assert [objective_key(c, request) for c in solution.candidates] == expected[: request.candidates]
    assert solution.status is (Status.OPTIMAL if expected else Status.INFEASIBLE)
    by_signature = {c.signature: c for c in classes}
    for cand in solution.candidates:
        system = by_signature.get(_brute_signature(cand))
        assert system is not None, f"no such candidate in brute force: {_brute_signature(cand)}"
        assert system.key(request) == objective_key(cand, request)
        b = cand.cost_breakdown
        assert b.gross - b.subsidies == cand.cost and b.subsidies >= 0
        if not request.policies:
            assert b.subsidies == 0
        entry = cand.to_dict()
        assert ("subsidies" in entry["cost_breakdown"]) == (catalog.policies is not None)
    return classes


def _check_with_the_budget_on_a_net_cost(instance: Instance, engine: SolverSettings | None, data: Any) -> None:
    """Check the instance, then again with the budget exactly at a subsidised system's net cost (inclusive).

    A net cost below 0 (two policies of share 0.5 on one 1-cent term each refund a cent, rounded half-up)
    puts the budget at 0, the least a request allows.
    """
    classes = _check(instance, engine)
    catalog = catalog_from_data(instance[0])
    request = request_from_data(instance[1])
    subsidised = [s for s in enumerate_systems(catalog, request) if s.subsidies_cents] or classes
    if not subsidised:
        return
    system = data.draw(st.sampled_from(subsidised), label="system whose net cost is the budget")
    # a net cost can be a cent or two below 0 (each policy's refund rounded up on its own): a budget cannot
    limits = {**instance[1].get("limits", {}), "budget": max(system.cost, 0)}
    edged = (instance[0], {**instance[1], "limits": limits})
    _check(edged, engine)


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(40))
@given(data=st.data())
def test_policies_match_brute_force(objective: str, data: st.DataObject) -> None:
    _check_with_the_budget_on_a_net_cost(data.draw(with_policies(objective), label="instance"), None, data)


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(25))
@given(data=st.data())
def test_policies_on_the_cp_sat_path_match_brute_force(objective: str, data: st.DataObject) -> None:
    instance = data.draw(with_policies(objective, people=data.draw(st.booleans(), label="people")), label="instance")
    _check_with_the_budget_on_a_net_cost(instance, CP_SAT_ONLY, data)


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(20))
@given(data=st.data())
def test_policies_on_industrial_figures_match_brute_force(objective: str, data: st.DataObject) -> None:
    """Money terms up to about 10^6, quantities up to 1,500, caps of 1,000 to 2,000,000 (and 0)."""
    engine = data.draw(st.sampled_from([None, CP_SAT_ONLY]), label="engine")
    _check(data.draw(with_policies(objective, large=True), label="instance"), engine)


# --------------------------------------------------------------------------- one rule each

BASE: dict[str, Any] = {
    "schema": "modcluster/1",
    "defaults": {"handover_days": 0, "onboarding_cost": 0},
    "capabilities": [{"id": "machining"}],
    "organizations": [
        {"id": "h", "site": "Ome", "develops": ["fam"], "design_fee": 40, "integration_days": 1},
        {
            "id": "a",
            "site": "Hachioji",
            "processes": [{"id": "mill", "capability": "machining", "setup_cost": Decimal("100.01"), "setup_days": 2}],
        },
        {
            "id": "b",
            "site": "Fuchu",
            "processes": [{"id": "mill", "capability": "machining", "setup_cost": 60, "setup_days": 2}],
        },
    ],
    "products": [
        {
            "id": "prod",
            "family": "fam",
            "modules": [{"id": "m", "type": "tm", "make": {"steps": [{"capability": "machining"}]}}],
        }
    ],
}
#: The policies of tests/golden/45_policies_stack.yaml.
STACK = [
    {"id": "city", "sites": ["Hachioji"], "share": Decimal("0.3")},
    {"id": "regional", "sites": ["Hachioji", "Ome"], "share": Decimal("0.25"), "applies_to": ["steps", "integration"]},
]


def _solve(catalog_policies: list[dict[str, Any]] | None, **request: Any) -> tuple[Any, Any, Any]:
    """BASE with these policies (None: no ``policies`` key), solved, verified."""
    data = copy.deepcopy(BASE)
    if catalog_policies is not None:
        data["policies"] = catalog_policies
    catalog = catalog_from_data(data)
    req = request_from_data({"product": "prod", "candidates": 3, **request})
    solution = solve(catalog, req)
    assert verify_solution(catalog, req, solution) == []
    return catalog, req, solution


def test_the_breakdown_shows_the_subsidies_subtracted() -> None:
    """45_policies_stack: at a, 30.00 + 35.00 refunded of 140.01; at b, 10.00 of 100."""
    _, _, solution = _solve(STACK)
    at_a, at_b = solution.candidates
    assert (at_a.cost, at_a.cost_breakdown.subsidies, at_a.cost_breakdown.gross) == (
        Decimal("75.01"),
        Decimal("65.00"),
        Decimal("140.01"),
    )
    assert (at_b.cost, at_b.cost_breakdown.subsidies) == (Decimal("90.00"), Decimal("10.00"))
    assert at_a.to_dict()["cost_breakdown"]["subsidies"] == Decimal("65.00")


def test_subsidies_appear_in_the_json_exactly_when_the_catalog_has_policies() -> None:
    for policies, present in ((None, False), ([], True), (STACK, True)):
        _, _, solution = _solve(policies)
        for entry in solution.to_dict()["candidates"]:
            assert ("subsidies" in entry["cost_breakdown"]) is present, policies
    _, _, ignored = _solve(STACK, policies=False)
    assert all(c.to_dict()["cost_breakdown"]["subsidies"] == 0 for c in ignored.candidates)
    assert [c.cost for c in ignored.candidates] == [Decimal("100.00"), Decimal("140.01")]


def test_the_verifier_refuses_a_cost_without_its_refunds() -> None:
    catalog, req, solution = _solve(STACK)
    data = solution.to_dict()
    entry = data["candidates"][0]
    entry["cost"] = entry["cost"] + entry["cost_breakdown"]["subsidies"]  # the gross cost
    assert verify_solution(catalog, req, data) != []
    data = solution.to_dict()
    data["candidates"][0]["cost_breakdown"]["subsidies"] = Decimal("65.01")
    assert verify_solution(catalog, req, data) != []
    data = solution.to_dict()
    del data["candidates"][0]["cost_breakdown"]["subsidies"]
    assert any("subsidies" in p for p in verify_solution(catalog, req, data))


def test_policies_false_in_the_request_is_checked_by_the_verifier() -> None:
    """The refunded answer is not the answer of a request that ignores the policies."""
    catalog, _, solution = _solve(STACK)
    ignoring = request_from_data({"product": "prod", "candidates": 3, "policies": False})
    assert verify_solution(catalog, ignoring, solution) != []


def test_the_budget_bounds_the_net_cost() -> None:
    """At a: gross 140.01, net 75.01; at b, net 90. A budget of 75.01 keeps a (inclusive), 75.00 leaves nothing."""
    _, _, kept = _solve(STACK, limits={"budget": Decimal("75.01")})
    assert [c.cost for c in kept.candidates] == [Decimal("75.01")]
    _, _, none = _solve(STACK, limits={"budget": Decimal("75.00")})
    assert none.status is Status.INFEASIBLE


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(15))
@given(data=st.data())
def test_configuration_with_policies_matches_brute_force(objective: str, data: st.DataObject) -> None:
    """The decision table with policies in the catalog (best figures net of refunds) against the reference."""
    catalog, request, conf = _start(data.draw(with_policies(objective), label="instance"))
    conf = _draw_selection(data, conf)
    # A selection that chooses a value and rules it out too is no matter of policies: left out here.
    assume(not set(conf.selection.chosen) & set(conf.selection.ruled_out))
    _check_table(catalog, request, Reference(catalog, request), conf.selection, conf.options())


def test_dominance_never_drops_an_option_a_refund_makes_cheaper() -> None:
    """One candidate asked: b (60, 2 days, no policy) is cheaper gross than a (100.01, 2 days) but not net.

    At a, with only the city policy: 40 + 100.01 - 30.00 = 110.01; with a share of 0.7 instead,
    0.7 * 100.01 = 70.007 -> 70.01 and a costs 70.00, below b's 100.
    """
    for engine in (None, CP_SAT_ONLY):
        data = copy.deepcopy(BASE)
        data["policies"] = [{"id": "city", "sites": ["Hachioji"], "share": Decimal("0.7")}]
        catalog = catalog_from_data(data)
        req = request_from_data({"product": "prod", "candidates": 1})
        solution = solve(catalog, req, engine)
        assert verify_solution(catalog, req, solution) == []
        (best,) = solution.candidates
        assert (best.cost, best.modules[0].steps[0].organization) == (Decimal("70.00"), "a")


@pytest.mark.parametrize(
    ("kinds", "refund"),
    [
        # tests/golden/49_policy_integration_people.yaml, maker + kimura: integration 100, people 40
        (["integration"], Decimal(50)),
        (["people"], Decimal(20)),
        (["integration", "people"], Decimal(70)),
        (["steps"], Decimal(5)),  # the step at maker (Hachioji), 10
        (["modules"], Decimal(0)),  # bought from seller, at Fuchu
    ],
)
def test_each_kind_is_read_apart(kinds: list[str], refund: Decimal) -> None:
    import yaml

    from tests.test_golden import GOLDEN, _ExactLoader

    with (GOLDEN / "49_policy_integration_people.yaml").open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_ExactLoader)  # a SafeLoader subclass: safe
    data["catalog"]["policies"][0]["applies_to"] = kinds
    catalog = catalog_from_data(data["catalog"])
    req = request_from_data(data["request"])
    solution = solve(catalog, req)
    assert verify_solution(catalog, req, solution) == []
    placed = next(c for c in solution.candidates if (c.hub, c.person) == ("maker", "kimura"))
    assert (placed.cost_breakdown.subsidies, placed.cost) == (refund, Decimal(155) - refund)
    at_dev = refund if kinds == ["steps"] else 0  # dev (Ome) has the head made at maker too
    assert all(c.cost_breakdown.subsidies == at_dev for c in solution.candidates if c.hub == "dev")
