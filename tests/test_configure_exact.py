"""The configurator against exhaustive enumeration (contract v1.1, "Configuration: fix choices, see what remains").

On random tiny catalogs and requests (tests/strategies.py), under every
objective, on tiny and on realistic figures, with a random selection drawn
from the request's decisions (:meth:`Configurator.decisions`: 0-2 values
chosen, 0-2 ruled out), the decision table is compared with the reference of
tests/bruteforce_configure.py, which reads everything off the enumeration of
every system (tests/bruteforce.py) and shares nothing with the solver:

- a value listed ``possible`` is possible in the reference, with exactly the
  reference's best (cost, lead time) (its objective key is equal), and its
  system takes the value, is allowed by the selection, and is a candidate
  whose best figures are those; a value listed ``impossible`` is impossible in
  the reference; every value possible in the reference is listed; no value is
  ``unknown`` (the time limit is generous);
- the decisions listed are the hub, every module's source, and the steps and
  seed of exactly the modules whose ``make`` is still possible;
- ``best`` has the reference's best figures (None exactly when no system is
  left), and the table, as data and after a JSON round trip, passes
  :func:`~modcluster.verify.configuration.verify_configuration`;
- ``why`` (``options(explain=True)`` and :meth:`Configurator.why`) names a set
  of the selection's items and limits as small as the reference's smallest
  excluding set, that really excludes the value; ``conflict`` likewise for a
  selection that leaves no system;
- configuring by always choosing a ``possible`` value never meets a dead end,
  each choice brings exactly the figures the table promised, and ``undo``
  brings the earlier table back.

Also: configurators are immutable, unknown decisions and values are refused
with their name, and the verifier rejects tampered tables.

So that most examples reach something, half the requests drop their limits
and filters (not in the ``why`` property, where the limits are what is
blamed), half the drawn values are ones possible with no selection, and half
the tables are asked of a new session (nothing settled earlier to reuse) and
half of the session that drew the selection. The number of examples comes from
the hypothesis profile (tests/profiles.py): a fixed, fast default run; 20
times more under ``make test-slow``.

Two answers the ``why`` property once caught wrong are also pinned as plain
cases: the ``why`` of another value of a chosen decision (the choice itself
excludes it) and of a chosen value when the selection leaves no system.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from modcluster import catalog_from_data, request_from_data, solve
from modcluster.configure import Configurator
from modcluster.domain import Candidate, Catalog, Configuration, Request, Selection, ValueStatus
from modcluster.errors import RequestError
from modcluster.verify.configuration import verify_configuration
from tests.bruteforce_configure import Reference, ReferenceTable, allows, key_of, listed_decisions, parts_of
from tests.profiles import examples
from tests.strategies import OBJECTIVES, instances, with_people

#: Seconds per table and per ``why``: far more than any tiny instance needs, so nothing is ``unknown``.
TIME_LIMIT = 120

Instance = tuple[dict[str, Any], dict[str, Any]]


def _cases() -> list[Any]:
    return [pytest.param(objective, large) for objective in OBJECTIVES for large in (False, True)]


def _ids(value: Any) -> str:
    return ("large" if value else "small") if isinstance(value, bool) else str(value)


def _start(instance: Instance) -> tuple[Catalog, Request, Configurator]:
    catalog = catalog_from_data(instance[0])
    request = request_from_data({**instance[1], "time_limit": TIME_LIMIT})
    return catalog, request, Configurator(catalog, request)


#: The request's fields that narrow its systems: some examples drop them all, so that most have systems left.
NARROWING = ("limits", "sites", "exclude", "require", "hub")


def _draw_instance(data: st.DataObject, objective: str, large: bool, *, relax: bool = True) -> Instance:
    """A tiny catalog and request; with ``relax``, at times without the request's limits and filters."""
    catalog, request = data.draw(instances(objective=objective, large=large), label="instance")
    if relax and not data.draw(st.booleans(), label="keep the limits and filters"):
        request = {k: v for k, v in request.items() if k not in NARROWING}
    return catalog, request


