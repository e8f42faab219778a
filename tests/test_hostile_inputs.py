"""Hostile inputs, round two (issue 15): each answered with a located error and exit 2, never a crash.

Numbers go through one bounded reader (:func:`modcluster.domain.values.read_number`)
wherever they are written: catalog, request and sweep files, flags and
solution files; values given from Python are bounded by the models without
ever raising :class:`decimal.Overflow`. The commands run in this process
(``modcluster.cli.app.main``): the exit code and the message are what is
checked, never the time taken.
"""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster.cli import main
from modcluster.domain import READ_MAX_DIGITS, READ_MAX_EXPONENT, read_number, readable
from modcluster.errors import ExitCode, InputError, ParseError, ValidationError
from modcluster.io import catalog_from_data, load_catalog, parse_document

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"

HUGE = ["1e1000000", "1e999999999", "-1E+1000000", "1e-1000000", "0e-99999999", "1" * 5000 + ".5"]

MINI_CATALOG = """\
schema: modcluster/1
capabilities: [{id: a}]
organizations:
  - {id: hub, develops: [f], design_fee: DESIGN_FEE}
  - {id: seller, modules: [{type: t, unit_cost: 1}]}
products:
  - {id: p, family: f, modules: [{id: m, type: t}]}
"""


def short_id(value: Any) -> str:
    """A readable test id for a long number."""
    text = repr(value) if not isinstance(value, int) or value < 10**100 else "10**5000"
    return text if len(text) <= 24 else f"{text[:12]}...{len(text)}"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command in this process; return the exit code, stdout and stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refusals
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code: int, err: str, *needles: str) -> None:
    """Exit 2 with a one-problem-per-line message naming each needle, and no internal error."""
    assert code == ExitCode.BAD_INPUT, err
    assert "internal error" not in err and "Traceback" not in err and "Overflow" not in err, err
    for needle in needles:
        assert needle in err, err


# --------------------------------------------------------------------------- the reader itself


@pytest.mark.parametrize("text", HUGE, ids=short_id)
def test_read_number_refuses_beyond_its_limits(text: str) -> None:
    with pytest.raises(ValueError, match="beyond what modcluster reads"):
        read_number(text)


@pytest.mark.parametrize(
    "text",
    ["0", "-12.50", "1e15", f"1e{READ_MAX_EXPONENT}", f"1e-{READ_MAX_EXPONENT}", "9" * READ_MAX_DIGITS],
    ids=short_id,
)
def test_read_number_reads_up_to_its_limits(text: str) -> None:
    assert read_number(text) == Decimal(text)


@pytest.mark.parametrize("text", ["nan", "-Infinity", "sNaN", "abc", ""])
def test_read_number_refuses_what_is_not_a_finite_number(text: str) -> None:
    with pytest.raises(ValueError):
        read_number(text)


def test_every_value_the_reader_accepts_is_safe_to_compute_with() -> None:
    """At the limits, the comparisons and sums the models make raise nothing."""
    for text in (f"1e{READ_MAX_EXPONENT}", f"-1e{READ_MAX_EXPONENT}", f"1e-{READ_MAX_EXPONENT}"):
        value = read_number(text)
        assert readable(value) is None
        assert abs(value) >= 0 and value * value >= 0 and value + value != value + 1


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("number", HUGE, ids=short_id)
@pytest.mark.parametrize("suffix", [".yaml", ".json", ".toml"])
def test_catalog_number_beyond_the_reader_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], number: str, suffix: str
) -> None:
    text = MINI_CATALOG.replace("DESIGN_FEE", number)
    if suffix != ".yaml":
        data = parse_document(MINI_CATALOG.replace("DESIGN_FEE", "1.5"), "yaml").data
        if suffix == ".json":
            text = json.dumps(data, default=str).replace('"1.5"', number)
        else:
            text = _toml(data).replace("1.5", number)
    path = tmp_path / f"c{suffix}"
    path.write_text(text, encoding="utf-8")
    code, _out, err = cli(capsys, "validate", str(path))
    assert_refused(code, err, "organizations[0].design_fee", "beyond what modcluster reads")
    if suffix != ".toml":  # TOML keeps no positions
        assert f"c{suffix}:" in err and err.split(":")[2].strip().isdigit(), err


def _toml(data: dict[str, Any]) -> str:
    """A small TOML writer for the test catalog (inline tables in arrays)."""

    def value(v: Any) -> str:
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, Decimal)):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"

    return "".join(f"{key} = {value(v)}\n" for key, v in data.items())


