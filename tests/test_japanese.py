"""A Japanese cluster, written in Japanese: every figure draws its names, the text and HTML reports carry them.

The catalog (tests/data/japanese.yaml) names its organisations, sites,
capabilities, products and modules in Japanese. matplotlib warns "Glyph ...
missing from font(s)" when a character has no glyph in the fonts it draws
with (and draws an empty box); here that warning is an error.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import pytest

from modcluster import build_request, load_catalog, solve
from modcluster.analysis import people_value, policy_value
from modcluster.cli import main
from modcluster.domain import Catalog, Solution
from modcluster.io import plan_request_from_data
from modcluster.plans import plan
from modcluster.report import ProductReport, build_plan_report, build_report, render_solution
from modcluster.report.figures import FIGURE_STYLE, cost_breakdown, front_from_candidates, gantt, network, pareto
from modcluster.report.figures.common import JAPANESE_FONT, LATIN_FONT, japanese_font_file

JAPANESE = Path(__file__).resolve().parent / "data" / "japanese.yaml"
PRODUCT = "変位センサー一号"
#: Names the figures and reports must show: organisations, sites, a module, the product.
NAMES = ("八王子光学", "相模原精密", "青梅表面処理", "筐体", PRODUCT)

pytestmark = pytest.mark.filterwarnings("error:Glyph.*missing:UserWarning")


@functools.cache
def _catalog() -> Catalog:
    return load_catalog(JAPANESE)


@functools.cache
def _solution() -> Solution:
    catalog = _catalog()
    return solve(catalog, build_request(catalog, PRODUCT))


def test_the_packaged_japanese_font_is_the_fallback_of_every_figure() -> None:
    font = japanese_font_file()
    assert font is not None and font.name == "ipaexg.ttf", "install the plot extra: pip install 'modcluster[plot]'"
    assert FIGURE_STYLE["font.family"][:2] == [LATIN_FONT, JAPANESE_FONT]


def test_every_figure_of_the_html_report_draws_japanese() -> None:
    catalog = _catalog()
    solution = _solution()
    assert solution.candidates and solution.best is not None
    item = ProductReport(build_request(catalog, PRODUCT), solution, front_from_candidates(solution.candidates))
    people = people_value(catalog, seconds=10)
    policies = policy_value(catalog, [PRODUCT], seconds=10)
    report = build_report(catalog, [item], title="多摩クラスター報告", people=people, policies=policies)
    assert {"analysis-people.png", "analysis-policies.png"} <= set(report.images)
    assert any(name.endswith("-gantt.png") for name in report.images)
    assert '<meta charset="utf-8">' in report.html
    assert '"Noto Sans CJK JP"' in report.html and '"IPAexGothic"' in report.html
    assert "http://" not in report.html.split("<body")[0] and "https://" not in report.html.split("<body")[0]
    for name in (*NAMES, "多摩クラスター報告", "千円"):
        assert name in report.html, name


def test_the_plan_figures_draw_japanese() -> None:
    catalog = _catalog()
    data = {
        "entries": [
            {"product": PRODUCT, "quantity": 40},
            {"id": "第二期", "product": PRODUCT, "release": 10, "limits": {"deadline": 100}},
        ]
    }
    answer = plan(catalog, plan_request_from_data(data, catalog=catalog))
    report = build_plan_report(catalog, answer, title="多摩の計画")
    assert {"plan-gantt.png", "plan-load.png"} <= set(report.images)
    assert "第二期" in report.html and "相模原精密" in report.html


def test_without_the_fallback_the_check_would_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    candidate = _solution().candidates[0]
    monkeypatch.setitem(FIGURE_STYLE, "font.family", [LATIN_FONT])
    with pytest.warns(UserWarning, match="Glyph .* missing"):
        gantt(candidate).canvas.draw()


def test_figures_drawn_one_by_one_draw_japanese() -> None:
    catalog = _catalog()
    solution = _solution()
    candidate = solution.candidates[0]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing", category=UserWarning)
        for fig in (
            gantt(candidate, deadline=60),
            network(candidate, catalog),
            cost_breakdown(candidate, budget=catalog.products[0].request.limits.budget, money="千円"),  # type: ignore[union-attr]
            pareto(front_from_candidates(solution.candidates), solution.candidates, money="千円"),
        ):
            fig.canvas.draw()


def test_the_text_and_html_commands_show_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = render_solution(_solution(), _catalog())
    for name in ("八王子光学", "相模原精密", "筐体", "木村技師", PRODUCT):
        assert name in text, name
    out = tmp_path / "報告.html"
    code = main(["report", str(JAPANESE), "--out", str(out), "--front", "candidates", "--levers-time", "0", "--quiet"])
    assert code == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    for name in NAMES:
        assert name in html, name
    assert main(["solve", str(JAPANESE), "--quiet"]) == 0
    stdout = capsys.readouterr().out
    assert "八王子光学" in stdout and "千円" in stdout