def _draw_selection(data: st.DataObject, conf: Configurator) -> Configurator:
    """0-2 values chosen and 0-2 ruled out, drawn from the request's decisions (a later choice may replace one).

    Each is drawn from every value of the domain, or (as often) from the values
    possible with no selection, which leave systems more often.
    """
    pairs = [(d, v) for d, values in conf.decisions() for v in values]
    if not pairs:
        return conf
    table = conf.options()
    possible = [(r.decision, v.value) for r in table.decisions for v in r.values if v.status is ValueStatus.POSSIBLE]

    def pick(label: str) -> tuple[str, str]:
        among = pairs if not possible or data.draw(st.booleans(), label=f"{label} any value") else possible
        return data.draw(st.sampled_from(among), label=label)

    for _ in range(data.draw(st.integers(0, 2), label="how many chosen")):
        conf = conf.select(*pick("select"))
    for _ in range(data.draw(st.integers(0, 2), label="how many ruled out")):
        conf = conf.rule_out(*pick("rule out"))
    return conf


def _decisions(system: Candidate) -> dict[str, str]:
    """The decisions a reported system takes, read here again from its modules."""
    values = {"hub": system.hub}
    if system.with_people:
        values["person"] = system.person or "none"
    for m in system.modules:
        if m.source == "buy":
            values[f"modules.{m.id}.source"] = f"buy:{m.organization}"
            continue
        values[f"modules.{m.id}.source"] = "make"
        for n, step in enumerate(m.steps, start=1):
            values[f"modules.{m.id}.steps.{n}"] = step.organization
        if m.seed is not None:
            values[f"modules.{m.id}.seed"] = f"{m.seed.organization}/{m.seed.seed}"
    return values


def _check_system(ref: Reference, request: Request, selection: Selection, system: Candidate, where: str) -> None:
    """A reported system is allowed by the selection, and a candidate whose best figures are its own."""
    values = _decisions(system)
    assert allows(values, selection.chosen, selection.ruled_out), f"{where}: the selection does not allow {values}"
    best = ref.candidates().get(frozenset(values.items()))
    assert best is not None, f"{where}: no such system within the limits: {values}"
    assert best.key == key_of(request, system.cost, system.lead_time), (
        f"{where}: {system.cost}/{system.lead_time}, that candidate's best is {best.cost}/{best.lead_time}"
    )


def _check_table(
    catalog: Catalog, request: Request, ref: Reference, selection: Selection, table: Configuration
) -> ReferenceTable:
    """The table agrees with the reference on every value, on the decisions listed and on the best."""
    want = ref.table(selection)
    assert table.selection == selection
    assert table.complete, "a value or a figure was left unsettled"
    listed = [r.decision for r in table.decisions]
    assert len(set(listed)) == len(listed), f"a decision listed twice: {listed}"
    assert set(listed) == listed_decisions(catalog, request, want)
    chosen = dict(selection.chosen)
    shown: set[tuple[str, str]] = set()
    for row in table.decisions:
        values = [v.value for v in row.values]
        assert len(set(values)) == len(values), f"{row.decision}: a value listed twice: {values}"
        for v in row.values:
            where = f"{row.decision}={v.value}"
            assert v.status is not ValueStatus.UNKNOWN, f"{where}: unknown"
            assert v.selected == (chosen.get(row.decision) == v.value), f"{where}: selected is {v.selected}"
            best = want.possible.get((row.decision, v.value))
            if v.status is ValueStatus.IMPOSSIBLE:
                assert best is None, f"{where}: impossible, but the reference has {best}"
                assert v.system is None, f"{where}: impossible with a system"
                continue
            assert best is not None, f"{where}: possible at {v.cost}/{v.lead_time}, the reference has no system"
            assert v.system is not None and v.proven, where
            assert (v.cost, v.lead_time) == (best.cost, best.lead_time), (
                f"{where}: {v.cost}/{v.lead_time}, the reference's best is {best.cost}/{best.lead_time}"
            )
            assert key_of(request, v.system.cost, v.system.lead_time) == best.key, where
            assert _decisions(v.system).get(row.decision) == v.value, f"{where}: its system does not take it"
            alternative = row.decision in chosen and not v.selected  # judged with it chosen instead
            under = selection.choose(row.decision, v.value) if alternative else selection
            _check_system(ref, request, under, v.system, where)
            shown.add((row.decision, v.value))
    missing = set(want.possible) - shown
    assert not missing, f"possible in the reference, not listed as possible: {sorted(missing)}"
    assert (table.conflict is None) == (want.best is not None), f"conflict {table.conflict}, best {want.best}"
    if want.best is None:
        assert table.best is None, f"best {table.best}, the reference has no system"
    else:
        assert table.best is not None, f"no best, the reference's is {want.best.cost}/{want.best.lead_time}"
        assert (table.best.cost, table.best.lead_time) == (want.best.cost, want.best.lead_time)
        _check_system(ref, request, selection, table.best, "best")
    assert verify_configuration(catalog, request, table.to_dict()) == []
    assert verify_configuration(catalog, request, json.loads(table.to_json())) == []
    return want