def test_request_quantity_beyond_the_reader_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = tmp_path / "r.yaml"
    request.write_text("product: mini-sensor\nquantity: 1e999999999\n", encoding="utf-8")
    code, _out, err = cli(capsys, "solve", str(MINI), "--request", str(request))
    assert_refused(code, err, "r.yaml:2:11: quantity:", "beyond what modcluster reads")


def test_sweep_grid_value_beyond_the_reader_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("schema: modcluster/sweep/1\ngrid:\n  budget: [100, 1e1000000]\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    code, _out, err = cli(capsys, "sweep", str(MINI), str(spec), "--out", str(out), "--workers", "1", "--quiet")
    assert_refused(code, err, "s.yaml:3:", "grid.budget[1]", "beyond what modcluster reads")


def test_solution_cost_beyond_the_reader_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solution = tmp_path / "sol.json"
    solution.write_text('{"schema": "modcluster/solution/1", "candidates": [{"cost": 1e999999999}]}\n')
    code, _out, err = cli(capsys, "verify", str(MINI), str(solution))
    assert_refused(code, err, "sol.json:1:", "candidates[0].cost", "beyond what modcluster reads")


def test_results_file_number_beyond_the_reader_is_a_bad_line(tmp_path: Path) -> None:
    from modcluster.sweep import read_results

    results = tmp_path / "r.jsonl"
    line = {"scenario": "a", "status": "optimal", "fingerprint": "x", "params": {}}
    results.write_text(json.dumps(line)[:-1] + ', "seconds": 1e999999}\n')
    with pytest.raises(InputError, match="beyond what modcluster reads"):
        read_results(results)


# --------------------------------------------------------------------------- flags


@pytest.mark.parametrize("flag", ["--budget", "--weight-cost", "--weight-lead-time", "--time-limit"])
@pytest.mark.parametrize("number", ["1e1000000", "1" * 5000, "nan", "-inf"], ids=short_id)
def test_decimal_flag_beyond_the_reader_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], flag: str, number: str
) -> None:
    code, _out, err = cli(capsys, "solve", str(MINI), "--product", "mini-sensor", flag, number)
    assert_refused(code, err, f"argument {flag}")


# --------------------------------------------------------------------------- library


@pytest.mark.parametrize(
    "value", [Decimal("1e1000000"), Decimal("-1e999999999"), Decimal("1e-1000000"), 10**5000, 1e308], ids=short_id
)
def test_catalog_from_data_refuses_huge_numbers_without_overflow(value: Any) -> None:
    data = parse_document(MINI_CATALOG.replace("DESIGN_FEE", "1"), "yaml").data
    data["organizations"][0]["design_fee"] = value
    with decimal.localcontext() as context:
        context.traps[decimal.Overflow] = True
        with pytest.raises(ValidationError, match=r"organizations\[0\]\.design_fee"):
            catalog_from_data(data)


def test_verify_solution_reports_a_huge_cost_without_overflow() -> None:
    from modcluster.engine import solve
    from modcluster.io import build_request
    from modcluster.verify import verify_solution

    catalog = load_catalog(MINI)
    request = build_request(catalog, "mini-sensor")
    data = solve(catalog, request).to_dict()
    data = json.loads(json.dumps(data, default=str))  # plain and mutable
    data["candidates"][0]["cost"] = Decimal("1e999999999")
    data["request"]["quantity"] = Decimal("1e1000000")
    problems = verify_solution(catalog, request, data)
    assert any("cost" in p for p in problems), problems


def test_a_huge_number_from_a_parse_error_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="beyond what modcluster reads"):
        parse_document('{"a": 1e1000000}', "json")


# --------------------------------------------------------------------------- bad flags: exit 2, a clear message


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ("a,,b", "not a rank: 'a'"),
        ("1,,2", "an empty rank"),
        (",", "an empty rank"),
        ("a,b", "not a rank: 'a'"),
        ("1e0", "not a rank: '1e0'"),
        ("1,-2", "not a rank: '-2'"),
        ("0,1", "not a rank: '0'"),
        ("1,99999999999999999999999", "is above 1,000"),
        ("1,٣", "not a rank"),  # an Arabic-Indic digit: isdigit() but not a rank
        ("2,2", "two different ranks"),
    ],
)
def test_compare_ranks_refused_as_a_usage_error(capsys: pytest.CaptureFixture[str], ranks: str, message: str) -> None:
    code, _out, err = cli(capsys, "compare", str(MINI), "--ranks", ranks)
    assert_refused(code, err, "argument --ranks", message)
    assert "pydantic" not in err and "https://" not in err


