"""Hand-derived tests of the exact arithmetic the verifier (and the solver) rely on.

``round_money``, ``ceil_decimal``, ``exact`` and ``requirements_met`` are
shared by the solver and the verifier, so a bug in them moves both together
and no comparison between the two can see it. These tests compare them with
values worked out by hand from MODEL.md instead (the working is in the
comments), and so do the verifier's own small helpers: lot durations and
costs, taxonomy descent, onboarding and the objective's order.

The oracle of tests/bruteforce.py has arithmetic of its own; its rounding is
checked against the same hand values at the end.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest

from modcluster.domain import (
    CENT,
    Catalog,
    Intermediary,
    Organization,
    Relationship,
    Request,
    Requirement,
    ceil_decimal,
    dumps,
    exact,
    requirements_met,
    round_money,
)
from modcluster.verify import objective_tuple
from modcluster.verify.eligibility import descends
from modcluster.verify.evaluation import lot_cost, onboarding_cost, task_days
from tests.bruteforce import half_up_cents

D = Decimal

# --------------------------------------------------------------------------- round_money: half-up to 0.01, per term


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        # 0.005 is exactly half a cent: half-up gives 0.01 (half-even would give 0.00)
        ("0.005", "0.01"),
        # 0.015: half-up 0.02 (half-even also 0.02; the binary float 0.015 is 0.01499... and would give 0.01)
        ("0.015", "0.02"),
        # 0.025: half-up 0.03 (half-even 0.02)
        ("0.025", "0.03"),
        # 1.005: 1.01 (the float 1.005 is 1.00499... and would give 1.00)
        ("1.005", "1.01"),
        # 2.675: 2.68 (the float gives 2.67)
        ("2.675", "2.68"),
        # just below half a cent: down
        ("0.004999", "0.00"),
        ("0.0049999999999999999999999999999", "0.00"),
        # just above: up
        ("0.0050000000000000000000000000001", "0.01"),
        # three decimals of a catalog: 12.345 -> 12.35; 139.993 -> 139.99 (199.99 * 0.7)
        ("12.345", "12.35"),
        ("139.993", "139.99"),
        # already whole cents stay as they are, and gain two places
        ("800", "800.00"),
        ("722.5", "722.50"),
        # 999,999,999,999.995 -> 1,000,000,000,000.00 (the carry runs through every digit)
        ("999999999999.995", "1000000000000.00"),
        # zero, and negative zero: equal to 0
        ("0", "0.00"),
        ("-0", "0.00"),
        ("-0.004", "0.00"),
        # the half of a negative amount goes away from zero, like the positive one: round(-x) == -round(x)
        ("-0.005", "-0.01"),
        ("-0.015", "-0.02"),
        ("-0.0049", "0.00"),
    ],
)
def test_round_money_half_up(amount: str, rounded: str) -> None:
    with decimal.localcontext(exact()):
        got = round_money(D(amount))
    assert got == D(rounded)
    assert got.as_tuple().exponent == -2, f"{got} is not in cents"


def test_round_money_is_symmetric_and_negative_zero_writes_as_zero() -> None:
    with decimal.localcontext(exact()):
        for text in ("0.005", "0.015", "0.125", "7.994999", "7.995"):
            assert round_money(-D(text)) == -round_money(D(text)), text
        negative_zero = round_money(D("-0.004"))
    # -0.004 rounds to -0.00: numerically zero, and never written as "-0" in a solution
    assert negative_zero == 0 and negative_zero.is_signed()
    assert dumps({"cost": negative_zero}, indent=None) == '{"cost": 0}'
    assert dumps({"cost": D("-0")}, indent=None) == '{"cost": 0}'


def test_round_money_needs_the_exact_context_for_long_figures() -> None:
    # 31 digits with a half cent: ...678.905 -> ...678.91, 30 digits once rounded to cents,
    # more than the default context's 28: the verifier rounds inside exact()
    amount = D("1234567890123456789012345678.905")
    with decimal.localcontext(exact()):
        assert round_money(amount) == D("1234567890123456789012345678.91")
    narrow = decimal.Context(prec=28, traps=[decimal.InvalidOperation])
    with decimal.localcontext(narrow), pytest.raises(decimal.InvalidOperation):
        round_money(amount)


def test_exact_context_keeps_sums_and_products_exact() -> None:
    with decimal.localcontext(exact()):
        assert D("0.1") + D("0.2") == D("0.3")
        # 30 significant digits squared: (10^15 - 10^-15)^2 = 10^30 - 2 + 10^-30, all 61 digits kept
        a = D(10) ** 15 - D("1e-15")
        assert a * a == D("999999999999999999999999999998.000000000000000000000000000001")
        # 10^15 times 10^-30 plus 1: 1 + 10^-15, not rounded away
        assert D(10) ** 15 * D("1e-30") + D(1) == D("1.000000000000001")
    assert D("0.01") == CENT


# --------------------------------------------------------------------------- ceil_decimal and lot durations


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [
        (D("0.7") * 10, 7),  # the contract's example: exactly 7.0, so 7
        (D(10) * D("0.7"), 7),  # bridge_days 10 * bridging 0.7
        (D(50) * D("1.1"), 55),  # exactly 55 (in binary floats 50 * 1.1 = 55.00000000000001 -> 56)
        (D("2.0000000000000001"), 3),  # a float would read 2.0 -> 2
        (D(10) ** 15 + D("0.01"), 10**15 + 1),  # a float would drop the 0.01 -> 10^15
        (D(5) * D("0.7"), 4),  # 3.5 -> 4
        (D("7.0000001"), 8),
        (D(7), 7),
        (D(0), 0),
        (D("-0"), 0),
        (D("-0.5"), 0),  # the ceiling goes up, towards +infinity
        (D("0.001"), 1),
        (D("1e-30"), 1),
        (D(10) ** 15 + D("0.5"), 10**15 + 1),
    ],
)
def test_ceil_decimal(value: Decimal, ceiling: int) -> None:
    assert ceil_decimal(value) == ceiling
    assert type(ceil_decimal(value)) is int


@pytest.mark.parametrize(
    ("setup_days", "units_per_day", "quantity", "days"),
    [
        (3, D(40), 100, 6),  # 3 + ceil(2.5) = 3 + 3
        (3, D(40), 80, 5),  # 3 + ceil(2) = 3 + 2: exact division, no extra day
        (0, D("0.7"), 7, 10),  # 7 / 0.7 = 10 exactly
        (0, D("0.7"), 21, 30),  # 21 / 0.7 = 30 exactly (in binary floats 30.000000000000004 -> 31)
        (0, D("0.7"), 42, 60),  # 42 / 0.7 = 60 exactly (in binary floats 60.00000000000001 -> 61)
        (1, D("0.7"), 1500, 2144),  # 1 + ceil(2142.857...) = 1 + 2143
        (0, D(3), 10, 4),  # ceil(3.33...) = 4
        (0, D(3), 9, 3),
        (2, D("12.5"), 1, 3),  # 2 + ceil(0.08) = 2 + 1
        (4, None, 1500, 4),  # no units_per_day: just the setup
        (0, None, 1, 0),  # a 0-day task
    ],
)
def test_lot_days(setup_days: int, units_per_day: Decimal | None, quantity: int, days: int) -> None:
    assert task_days(setup_days, units_per_day, quantity) == days


@pytest.mark.parametrize(
    ("setup", "unit", "quantity", "cost"),
    [
        ("50", "2.5", 100, "300.00"),  # 50 + 250
        ("0", "0.005", 1, "0.01"),  # half a cent: up
        ("0", "0.005", 100, "0.50"),
        ("0.004", "0.001", 1, "0.01"),  # 0.005 as a whole term: up (each part alone would round to 0.00)
        ("10", "0.125", 100, "22.50"),
        ("0", "0.0049", 1, "0.00"),
        ("999999.995", "0", 7, "1000000.00"),
        ("0", "666.665", 1500, "999997.50"),  # 999,997.5 exactly
        ("0", "0.333", 3, "1.00"),  # 0.999 -> 1.00
    ],
)
def test_lot_cost_rounds_the_whole_term(setup: str, unit: str, quantity: int, cost: str) -> None:
    got = lot_cost(D(setup), D(unit), quantity)
    assert got == D(cost) and got.as_tuple().exponent == -2


# --------------------------------------------------------------------------- requirements


def _met(require: dict[str, Requirement], **attributes: object) -> bool:
    return requirements_met(require, dict(attributes))


@pytest.mark.parametrize(
    ("requirement", "value", "met"),
    [
        # min and max are inclusive at both ends
        (Requirement(min=D(4)), D(4), True),
        (Requirement(min=D(4)), D("4.0"), True),
        (Requirement(min=D(4)), D("3.9999"), False),
        (Requirement(min=D(4)), D(5), True),
        (Requirement(max=D(5)), D(5), True),
        (Requirement(max=D(5)), D("5.0001"), False),
        (Requirement(max=D(5)), D(-1), True),
        (Requirement(min=D(4), max=D(5)), D(4), True),
        (Requirement(min=D(4), max=D(5)), D(5), True),
        (Requirement(min=D(4), max=D(5)), D("4.5"), True),
        (Requirement(min=D(4), max=D(5)), D(3), False),
        (Requirement(min=D(4), max=D(5)), D(6), False),
        (Requirement(min=D(5), max=D(5)), D(5), True),
        (Requirement(min=D("0.1")), D("0.10"), True),
        # negative zero is zero
        (Requirement(min=D(0)), D("-0"), True),
        (Requirement(max=D("-0")), D(0), True),
        # min/max against a value that is not a number fail
        (Requirement(min=D(1)), "5", False),
        (Requirement(max=D(9)), "5", False),
        (Requirement(min=D(0)), True, False),
        # in compares values for equality, and a text is never a number (nor a boolean a number)
        (Requirement(in_=("matte", "gloss")), "matte", True),
        (Requirement(in_=("matte", "gloss")), "gloss", True),
        (Requirement(in_=("matte", "gloss")), "satin", False),
        (Requirement(in_=("matte",)), "Matte", False),
        (Requirement(in_=("5",)), D(5), False),
        (Requirement(in_=(D(5),)), "5", False),
        (Requirement(in_=(D(5),)), D("5.0"), True),
        (Requirement(in_=(D(5), "5")), D(5), True),
        (Requirement(in_=(D(1),)), True, False),
        (Requirement(in_=(True,)), D(1), False),
        (Requirement(in_=(True,)), True, True),
        (Requirement(in_=(False,)), False, True),
        # no condition at all: the attribute need only be there
        (Requirement(), D(0), True),
        (Requirement(), False, True),
    ],
)
def test_requirement_bounds_and_in(requirement: Requirement, value: object, met: bool) -> None:
    assert _met({"a": requirement}, a=value) is met


def test_requirements_need_every_attribute() -> None:
    tol = Requirement(max=D(5))
    assert _met({}, tol=D(99)) is True  # nothing required
    assert _met({}) is True
    assert _met({"tol": tol}) is False  # the offer lacks the attribute
    assert _met({"tol": Requirement()}) is False
    assert _met({"tol": tol}, other=D(1)) is False
    assert _met({"tol": tol, "finish": Requirement(in_=("matte",))}, tol=D(5), finish="matte") is True
    assert _met({"tol": tol, "finish": Requirement(in_=("matte",))}, tol=D(5)) is False
    assert _met({"tol": tol, "finish": Requirement(in_=("matte",))}, tol=D(6), finish="matte") is False


# --------------------------------------------------------------------------- taxonomy and onboarding


def test_taxonomy_descent() -> None:
    # machining <- 5axis <- fine; plating apart; a diamond: x <- y, x <- z, y,z <- w
    parents = {
        "machining": (),
        "5axis": ("machining",),
        "fine": ("5axis",),
        "plating": (),
        "x": (),
        "y": ("x",),
        "z": ("x",),
        "w": ("y", "z"),
    }
    assert descends(parents, "fine", "machining")  # two levels down
    assert descends(parents, "5axis", "5axis")  # itself
    assert not descends(parents, "machining", "fine")  # up is not down
    assert not descends(parents, "plating", "machining")
    assert descends(parents, "w", "x") and descends(parents, "w", "z")
    assert not descends(parents, "y", "z")  # siblings


def test_onboarding_is_the_lowest_shared_fee() -> None:
    # H and P share I1 (120) and I2 (80): 80. H and Q share only I3 (500, above the default 300): 500.
    # H and R share none (I4 holds R alone): the default 300. T is tied to H (given as [T, H]): none.
    catalog = Catalog(
        defaults={"onboarding_cost": 300},
        organizations=[Organization(id=o) for o in ("H", "P", "Q", "R", "T")],
        intermediaries=[
            Intermediary(id="I1", members=("H", "P"), onboarding_cost=D(120)),
            Intermediary(id="I2", members=("P", "H", "Q"), onboarding_cost=D(80)),
            Intermediary(id="I3", members=("Q", "H"), onboarding_cost=D(500)),
            Intermediary(id="I4", members=("R",), onboarding_cost=D(1)),
        ],
        relationships=[Relationship(between=("T", "H"))],
    )
    assert onboarding_cost(catalog, "H", "P") == D(80)
    assert onboarding_cost(catalog, "H", "Q") == D(80)  # I2 holds Q too: the lowest of 80 and 500
    assert onboarding_cost(catalog, "H", "R") == D(300)
    assert onboarding_cost(catalog, "H", "T") is None
    assert onboarding_cost(catalog, "H", "H") is None
    only_dear = catalog.replace(intermediaries=(Intermediary(id="I3", members=("Q", "H"), onboarding_cost=D(500)),))
    assert onboarding_cost(only_dear, "H", "Q") == D(500)  # read literally: above the default


# --------------------------------------------------------------------------- the objective's order


def test_objective_keys_and_tie_breaks() -> None:
    cost, lead = D("722.50"), 10
    assert objective_tuple(Request(product="p"), cost, lead) == (D("722.50"), D(10))
    assert objective_tuple(Request(product="p", objective="lead_time"), cost, lead) == (D(10), D("722.50"))
    # 0.3333 * 722.50 = 216.75 + 21.675 + 2.1675 + 0.21675 = 240.80925; + 1.0001 * 10 = 10.001: 250.81025
    weighted = Request(product="p", objective="weighted", weights={"cost": D("0.3333"), "lead_time": D("1.0001")})
    assert objective_tuple(weighted, cost, lead) == (D("250.81025"), D("722.50"), D(10))
    # equal weighted values: the cheaper first, then the faster
    even = Request(product="p", objective="weighted", weights={"cost": 1, "lead_time": 1})
    assert objective_tuple(even, D(10), 5) < objective_tuple(even, D(11), 4)  # 15 = 15: cost 10 < 11
    assert objective_tuple(even, D(10), 5) == (D(15), D(10), D(5))
    # cost: equal cost, the shorter first; lead_time: equal lead, the cheaper first
    assert objective_tuple(Request(product="p"), D(5), 3) < objective_tuple(Request(product="p"), D(5), 4)
    fastest = Request(product="p", objective="lead_time")
    assert objective_tuple(fastest, D("5.00"), 3) < objective_tuple(fastest, D("5.01"), 3)


# --------------------------------------------------------------------------- the oracle's own rounding


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("0.005", 1), ("0.015", 2), ("0.025", 3), ("1.005", 101), ("2.675", 268), ("0.004999", 0), ("0", 0)],
)
def test_the_oracle_rounds_half_up_too(amount: str, cents: int) -> None:
    assert half_up_cents(Fraction(D(amount))) == cents
