"""The pictures and the HTML report of a plan, and ``modcluster plan --html/--png``.

The figures are checked against the plan they draw (Gantt bars against the
tasks' days and organisations, load steps against the tasks at once, the
capacity lines against the catalog) and to be the same bytes on every draw;
the page is checked to be self-contained, to hold every entry and the totals,
to escape what the catalog and the plan file say, and to explain an
infeasible plan; the command is run as a user runs it, and the page is
opened in headless Chromium when it can be found or installed (as the
solution report's is, tests/test_report.py).
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
import yaml
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle, StepPatch

from modcluster import load_catalog, load_plan_request, plan
from modcluster.cli import main
from modcluster.domain import Catalog, Plan, Status
from modcluster.io import catalog_from_data, plan_request_from_data
from modcluster.report import Report, figures, format_money
from modcluster.report.figures.plan_gantt_chart import entry_colours, plan_gantt, task_key
from modcluster.report.figures.plan_load_chart import DEFAULT_LIMIT, organisation_loads, plan_load
from modcluster.report.plan_html import PLAN_FIGURES, build_plan_report, plan_figures
from tests.test_report import _chromium, _tutorial_script

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"
SEASON = ROOT / "catalogs" / "plans" / "tama-season.yaml"
RUSH = ROOT / "catalogs" / "plans" / "tama-rush.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(TAMA)


@pytest.fixture(scope="module")
def season(catalog: Catalog) -> Plan:
    result = plan(catalog, load_plan_request(SEASON, catalog))
    assert result.status is Status.OPTIMAL and len(result.entries) == 8
    return result


@pytest.fixture(scope="module")
def rush(catalog: Catalog) -> Plan:
    result = plan(catalog, load_plan_request(RUSH, catalog))
    assert result.status is Status.INFEASIBLE and result.explanation is not None
    return result


@pytest.fixture(scope="module")
def season_report(catalog: Catalog, season: Plan) -> Report:
    return build_plan_report(catalog, season)


def _busy_at(tasks: list[tuple[int, int]], day: int) -> int:
    return sum(1 for start, end in tasks if start <= day < end)


# ---------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------


def test_figures_are_deterministic_pngs(catalog: Catalog, season: Plan) -> None:
    for draw in (plan_gantt, plan_load):
        first = figures.figure_png(draw(season, catalog))
        second = figures.figure_png(draw(season, catalog))
        assert first.startswith(PNG_SIGNATURE), draw.__name__
        assert first == second, f"{draw.__name__}: two draws of one plan differ"


def _bars(fig: Figure) -> dict[str, Rectangle]:
    ax = fig.axes[0]
    return {str(p.get_gid()): p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid()}


def _row_label(fig: Figure, y: float) -> str:
    """The y tick label of the organisation band that contains ``y`` (ticks are the bands' middles, top down)."""
    ax = fig.axes[0]
    top = 0.0
    for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True):
        bottom = top + 2 * (tick - top)
        if top <= y < bottom:
            return label.get_text()
        top = bottom
    raise AssertionError(f"no band holds y={y}")