def test_compare_ranks_parse_what_they_should() -> None:
    from modcluster.cli.analyses import ranks_arg

    assert ranks_arg(" 3,1, 3,002") == [1, 2, 3]


def test_request_with_changes_raises_a_request_error() -> None:
    from modcluster.errors import RequestError
    from modcluster.io import build_request

    request = build_request(load_catalog(MINI), "mini-sensor")
    with pytest.raises(RequestError, match=r"candidates: .* too large"):
        request.with_changes(candidates=99999999999999999999999)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tightness", "nan"], "tightness is a number from 0"),
        (["--tightness", "2"], "tightness is a number from 0"),
        (["--tightness", "-1"], "tightness is a number from 0"),
        (["--tightness", "1e1000000"], "tightness is a number from 0"),
        (["--organizations", "100000000"], "organizations: at most 1,000,000"),
        (["--modules", "99999999"], "modules: at most 10,000"),
        (["--products", "10000000"], "products: at most 100,000"),
    ],
)
def test_generate_refuses_bad_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "g.yaml"
    code, _out, err = cli(capsys, "generate", *argv, "--out", str(out))
    assert_refused(code, err, message)
    assert not out.exists()


@pytest.mark.parametrize("address", ["not a url", "http://x:8786", "tcp://", "tcp://x:99999", "tcp://x:", "tcp://[::1"])
def test_sweep_dask_address_refused_before_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    out = tmp_path / "r.jsonl"
    spec = tmp_path / "s.yaml"
    spec.write_text("schema: modcluster/sweep/1\ngrid: {quantity: [1]}\n", encoding="utf-8")
    code, _out, err = cli(capsys, "sweep", str(MINI), str(spec), "--out", str(out), "--dask", address)
    assert_refused(code, err, "argument --dask: not a Dask scheduler address")
    assert not out.exists()  # a usage error: nothing opened


def test_sweep_dask_address_accepts_the_usual_forms() -> None:
    from modcluster.cli.sweep import dask_address

    for address in ("tcp://10.0.0.5:8786", "scheduler:8786", "scheduler", "tls://[::1]:8786", "inproc://a/b"):
        assert dask_address(address) == address


# --------------------------------------------------------------------------- text: surrogates, control characters, NFC

CONTROL_CATALOG = """\
schema: modcluster/1
name: NAME
capabilities: [{id: a}]
organizations:
  - {id: hub, develops: [f], site: Hachioji}
  - {id: SELLER, modules: [{type: t}]}
products:
  - {id: p, family: f, modules: [{id: m, type: t}]}
"""


def _catalog_json(tmp_path: Path, name: str = "plain", seller: str = "seller") -> Path:
    data = parse_document(CONTROL_CATALOG.replace("NAME", "x").replace("SELLER", "s"), "yaml").data
    data["name"] = name
    data["organizations"][1]["id"] = seller
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")  # \\ud800 stays an escape in the file
    return path


def test_a_lone_surrogate_in_a_name_is_refused_at_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "validate", str(_catalog_json(tmp_path, name="bad \ud800 name")))
    assert_refused(code, err, "c.json:1:", "name: holds a lone surrogate U+D800")
    assert "UnicodeEncodeError" not in err


def test_a_lone_surrogate_in_an_id_is_refused_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "validate", str(_catalog_json(tmp_path, seller="s\udc80")))
    assert_refused(code, err, "organizations[1].id: holds a lone surrogate")


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\x1b", "control character U+001B"),
        ("\x07", "control character U+0007"),
        ("\r", "control character U+000D"),
        ("\x85", "control character U+0085"),
        ("\u202e", "invisible format character U+202E"),
        ("\u200b", "invisible format character U+200B"),
        ("\u2028", "character U+2028"),
    ],
)
def test_control_characters_in_ids_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], char: str, kind: str
) -> None:
    code, _out, err = cli(capsys, "validate", str(_catalog_json(tmp_path, seller=f"mini-lab{char}[31mRED")))
    assert_refused(code, err, "organizations[1].id: an id may not hold the", kind)
    assert char not in err  # the message names it, never prints it


def test_control_characters_in_free_text_are_escaped_when_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _catalog_json(tmp_path, name="evil \x1b[31mRED\u202e\x07 na\rme")
    code, out, err = cli(capsys, "validate", str(path))
    assert code == ExitCode.OPTIMAL, err
    assert "evil \\u001b[31mRED\\u202e\\u0007 na\\u000dme" in out
    assert not any(c in out + err for c in "\x1b\u202e\x07\r")
    code, out, _err = cli(capsys, "validate", str(path), "--json")
    assert code == ExitCode.OPTIMAL and "\x1b" not in out
    code, out, _err = cli(capsys, "solve", str(path), "--product", "p", "--json", "--quiet")
    assert code == ExitCode.OPTIMAL and json.loads(out)["status"] == "optimal"