def _events(table: Configuration) -> None:
    """What the example reached (``--hypothesis-show-statistics``)."""
    statuses = {v.status for r in table.decisions for v in r.values}
    event("a system is left" if table.best is not None else "no system is left")
    event(f"with {len(table.selection.items())} selection items")
    event("some value impossible" if ValueStatus.IMPOSSIBLE in statuses else "no value impossible")
    event(
        "a step or seed decision listed"
        if any(len(r.decision.split(".")) > 2 and not r.decision.endswith(".source") for r in table.decisions)
        else "no step or seed decision"
    )


def _check_blame(
    ref: Reference,
    request: Request,
    selection: Selection,
    value: tuple[str, str] | None,
    parts: tuple[str, ...] | None,
    *,
    blame_limits: bool = True,
) -> None:
    """``parts`` is a set of the selection's items and limits that excludes ``value``, as small as any."""
    where = "the selection" if value is None else f"{value[0]}={value[1]}"
    size = ref.smallest_excluding(selection, value, blame_limits=blame_limits)
    assert size is not None, f"{where}: the reference says nothing excludes it"
    assert parts is not None, f"{where}: no why, the reference's smallest has {size} parts"
    allowed = parts_of(request, selection, blame_limits=blame_limits)
    assert len(set(parts)) == len(parts) and set(parts) <= set(allowed), f"{where}: {parts} not among {allowed}"
    always = () if blame_limits else tuple(ref.limits_set())
    assert ref.excludes((*parts, *always), selection, value), f"{where}: {parts} does not exclude it"
    assert len(parts) == size, (
        f"{where}: {parts}, the smallest are {ref.excluding_sets(selection, value, blame_limits=blame_limits)}"
    )


# --------------------------------------------------------------------------- the table against brute force


@pytest.mark.parametrize(("objective", "large"), _cases(), ids=_ids)
@settings(max_examples=examples(50))
@given(data=st.data())
def test_table_matches_brute_force(objective: str, large: bool, data: st.DataObject) -> None:
    catalog, request, conf = _start(_draw_instance(data, objective, large))
    conf = _draw_selection(data, conf)
    if data.draw(st.booleans(), label="a new session"):
        # The same selection in a session that has settled nothing yet: no earlier answer to reuse.
        fresh = Configurator(catalog, request)
        for decision, value in conf.selection.chosen:
            fresh = fresh.select(decision, value)
        for decision, value in conf.selection.ruled_out:
            fresh = fresh.rule_out(decision, value)
        assert fresh.selection == conf.selection
        conf = fresh
    table = conf.options()
    _check_table(catalog, request, Reference(catalog, request), conf.selection, table)
    _events(table)


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(25))
@given(data=st.data())
def test_table_with_people_matches_brute_force(objective: str, data: st.DataObject) -> None:
    """The ``person`` decision (v1.1): who is placed, ``none`` for nobody, against the brute force's systems."""
    catalog, request, conf = _start(data.draw(with_people(objective), label="instance"))
    conf = _draw_selection(data, conf)
    table = conf.options()
    _check_table(catalog, request, Reference(catalog, request), conf.selection, table)
    assert [r.decision for r in table.decisions][:2] == ["hub", "person"]


