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


@pytest.mark.parametrize(
    ("required", "offered", "line"),
    [
        # the requirement's bound: ``max 0.0000001``, not ``max 1E-7``
        ("0.0000001", "3", "best tolerance_um offered is 3 (mini-machining); max 0.0000001 required"),
        # the best value offered too: ``0.00000005``, not ``5E-8``
        ("0.00000001", "5e-8", "best tolerance_um offered is 0.00000005 (mini-machining); max 0.00000001 required"),
    ],
)
def test_explain_prints_tiny_numbers_in_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], required: str, offered: str, line: str
) -> None:
    """``modcluster explain`` of a step nobody can do writes its numbers out in full, never with an exponent."""
    text = MINI.read_text()
    assert text.count("tolerance_um: {max: 5}") == 1
    assert text.count("attributes: {tolerance_um: 3}") == 1
    text = text.replace("tolerance_um: {max: 5}", f"tolerance_um: {{max: {required}}}")
    catalog = tmp_path / "tiny.yaml"
    catalog.write_text(text.replace("attributes: {tolerance_um: 3}", f"attributes: {{tolerance_um: {offered}}}"))
    main(["explain", str(catalog), "--product", "mini-sensor"])
    out = capsys.readouterr().out
    assert line in out
    assert "E-" not in out