def test_ids_equal_after_nfc_are_one_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    data = parse_document(CONTROL_CATALOG.replace("NAME", "x").replace("SELLER", "s"), "yaml").data
    data["organizations"][0]["id"] = nfc
    data["organizations"][1]["id"] = nfd
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = cli(capsys, "validate", str(path))
    assert_refused(code, err, "organizations[1]: duplicate organization 'café'")
    # A request naming the NFD spelling finds the NFC id of the catalog.
    data["organizations"][1]["id"] = "seller"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = cli(capsys, "solve", str(path), "--product", "p", "--hub", nfd, "--json", "--quiet")
    assert code == ExitCode.OPTIMAL, err
    assert json.loads(out)["candidates"][0]["hub"] == nfc


def test_sites_and_attributes_compare_after_nfc() -> None:
    data = parse_document(CONTROL_CATALOG.replace("NAME", "x").replace("SELLER", "s"), "yaml").data
    data["organizations"][0]["site"] = "Ch\u014dfu"  # NFC
    catalog = catalog_from_data(data)
    from modcluster.engine import solve
    from modcluster.io import build_request

    request = build_request(catalog, "p", overrides={"sites": ["Cho\u0304fu"], "exclude": ["s"]})  # NFD
    assert request.sites == ("Ch\u014dfu",)
    assert solve(catalog, request).status.value == "infeasible"  # the hub passes, no seller is left


def test_non_ascii_output_under_an_ascii_encoding(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = _catalog_json(tmp_path, name="Tōkyō ☕ cluster", seller="東京-seller")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    for extra in ([], ["--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "modcluster", "solve", str(path), "--product", "p", *extra],
            capture_output=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == ExitCode.OPTIMAL, done.stderr
        assert done.stdout.isascii()
        if extra:
            assert json.loads(done.stdout)["candidates"][0]["partners"] == ["東京-seller"]
        else:
            assert b"\\u6771\\u4eac-seller" in done.stdout


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "dot"])
def test_graph_under_an_ascii_encoding_keeps_non_ascii_ids_readable_by_the_tools(tmp_path: Path, fmt: str) -> None:
    r"""XML and Graphviz both read ``&#NNNN;``; a terminal escape (``\u6771``) would end up in the picture."""
    import os
    import subprocess
    import sys

    path = _catalog_json(tmp_path, name="Tōkyō ☕ cluster", seller="東京-seller")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "modcluster", "graph", str(path), "--format", fmt],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == ExitCode.OPTIMAL, done.stderr
    assert done.stdout.isascii()
    assert b"&#26481;&#20140;-seller" in done.stdout
    assert b"\\u" not in done.stdout


# --------------------------------------------------------------------------- verify: many candidates


def test_verify_names_each_repeated_candidate_once() -> None:
    """300 copies of one candidate: 299 repeats, each against candidate 1 (not 44,850 pairs)."""
    from modcluster.engine import solve
    from modcluster.io import build_request
    from modcluster.verify import verify_solution

    catalog = load_catalog(MINI)
    request = build_request(catalog, "mini-sensor")
    data = solve(catalog, request).to_dict()
    data["candidates"] = [dict(data["candidates"][0], rank=i + 1) for i in range(300)]
    data["candidates"][5]["proven_optimal"] = False
    problems = verify_solution(catalog, request, data)
    repeats = [p for p in problems if "are the same system" in p]
    assert repeats == [f"candidates 1 and {j} are the same system (same hub, sources, organisations and seeds)"
                       for j in range(2, 301)]  # fmt: skip
    after = [p for p in problems if "proven optimal after an unproven candidate" in p]
    assert after == [f"candidate {j} is proven optimal after an unproven candidate" for j in range(7, 301)]
    assert any("300 candidates, the request asks for at most 3" in p for p in problems)


# --------------------------------------------------------------------------- sweeps: too many scenarios