# --------------------------------------------------------------------------- why and conflict


@pytest.mark.parametrize(("objective", "large"), _cases(), ids=_ids)
@settings(max_examples=examples(25))
@given(data=st.data())
def test_why_is_a_smallest_excluding_set(objective: str, large: bool, data: st.DataObject) -> None:
    catalog, request, conf = _start(_draw_instance(data, objective, large, relax=False))
    conf = _draw_selection(data, conf)
    ref = Reference(catalog, request)
    selection = conf.selection
    table = conf.options(explain=True)
    _check_table(catalog, request, ref, selection, table)
    _events(table)
    whys = [len(v.why) for r in table.decisions for v in r.values if v.why is not None]
    event(f"largest why: {max(whys) if whys else None}")
    for row in table.decisions:
        for v in row.values:
            pair = (row.decision, v.value)
            if v.status is ValueStatus.POSSIBLE:
                assert v.why is None, f"{pair}: possible, with a why"
                assert conf.why(*pair) is None, f"{pair}: possible, with a why"
                continue
            _check_blame(ref, request, selection, pair, v.why)
            blame = conf.why(*pair)
            assert blame is not None and blame.smallest, f"{pair}: why() is {blame}"
            _check_blame(ref, request, selection, pair, blame.parts)
    if table.best is None:
        _check_blame(ref, request, selection, None, table.conflict, blame_limits=False)
        blame = conf.conflict()
        assert blame is not None and blame.smallest, f"conflict() is {blame}"
        _check_blame(ref, request, selection, None, blame.parts, blame_limits=False)
    else:
        assert table.conflict is None
        assert conf.conflict() is None


TWO_HUBS: Instance = (
    {
        "schema": "modcluster/1",
        "defaults": {"handover_days": 0, "onboarding_cost": 0},
        "organizations": [
            {"id": "h1", "develops": ["fam"]},
            {"id": "h2", "develops": ["fam"]},
            {"id": "a", "modules": [{"type": "t", "setup_cost": 10, "setup_days": 1}]},
        ],
        "products": [{"id": "p", "family": "fam", "modules": [{"id": "m", "type": "t"}]}],
    },
    {"product": "p"},
)


def test_another_value_of_a_chosen_decision_is_an_alternative() -> None:
    """Under ``select hub=h1``, ``hub=h2`` keeps its own best (MODEL.md's example), and selecting it replaces h1."""
    _catalog, _request, conf = _start(TWO_HUBS)
    conf = conf.select("hub", "h1")
    table = conf.options(explain=True)
    row = table.row("hub")
    assert row is not None
    h2 = row.value("h2")
    assert h2 is not None and h2.status is ValueStatus.POSSIBLE and not h2.selected and h2.why is None
    assert h2.system is not None and h2.system.hub == "h2"
    assert conf.why("hub", "h2") is None  # nothing excludes it: the choice of h1 is replaced, not kept
    switched = conf.select("hub", "h2")
    assert switched.selection.items() == ("select hub=h2",)
    best = switched.options().best
    assert best is not None and (best.cost, best.lead_time) == (h2.cost, h2.lead_time)


