"""Numbers in text for people are written out in full, never with an exponent (``plain_number``).

A catalog may write ``1.2e6`` or ``1e-7``; the exact Decimal keeps that
exponent, and ``str`` of it would print ``1.2E+6``. ``modcluster diff``
(tests/test_versions.py), ``explain`` and ``gaps`` print ``1200000`` and
``0.0000001`` instead.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from modcluster.cli import main
from modcluster.domain import Requirement
from modcluster.domain.catalog import plain_number

MINI = Path(__file__).resolve().parent.parent / "catalogs" / "examples" / "mini.yaml"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1.2E+6"), "1200000"),
        (Decimal("2E+3"), "2000"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("-1.5E-3"), "-0.0015"),
        (Decimal("8.50"), "8.50"),  # the digits as written
        (Decimal("1234567.89"), "1234567.89"),
        (1e-7, "0.0000001"),
        (1.2e6, "1200000.0"),
        (5000, "5000"),
        ("ISO5", "ISO5"),
    ],
)
def test_a_number_is_written_out_in_full(value: object, text: str) -> None:
    assert plain_number(value) == text


def test_a_requirement_is_described_without_an_exponent() -> None:
    assert Requirement(max=Decimal("1E-7")).describe() == "max 0.0000001"
    assert Requirement(min=Decimal("2E+3"), max=Decimal("1.2E+6")).describe() == "min 2000 and max 1200000"
    assert Requirement.model_validate({"in": ["A", Decimal("1E+1")]}).describe() == "one of A, 10"
    assert Requirement().describe() == "present"


def test_explain_prints_a_tiny_bound_in_full(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``modcluster explain`` of a step nobody can do: ``max 0.0000001 required``, not ``max 1E-7``."""
    text = MINI.read_text()
    assert text.count("tolerance_um: {max: 5}") == 1
    catalog = tmp_path / "tiny-tolerance.yaml"
    catalog.write_text(text.replace("tolerance_um: {max: 5}", "tolerance_um: {max: 0.0000001}"))
    main(["explain", str(catalog), "--product", "mini-sensor"])
    out = capsys.readouterr().out
    assert "best tolerance_um offered is 3 (mini-machining); max 0.0000001 required" in out
    assert "E-7" not in out


def test_explain_prints_a_tiny_offered_value_in_full(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The best value offered is written out in full too: ``0.00000005``, not ``5E-8``."""
    text = MINI.read_text()
    assert text.count("attributes: {tolerance_um: 3}") == 1
    tiny = text.replace("tolerance_um: {max: 5}", "tolerance_um: {max: 0.00000001}")
    catalog = tmp_path / "tiny-offer.yaml"
    catalog.write_text(tiny.replace("attributes: {tolerance_um: 3}", "attributes: {tolerance_um: 5e-8}"))
    main(["explain", str(catalog), "--product", "mini-sensor"])
    out = capsys.readouterr().out
    assert "best tolerance_um offered is 0.00000005 (mini-machining); max 0.00000001 required" in out
    assert "E-" not in out