def test_a_sweep_of_a_billion_scenarios_is_refused_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = list(range(1, 1001))
    spec = tmp_path / "big.yaml"
    spec.write_text(
        f"schema: modcluster/sweep/1\ngrid:\n  quantity: {values}\n  budget: {values}\n  deadline: {values}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.jsonl"
    code, _out, err = cli(capsys, "sweep", str(MINI), str(spec), "--out", str(out))
    assert_refused(
        code,
        err,
        "big.yaml:3:3: grid: the sweep has 1,000,000,000 scenarios, more than the 100,000",
        "quantity 1000 x budget 1000 x deadline 1000",
    )
    assert not out.exists()


def test_scenario_count_and_the_limit() -> None:
    from modcluster.sweep import MAX_SCENARIOS, plan, scenario_count, sweep_from_data

    catalog = load_catalog(MINI)
    products = len(catalog.products)
    side = int(MAX_SCENARIOS**0.5)
    at_limit = sweep_from_data({"grid": [{"quantity": list(range(side)), "budget": list(range(side))}]})
    assert scenario_count(catalog, at_limit) == side * side <= MAX_SCENARIOS
    over = sweep_from_data(
        {"grid": [{"product": "all", "quantity": list(range(MAX_SCENARIOS))}], "scenarios": [{"name": "x"}]}
    )
    assert scenario_count(catalog, over) == products * MAX_SCENARIOS + 1
    with pytest.raises(ValidationError, match=r"grid\[0\]: product 1 x quantity 100000"):
        plan(catalog, over)


# --------------------------------------------------------------------------- messages bounded for huge catalogs


def test_an_unknown_product_among_ten_thousand_gives_a_short_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = parse_document(CONTROL_CATALOG.replace("NAME", "x").replace("SELLER", "s"), "yaml").data
    product = data["products"][0]
    data["products"] = [dict(product, id=f"product-{i}") for i in range(10_000)]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = cli(capsys, "solve", str(path), "--product", "product-12x")
    assert_refused(code, err, "unknown product 'product-12x' (did you mean 'product-12'")
    assert "(the catalog has 10,000 products)" in err and len(err) < 300
    code, _out, err = cli(capsys, "solve", str(path), "--product", "zzzzzz")
    assert_refused(code, err, "the catalog has 10,000 products: product-0, product-1")
    assert "and 9,995 more" in err and len(err) < 300
    code, _out, err = cli(capsys, "solve", str(path))
    assert_refused(code, err, "name one with --product (the catalog has 10,000 products: product-0")
    assert len(err) < 400


# --------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("second", "kind"),
    [
        (MINI, "a catalog"),
        (ROOT / "catalogs" / "examples" / "mini.toml", "a catalog"),
        (ROOT / "catalogs" / "sweeps" / "tama.yaml", "a sweep file"),
    ],
)
def test_verify_says_when_the_solution_is_another_kind_of_file(
    capsys: pytest.CaptureFixture[str], second: Path, kind: str
) -> None:
    code, _out, err = cli(capsys, "verify", str(MINI), str(second))
    assert_refused(code, err, f"{second} is {kind}, not a solution")
    assert "stores no request" not in err


def test_verify_says_when_the_solution_is_a_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = tmp_path / "r.yaml"
    request.write_text("product: mini-sensor\nquantity: 5\n", encoding="utf-8")
    code, _out, err = cli(capsys, "verify", str(MINI), str(request))
    assert_refused(code, err, "is a request, not a solution")


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".toml"])
def test_type_errors_are_worded_alike_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    data = parse_document(MINI_CATALOG.replace("DESIGN_FEE", "1"), "yaml").data
    data["organizations"][0]["capacity"] = [1]
    data["organizations"][0]["design_fee"] = {"a": 1}
    path = tmp_path / f"c{suffix}"
    if suffix == ".toml":
        path.write_text(_toml(data), encoding="utf-8")
    else:
        path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML too
    code, _out, err = cli(capsys, "validate", str(path))
    assert_refused(
        code,
        err,
        "organizations[0].capacity: expected a number, got a list",
        "organizations[0].design_fee: expected a number, got a mapping",
    )


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--workers", "10000", "at most 256 local worker processes"),
        ("--workers", "0", "must be at least 1"),
        ("--workers", "1e3", "not a whole number from 1"),
        ("--workers", "9" * 5000, "not a whole number from 1"),
        ("--solver-threads", "-2", "not a whole number from 1"),
    ],
)
def test_sweep_worker_counts_are_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("schema: modcluster/sweep/1\ngrid: {quantity: [1]}\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    code, _out, err = cli(capsys, "sweep", str(MINI), str(spec), "--out", str(out), flag, value)
    assert_refused(code, err, f"argument {flag}", message)
    assert not out.exists()
    from modcluster.sweep import sweep, sweep_from_data

    if flag == "--workers" and value == "10000":
        with pytest.raises(ValueError, match="workers must be from 1 to 256"):
            sweep(load_catalog(MINI), sweep_from_data({"grid": {"quantity": [1]}}), workers=10_000)