def test_an_alternative_can_be_impossible_for_another_reason() -> None:
    """``select hub=h1``, ``rule out hub=h2``: h2 is impossible, and the rule-out (not the choice) is why."""
    catalog, request, conf = _start(TWO_HUBS)
    conf = conf.select("hub", "h1").rule_out("hub", "h2")
    ref = Reference(catalog, request)
    assert ref.smallest_excluding(conf.selection, ("hub", "h2")) == 1
    h2 = conf.options(explain=True).row("hub").value("h2")  # type: ignore[union-attr]
    assert h2 is not None and h2.status is ValueStatus.IMPOSSIBLE
    assert h2.why == ("rule out hub=h2",)


def test_why_of_a_chosen_value_when_nothing_is_left() -> None:
    """``select hub=h1`` with the only source ruled out: ``hub=h1`` is impossible, and the rule-out is why."""
    catalog, request, conf = _start(TWO_HUBS)
    conf = conf.select("hub", "h1").rule_out("modules.m.source", "buy:a")
    why = ("rule out modules.m.source=buy:a",)
    ref = Reference(catalog, request)
    assert ref.excluding_sets(conf.selection, ("hub", "h1")) == [why]
    blame = conf.why("hub", "h1")
    assert blame is not None and blame.parts == why
    table = conf.options(explain=True)
    assert table.best is None and table.conflict == why
    row = table.row("hub")
    assert row is not None
    h1 = row.value("h1")
    assert h1 is not None and h1.selected and h1.status is ValueStatus.IMPOSSIBLE
    assert h1.why == why


# --------------------------------------------------------------------------- never a dead end


@pytest.mark.parametrize(("objective", "large"), _cases(), ids=_ids)
@settings(max_examples=examples(25))
@given(data=st.data())
def test_choosing_possible_values_never_meets_a_dead_end(objective: str, large: bool, data: st.DataObject) -> None:
    catalog, request, conf = _start(_draw_instance(data, objective, large))
    ref = Reference(catalog, request)
    table = conf.options()
    _check_table(catalog, request, ref, conf.selection, table)
    if table.best is None:
        assert all(v.status is ValueStatus.IMPOSSIBLE for r in table.decisions for v in r.values)
        return
    for _ in range(sum(len(values) for _, values in conf.decisions()) + 1):
        open_rows = [r for r in table.decisions if conf.selection.value_of(r.decision) is None]
        if not open_rows:
            break
        for open_row in open_rows:
            assert open_row.possible(), (
                f"dead end: {open_row.decision} has no possible value under {conf.selection.items()}"
            )
        decision = data.draw(st.sampled_from([r.decision for r in open_rows]), label="decision")
        row = next(r for r in open_rows if r.decision == decision)
        value = data.draw(st.sampled_from(row.possible()), label="value")
        promised = row.value(value)
        assert promised is not None
        chosen = conf.select(decision, value)
        after = chosen.options()
        assert after.best is not None, f"dead end after choosing {decision}={value}"
        assert (after.best.cost, after.best.lead_time) == (promised.cost, promised.lead_time), (
            f"{decision}={value} promised {promised.cost}/{promised.lead_time}, "
            f"the best is {after.best.cost}/{after.best.lead_time}"
        )
        _check_table(catalog, request, ref, chosen.selection, after)
        back = chosen.undo()
        assert back.selection == conf.selection
        assert back.options() == table
        conf, table = chosen, after
    else:
        raise AssertionError("more choices than decisions")
    assert table.best is not None
    assert _decisions(table.best) == dict(conf.selection.chosen)
    event(f"{len(conf.selection.chosen)} choices made")


# --------------------------------------------------------------------------- immutability, refusals


SMALL: Instance = (
    {
        "schema": "modcluster/1",
        "defaults": {"handover_days": 1, "onboarding_cost": 50},
        "capabilities": [{"id": "c"}],
        "organizations": [
            {"id": "h1", "develops": ["fam"], "design_fee": 5, "integration_days": 2},
            {"id": "h2", "develops": ["fam"], "design_fee": 1, "integration_days": 3},
            {"id": "a", "modules": [{"type": "t", "setup_cost": 10, "setup_days": 5}]},
            {"id": "b", "modules": [{"type": "t", "setup_cost": 15, "setup_days": 3}]},
            {"id": "p", "processes": [{"capability": "c", "setup_cost": 8, "setup_days": 2}]},
        ],
        "relationships": [{"between": ["h1", "a"]}],
        "products": [
            {
                "id": "prod",
                "family": "fam",
                "modules": [{"id": "m", "type": "t", "make": {"steps": [{"capability": "c"}]}}],
            }
        ],
    },
    {"product": "prod"},
)