def test_gantt_bars_are_the_plan_tasks(catalog: Catalog, season: Plan) -> None:
    from matplotlib.colors import to_hex

    fig = plan_gantt(season, catalog)
    bars = _bars(fig)
    tasks = season.tasks()
    assert set(bars) == {task_key(t) for t in tasks} and len(bars) == len(tasks)
    colours = entry_colours(season)
    assert len(set(colours.values())) == len(season.entries)
    labels = {str(t.get_gid()): t.get_text() for t in fig.axes[0].texts if str(t.get_gid()).startswith("label:")}
    numbers = {e.id: str(i) for i, e in enumerate(season.entries, start=1)}
    lanes: dict[str, set[float]] = {}
    for t in tasks:
        bar = bars[task_key(t)]
        assert (bar.get_x(), bar.get_x() + bar.get_width()) == (t.start, t.end), t
        row = _row_label(fig, bar.get_y() + bar.get_height() / 2)
        assert row == f"{t.organization}  (cap {catalog.org_by_id[t.organization].capacity})", t
        assert to_hex(bar.get_facecolor(), keep_alpha=False) == colours[t.entry]
        assert bool(bar.get_hatch()) == t.label.endswith(" seed")
        # Every bar is labelled with its entry's number (and the task when it fits).
        assert labels[f"label:{task_key(t)}"].split(" ")[0] == numbers[t.entry]
        lanes.setdefault(t.organization, set()).add(bar.get_y())
    assert any(len(text.split(" ", 1)) == 2 for text in labels.values())
    # A row has one lane per task run at once: never more lanes than the capacity in a verified plan.
    for org, ys in lanes.items():
        assert len(ys) <= catalog.org_by_id[org].capacity, org
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[: len(season.entries)] == [f"{i} {e.id}" for i, e in enumerate(season.entries, start=1)]
    verticals = {line.get_xdata()[0] for line in fig.axes[0].get_lines() if len(set(line.get_xdata())) == 1}  # type: ignore[arg-type,index]
    assert season.makespan in verticals


def test_load_profiles_are_the_tasks_at_once(catalog: Catalog, season: Plan) -> None:
    fig = plan_load(season, catalog)
    steps = {
        str(p.get_gid()).removeprefix("load:"): p
        for ax in fig.axes
        for p in ax.patches
        if isinstance(p, StepPatch) and str(p.get_gid()).startswith("load:")
    }
    caps = {
        str(line.get_gid()).removeprefix("capacity:"): line
        for ax in fig.axes
        for line in ax.get_lines()
        if isinstance(line, Line2D) and str(line.get_gid()).startswith("capacity:")
    }
    taking_part = sorted({t.organization for t in season.tasks()})
    assert len(taking_part) > DEFAULT_LIMIT  # the season needs the cap
    loads = organisation_loads(season, catalog)
    assert sorted(load.organization for load in loads) == taking_part
    busiest = [load.organization for load in loads[:DEFAULT_LIMIT]]
    assert list(steps) == busiest and set(caps) == set(busiest)
    assert [load.busy for load in loads] == sorted((load.busy for load in loads), reverse=True)
    by_org: dict[str, list[tuple[int, int]]] = {}
    for t in season.tasks():
        by_org.setdefault(t.organization, []).append((t.start, t.end))
    assert season.makespan is not None
    for org, patch in steps.items():
        values, edges, _ = patch.get_data()
        assert edges[0] == 0 and edges[-1] == season.makespan
        for value, lo, hi in zip(values, edges[:-1], edges[1:], strict=True):
            for day in range(int(lo), int(hi)):
                assert _busy_at(by_org[org], day) == value, (org, day)
        capacity = catalog.org_by_id[org].capacity
        assert caps[org].get_ydata()[0] == capacity  # type: ignore[index]
        assert max(values) <= capacity
    title = fig.get_suptitle()
    left = len(taking_part) - DEFAULT_LIMIT
    assert f"the {DEFAULT_LIMIT} busiest of {len(taking_part)} organisations" in title
    assert f"{left} left out" in title
    everyone = plan_load(season, catalog, limit=len(taking_part))
    assert "left out" not in everyone.get_suptitle()
    with pytest.raises(ValueError, match="at least 1"):
        plan_load(season, catalog, limit=0)


def test_no_plan_no_figures(catalog: Catalog, rush: Plan) -> None:
    assert plan_figures(catalog, rush) == {}
    # Drawn anyway, the figures say there is nothing to draw rather than fail.
    for draw in (plan_gantt, plan_load):
        fig = draw(rush, catalog)
        assert any("no plan to draw" in t.get_text() for ax in fig.axes for t in ax.texts)


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