def test_select_does_not_change_the_configurator() -> None:
    catalog, request, conf = _start(SMALL)
    before = conf.options()
    assert conf.undo() is conf
    chosen = conf.select("hub", "h1")
    ruled = conf.rule_out("modules.m.source", "buy:b")
    both = chosen.rule_out("modules.m.source", "buy:b")
    assert conf.selection == Selection()
    assert chosen.selection == Selection(chosen=(("hub", "h1"),))
    assert ruled.selection == Selection(ruled_out=(("modules.m.source", "buy:b"),))
    assert both.selection == Selection(chosen=(("hub", "h1"),), ruled_out=(("modules.m.source", "buy:b"),))
    assert chosen.options() != before
    assert conf.options() == before
    assert both.undo().selection == chosen.selection
    assert chosen.selection == Selection(chosen=(("hub", "h1"),))
    ref = Reference(catalog, request)
    for c in (conf, chosen, ruled, both):
        _check_table(catalog, request, ref, c.selection, c.options())


@pytest.mark.parametrize(
    ("decision", "value", "named"),
    [
        ("hubb", "h1", "hubb"),
        ("modules.n.source", "make", "modules.n.source"),
        ("modules.m.steps.2", "p", "modules.m.steps.2"),
        ("hub", "nobody", "nobody"),
        ("hub", "a", "hub=a"),
        ("modules.m.source", "buy:p", "buy:p"),
        ("modules.m.steps.1", "a", "modules.m.steps.1=a"),
    ],
)
def test_unknown_decision_or_value_is_refused(decision: str, value: str, named: str) -> None:
    _, _, conf = _start(SMALL)
    for act in (conf.select, conf.rule_out, conf.why):
        with pytest.raises(RequestError) as caught:
            act(decision, value)
        assert named in str(caught.value)
    assert conf.selection == Selection()


# --------------------------------------------------------------------------- the verifier rejects tampering


def _entry(data: dict[str, Any], decision: str, value: str) -> dict[str, Any]:
    for row in data["decisions"]:
        if row["decision"] == decision:
            for entry in row["values"]:
                if entry["value"] == value:
                    found: dict[str, Any] = entry
                    return found
    raise KeyError(f"{decision}={value}")


@pytest.fixture(scope="module")
def tamper_case() -> tuple[Catalog, Request, dict[str, Any], dict[str, Any]]:
    """``select hub=h1``, ``rule out modules.m.source=buy:b``: a table, and one without the rule-out."""
    catalog, request, conf = _start(SMALL)
    chosen = conf.select("hub", "h1")
    table = chosen.rule_out("modules.m.source", "buy:b").options()
    assert verify_configuration(catalog, request, table) == []
    data = table.to_dict()
    assert _entry(data, "modules.m.source", "buy:a")["status"] == "possible"
    assert _entry(data, "modules.m.source", "make")["status"] == "possible"
    assert _entry(data, "modules.m.source", "buy:b")["status"] == "impossible"
    return catalog, request, data, chosen.options().to_dict()


def _problems_after(
    case: tuple[Catalog, Request, dict[str, Any], dict[str, Any]], tamper: Callable[[dict[str, Any]], None]
) -> list[str]:
    catalog, request, data, _ = case
    changed = copy.deepcopy(data)
    tamper(changed)
    return verify_configuration(catalog, request, changed)


def test_verifier_rejects_a_changed_cost(tamper_case: tuple[Catalog, Request, dict[str, Any], dict[str, Any]]) -> None:
    def tamper(data: dict[str, Any]) -> None:
        _entry(data, "modules.m.source", "buy:a")["cost"] += Decimal("0.01")

    problems = _problems_after(tamper_case, tamper)
    assert any("modules.m.source=buy:a" in p and "cost" in p for p in problems), problems


def test_verifier_rejects_a_ruled_out_value_marked_possible(
    tamper_case: tuple[Catalog, Request, dict[str, Any], dict[str, Any]],
) -> None:
    unruled = _entry(tamper_case[3], "modules.m.source", "buy:b")
    assert unruled["status"] == "possible"

    def tamper(data: dict[str, Any]) -> None:
        entry = _entry(data, "modules.m.source", "buy:b")
        entry.update(
            {k: copy.deepcopy(unruled[k]) for k in ("status", "cost", "lead_time", "proven_optimal", "system")}
        )

    problems = _problems_after(tamper_case, tamper)
    assert any("modules.m.source=buy:b" in p and "possible, but it is ruled out" in p for p in problems), problems
    assert any("modules.m.source=buy:b" in p and "ruled-out" in p for p in problems), problems


def test_verifier_rejects_a_dropped_selected(
    tamper_case: tuple[Catalog, Request, dict[str, Any], dict[str, Any]],
) -> None:
    def tamper(data: dict[str, Any]) -> None:
        del _entry(data, "hub", "h1")["selected"]

    problems = _problems_after(tamper_case, tamper)
    assert any("hub=h1" in p and "selected" in p for p in problems), problems


def test_verifier_rejects_a_system_that_does_not_take_its_value(
    tamper_case: tuple[Catalog, Request, dict[str, Any], dict[str, Any]],
) -> None:
    def tamper(data: dict[str, Any]) -> None:
        make, buy = _entry(data, "modules.m.source", "make"), _entry(data, "modules.m.source", "buy:a")
        for key in ("cost", "lead_time", "system"):
            make[key], buy[key] = buy[key], make[key]

    problems = _problems_after(tamper_case, tamper)
    assert any("modules.m.source=make" in p and "does not take" in p for p in problems), problems
    assert any("modules.m.source=buy:a" in p and "does not take" in p for p in problems), problems


def test_verifier_rejects_a_best_that_is_not_the_best(
    tamper_case: tuple[Catalog, Request, dict[str, Any], dict[str, Any]],
) -> None:
    data = tamper_case[2]
    best = data["best"]
    worse = next(
        e["system"]
        for e in (_entry(data, "modules.m.source", v) for v in ("make", "buy:a"))
        if (e["cost"], e["lead_time"]) != (best["cost"], best["lead_time"])
    )

    def tamper(changed: dict[str, Any]) -> None:
        changed["best"] = copy.deepcopy(worse)

    problems = _problems_after(tamper_case, tamper)
    assert any("better than best" in p for p in problems), problems


def test_the_later_act_wins_between_choosing_and_ruling_out_a_value() -> None:
    """Ruling out the chosen value un-chooses it; choosing a ruled-out value takes the rule-out back.

    (A selection holding both asked for a system that takes a value it may not take: the table lost the
    decision's row, where the reference judges the other values as alternatives.)
    """
    catalog, request, conf = _start(TWO_HUBS)
    ruled = conf.select("hub", "h1").rule_out("hub", "h1")
    assert ruled.selection.items() == ("rule out hub=h1",)
    h1 = ruled.options().row("hub").value("h1")  # type: ignore[union-attr]
    assert h1 is not None and h1.status is ValueStatus.IMPOSSIBLE
    chosen = ruled.select("hub", "h1")
    assert chosen.selection.items() == ("select hub=h1",)
    assert chosen.options().best is not None
    with pytest.raises(RequestError, match=r"rule_out\.hub\[0\]: rules out 'h1', the value select\.hub chooses"):
        solve(catalog, request.with_changes(select={"hub": "h1"}, rule_out={"hub": ["h1"]}))