def test_page_has_every_entry_the_totals_and_the_figures(season: Plan, season_report: Report) -> None:
    html = season_report.html
    assert html.startswith("<!DOCTYPE html>")
    assert "optimal: the plan is proven best" in html
    for e in season.entries:
        assert f"<td>{e.id}</td>" in html
        assert format_money(e.system.cost) in html
    for a in season.alone:
        assert a.cost is not None and format_money(a.cost) in html
    assert season.total_cost is not None and season.price_of_sharing is not None
    assert f'<td>total cost</td><td class="num">{format_money(season.total_cost)} kJPY</td>' in html
    assert f"{season.total_lead_time} days" in html and f"{season.makespan} days" in html
    assert f"{format_money(season.price_of_sharing['cost'])} kJPY" in html
    # Self-contained: no scripts, style sheets or fetches; the figures are embedded, and are the PNGs.
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html
    assert set(season_report.images) == set(PLAN_FIGURES)
    sources = re.findall(r'src="([^"]*)"', html)
    assert {base64.b64decode(s.split(",", 1)[1]) for s in sources} == set(season_report.images.values())
    for data in season_report.images.values():
        assert data.startswith(PNG_SIGNATURE)
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith("#") and f'id="{href[1:]}"' in html, href
    # The same plan gives the same page.
    assert build_plan_report(load_catalog(TAMA), season).html == html


def test_infeasible_plan_renders_its_explanation(catalog: Catalog, rush: Plan) -> None:
    built = build_plan_report(catalog, rush)
    assert built.images == {}
    assert "<img" not in built.html
    assert rush.explanation is not None
    assert rush.explanation.summary in built.html
    assert "infeasible: no plan meets the request" in built.html
    assert "<b>inspector-a, inspector-b</b>" in built.html
    assert f"every deadline of the set that let it through: {rush.explanation.extra_days}" in built.html
    for entry in ("inspector-a", "inspector-b", "nano-stage"):
        assert f"<td>{entry}</td>" in built.html
    assert '<td class="num">40</td>' in built.html  # the requested deadline


HOSTILE_ID = "a<b>&\"x'</td>"
HOSTILE_NAME = "<script>alert('name')</script> & co"


def test_page_escapes_catalog_and_plan_strings(tmp_path: Path) -> None:
    data = yaml.safe_load(MINI.read_text())
    data["name"] = HOSTILE_NAME
    mini = catalog_from_data(data)
    ids = (HOSTILE_ID, "<i>two</i>")
    loose = {"deadline": 1000, "budget": 100000}
    for limits in ({}, loose):  # the mini sensor's own limits fit one entry, not two: infeasible, then a plan
        entries = [{"id": key, "product": "mini-sensor", "limits": limits} for key in ids]
        result = plan(mini, plan_request_from_data({"entries": entries}, catalog=mini))
        built = build_plan_report(mini, result)
        html = built.html
        if limits:
            assert [e.id for e in result.entries] == list(ids)
            assert set(built.images) == set(PLAN_FIGURES)
        else:
            assert result.status is Status.INFEASIBLE and result.explanation is not None
            assert HOSTILE_ID in result.explanation.summary and "Why no plan exists" in html
        for raw in (HOSTILE_ID, HOSTILE_NAME, "<i>two</i>", '<b>&"', "<script"):
            assert raw not in html, raw
        assert "a&lt;b&gt;&amp;&quot;x&#x27;&lt;/td&gt;" in html
        assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt; &amp; co" in html
        assert "&lt;i&gt;two&lt;/i&gt;" in html
        # Markup is only the page's own: every tag is one the report writes.
        tags = set(re.findall(r"</?([a-zA-Z0-9]+)", html))
        assert tags <= {
            "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h4", "p", "main", "nav", "ul",
            "li", "a", "section", "div", "table", "thead", "tbody", "tr", "th", "td", "b", "details", "summary",
            "figure", "img", "figcaption",
        }  # fmt: skip


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_plan_command_writes_html_and_png(tmp_path: Path, season: Plan) -> None:
    page, png, out = tmp_path / "season.html", tmp_path / "png", tmp_path / "season.json"
    result = _run("plan", str(TAMA), str(SEASON), "--html", str(page), "--png", str(png), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "plan (cost): optimal (proven)" in result.stdout
    assert f"wrote {page}" in result.stderr and f"wrote 2 PNG file(s) to {png}" in result.stderr
    html = page.read_text(encoding="utf-8")
    for e in season.entries:
        assert f"<td>{e.id}</td>" in html
    assert sorted(p.name for p in png.iterdir()) == sorted(PLAN_FIGURES)
    pictures = {p.read_bytes() for p in png.iterdir()}
    assert all(data.startswith(PNG_SIGNATURE) for data in pictures)
    # The same figures in the page and in the directory.
    assert {base64.b64decode(s) for s in re.findall(r"base64,([^\"]*)\"", html)} == pictures
    assert '"schema": "modcluster/plan/1"' in out.read_text()


def test_plan_command_infeasible_writes_the_explanation(tmp_path: Path) -> None:
    page, png = tmp_path / "rush.html", tmp_path / "png"
    code = main(["plan", str(TAMA), str(RUSH), "--html", str(page), "--png", str(png), "--quiet"])
    assert code == 1
    assert "Why no plan exists" in page.read_text(encoding="utf-8")
    assert png.is_dir() and list(png.iterdir()) == []


def test_plan_command_output_safety(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def refused(*flags: str) -> str:
        capsys.readouterr()
        assert main(["plan", str(TAMA), str(SEASON), *flags]) == 2
        err = capsys.readouterr().err
        assert "planning" not in err  # refused before planning
        return err

    assert "name it .html" in refused("--html", str(tmp_path / "report.pdf"))
    same = tmp_path / "same.html"
    assert "name the same file" in refused("--out", str(same), "--html", str(same))
    a_file = tmp_path / "file"
    a_file.write_text("keep")
    assert "not one" in refused("--png", str(a_file))
    assert a_file.read_text() == "keep"
    directory = tmp_path / "dir.html"
    directory.mkdir()
    assert "not a regular file" in refused("--html", str(directory))
    # An input file where a figure would go is never overwritten.
    figures_dir = tmp_path / "figs"
    figures_dir.mkdir()
    plan_copy = figures_dir / PLAN_FIGURES[0]
    plan_copy.write_bytes(SEASON.read_bytes())
    capsys.readouterr()
    assert main(["plan", str(TAMA), str(plan_copy), "--png", str(figures_dir)]) == 2
    assert "refusing to overwrite the input file" in capsys.readouterr().err
    assert plan_copy.read_bytes() == SEASON.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.html", "figs", "file"]


def test_plan_report_without_matplotlib_is_a_clean_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    code = main(["plan", str(TAMA), str(SEASON), "--html", str(tmp_path / "p.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert "pip install 'modcluster[plot]'" in err and "planning" not in err
    assert not (tmp_path / "p.html").exists()


# ---------------------------------------------------------------------------
# Headless Chromium
# ---------------------------------------------------------------------------


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_plan_report_opens_in_headless_chromium(tmp_path: Path, season_report: Report) -> None:
    binary, reason = _chromium()
    if binary is None:
        pytest.skip(reason)
    page = tmp_path / "plan.html"
    page.write_text(season_report.html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    command = _tutorial_script().chromium_command
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(command(binary, profile, shot, page, 2600), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2600, 1280)
    rgb = (pixels[..., :3] * 255).round().astype(np.uint8).reshape(-1, 3)
    colours = np.unique(rgb, axis=0)
    assert len(colours) > 64, f"only {len(colours)} colours: a blank page?"
    not_white = float((rgb.min(axis=1) < 245).mean())
    assert not_white > 0.05, f"{not_white:.1%} of the page is not white"
