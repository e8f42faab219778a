"""The HTML report, its figures and the graph export.

The report is built once for every product of the bundled catalog (default
requests); the figures are checked against the candidates they draw (Gantt bar
geometry against start and end days, network ties against the catalog, cost
segments against the breakdown), the page is checked to be self-contained and
is opened in headless Chromium when it can be found or installed.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
from decimal import Decimal
from pathlib import Path

import matplotlib.image
import networkx as nx
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

import modcluster
from modcluster import build_request, load_catalog, solve
from modcluster.cli import main
from modcluster.domain import Candidate, Catalog, CostBreakdown, ModuleChoice, StepChoice
from modcluster.report import (
    ProductReport,
    Report,
    build_report,
    export_graph,
    figures,
    format_for_path,
    format_money,
    graph_text,
)

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(TAMA)


@pytest.fixture(scope="module")
def items(catalog: Catalog) -> list[ProductReport]:
    """Every product of the bundled catalog under its default request, candidates-only fronts."""
    out = []
    for product in catalog.products:
        request = build_request(catalog, product.id)
        out.append(ProductReport(request, solve(catalog, request)))
    return out


@pytest.fixture(scope="module")
def report(catalog: Catalog, items: list[ProductReport]) -> Report:
    return build_report(catalog, items)


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_report_builds_for_every_product(catalog: Catalog, items: list[ProductReport], report: Report) -> None:
    assert {item.solution.product for item in items} == {p.id for p in catalog.products}
    expected: set[str] = set()
    for item in items:
        assert item.solution.candidates, item.solution.product
        expected.add(f"{item.solution.product}-pareto.png")
        for c in item.solution.candidates:
            expected |= {f"{item.solution.product}-c{c.rank}-{kind}.png" for kind in ("gantt", "network", "cost")}
            assert f'id="{item.solution.product}-c{c.rank}"' in report.html
            assert f"Candidate {c.rank}: cost {format_money(c.cost)} kJPY" in report.html
    assert set(report.images) == expected
    for name, data in report.images.items():
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_report_is_self_contained(report: Report) -> None:
    html = report.html
    assert html.startswith("<!DOCTYPE html>")
    # No fetch of anything: no scripts, style sheets, fonts or images from elsewhere.
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html
    sources = re.findall(r'src="([^"]*)"', html)
    assert len(sources) == len(report.images)
    embedded = set()
    for src in sources:
        assert src.startswith("data:image/png;base64,"), src[:40]
        embedded.add(base64.b64decode(src.split(",", 1)[1]))
    assert embedded == set(report.images.values())
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith("#"), href
        assert f'id="{href[1:]}"' in html


def test_infeasible_request_explained_without_figures(catalog: Catalog) -> None:
    request = build_request(
        catalog, "ultrasonic-distance-sensor", overrides={"limits": {"deadline": 60}, "candidates": 1}
    )
    solution = solve(catalog, request)
    assert solution.status.value == "infeasible"
    built = build_report(catalog, [ProductReport(request, solution)])
    assert built.images == {}
    assert "infeasible" in built.html
    assert solution.explanation is not None and solution.explanation.summary in built.html


# ---------------------------------------------------------------------------
# Gantt
# ---------------------------------------------------------------------------


def _bars(fig: Figure) -> dict[str, Rectangle]:
    ax = fig.axes[0]
    return {str(p.get_gid()): p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid()}


def _handovers(fig: Figure) -> dict[str, tuple[float, float]]:
    """Handover arrows by ``from->to`` task keys: (x of the tail, x of the head).

    An arrow is an elbow: its path (a line, ``handover-path:<key>``) leaves the
    first task's end, and its head (an annotation, ``handover:<key>``) comes
    into the next task's start.
    """
    tails = {
        str(line.get_gid()).removeprefix("handover-path:"): float(np.asarray(line.get_xdata(), dtype=float)[0])
        for line in fig.axes[0].lines
        if str(line.get_gid()).startswith("handover-path:")
    }
    return {
        (key := str(t.get_gid()).removeprefix("handover:")): (tails[key], t.xy[0])
        for t in fig.axes[0].texts
        if isinstance(t, Annotation) and str(t.get_gid()).startswith("handover:")
    }


def _offsets(collection: PathCollection) -> list[tuple[float, float]]:
    """The data positions of a scatter's points."""
    return [(float(x), float(y)) for x, y in np.asarray(collection.get_offsets(), dtype=float)]


def _row_label(fig: Figure, y: float) -> str:
    """The y tick label of the organisation row that contains ``y``."""
    ax = fig.axes[0]
    ticks = list(ax.get_yticks())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    nearest = min(range(len(ticks)), key=lambda i: abs(ticks[i] - y))
    return labels[nearest].removesuffix(" (hub)")


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_gantt_bars_match_start_and_end_days(items: list[ProductReport]) -> None:
    checked = 0
    for item in items:
        deadline = item.request.limits.deadline
        for c in item.solution.candidates:
            fig = figures.gantt(c, deadline=deadline)
            bars = _bars(fig)
            tasks = figures.schedule_tasks(c)
            assert set(bars) == {t.key for t in tasks}
            for t in tasks:
                bar = bars[t.key]
                assert bar.get_x() == t.start, (c.rank, t)
                assert bar.get_x() + bar.get_width() == t.end, (c.rank, t)
                assert _row_label(fig, bar.get_y() + bar.get_height() / 2) == t.organization
                assert bool(bar.get_hatch()) == (t.kind == "seed")
                checked += 1
            # Handovers between organisations: an arrow across the gap, from the end of one to the start of the next.
            expected = {
                f"{a.key}->{b.key}": (float(a.end), float(b.start))
                for a, b in figures.precedences(tasks)
                if a.organization != b.organization
            }
            assert _handovers(fig) == expected
            assert all(head - tail >= 1 for tail, head in expected.values())  # handover_days is 1 in TAMA
            # The schedule as the candidate states it: integration last, ending at the lead time.
            integration = bars["integration"]
            assert integration.get_x() + integration.get_width() == c.lead_time
            assert all(b.get_x() + b.get_width() <= c.lead_time for b in bars.values())
            verticals = {
                line.get_xdata()[0]  # type: ignore[index]
                for line in fig.axes[0].get_lines()
                if len(set(line.get_xdata())) == 1  # type: ignore[arg-type]
            }
            assert c.lead_time in verticals
            if deadline is not None:
                assert deadline in verticals
    assert checked > 100


def test_gantt_against_a_hand_made_schedule() -> None:
    """Two overlapping tasks of one organisation get two lanes; handovers become arrows."""
    zero = Decimal(0)
    cand = Candidate(
        rank=1,
        proven_optimal=True,
        cost=zero,
        lead_time=30,
        hub="hub",
        partners=("shop",),
        modules=(
            ModuleChoice("a", "make", steps=(StepChoice("cut", "shop", "cut", 0, 10),)),
            ModuleChoice("b", "make", steps=(StepChoice("cut", "shop", "cut", 5, 12),)),
            ModuleChoice("c", "buy", organization="hub", offer="c", start=3, end=3),
        ),
        integration=(13, 30),
        links=(),
        cost_breakdown=CostBreakdown(zero, zero, zero, zero, zero),
    )
    fig = figures.gantt(cand, deadline=40)
    bars = _bars(fig)
    a, b, c = bars["a/step/1"], bars["b/step/1"], bars["c/buy"]
    assert (a.get_x(), a.get_width(), b.get_x(), b.get_width()) == (0, 10, 5, 7)
    assert (c.get_x(), c.get_width()) == (3, 0)
    assert a.get_y() != b.get_y()  # two lanes in the shop's row
    assert _row_label(fig, a.get_y() + a.get_height() / 2) == _row_label(fig, b.get_y() + b.get_height() / 2) == "shop"
    assert (bars["integration"].get_x(), bars["integration"].get_width()) == (13, 17)
    assert set(_handovers(fig)) == {"a/step/1->integration", "b/step/1->integration"}  # c is the hub's own


# ---------------------------------------------------------------------------
# Network, costs, front
# ---------------------------------------------------------------------------


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_network_hub_centre_and_ties(catalog: Catalog, items: list[ProductReport]) -> None:
    for item in items:
        for c in item.solution.candidates:
            fig = figures.network(c, catalog)
            ax = fig.axes[0]
            points = {
                str(col.get_gid()): _offsets(col)[0]
                for col in ax.collections
                if isinstance(col, PathCollection) and col.get_gid()
            }
            assert points[f"org:{c.hub}"] == (0.0, 0.0)
            assert {g for g in points if g.startswith("org:")} == {f"org:{o}" for o in (c.hub, *c.partners)}
            seeds = [m for m in c.modules if m.seed is not None]
            assert {g for g in points if g.startswith("seed:")} == {f"seed:{m.id}" for m in seeds}
            ties = {str(line.get_gid()): line for line in ax.get_lines() if str(line.get_gid()).startswith("tie:")}
            assert len(ties) == len(c.partners)
            for p in c.partners:
                existing = frozenset((c.hub, p)) in catalog.ties
                line = ties[f"tie:{p}:{'existing' if existing else 'new'}"]
                assert (line.get_linestyle() == "-") == existing


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_cost_segments_are_the_breakdown(items: list[ProductReport]) -> None:
    c = items[0].solution.candidates[0]
    budget = items[0].request.limits.budget
    fig = figures.cost_breakdown(c, budget=budget, money="kJPY")
    bars = _bars(fig)
    b = c.cost_breakdown
    terms = {"integration": b.integration, "steps": b.steps, "modules": b.modules, "licences": b.licences}
    terms["onboarding"] = b.onboarding
    if c.with_people:
        terms["people"] = b.people
    left = 0.0
    for term, value in terms.items():
        bar = bars[f"cost:{term}"]
        assert bar.get_x() == pytest.approx(left)
        assert bar.get_width() == pytest.approx(float(value))
        left += float(value)
    assert left == pytest.approx(float(b.gross))  # the terms side by side; the refunds (if any) come off them
    assert format_money(c.cost) in fig.axes[0].get_title()


@pytest.mark.parametrize(("example", "people", "policies"), [("people", True, False), ("policies", False, True)])
def test_cost_chart_draws_the_people_fee_and_the_subsidies(example: str, people: bool, policies: bool) -> None:
    """The gross terms side by side (the people fee last), the refunds as a band ending at the gross: net = title."""
    cat = load_catalog(ROOT / "catalogs" / "examples" / f"{example}.yaml")
    request = build_request(cat, cat.products[0].id)
    c = solve(cat, request).candidates[0]
    b = c.cost_breakdown
    bars = _bars(figures.cost_breakdown(c, budget=request.limits.budget, money="kJPY"))
    terms = ["integration", "steps", "modules", "licences", "onboarding"] + (["people"] if people else [])
    assert ("cost:people" in bars) is people and ("cost:subsidies" in bars) is policies
    left = 0.0
    for term in terms:
        assert bars[f"cost:{term}"].get_x() == pytest.approx(left)
        assert bars[f"cost:{term}"].get_width() == pytest.approx(float(getattr(b, term)))
        left += float(getattr(b, term))
    assert left == pytest.approx(float(b.gross))
    if people:
        assert b.people > 0 and c.person is not None
    if policies:
        refund = bars["cost:subsidies"]
        assert b.subsidies > 0
        assert refund.get_x() == pytest.approx(float(c.cost))  # starts at the net cost ...
        assert refund.get_x() + refund.get_width() == pytest.approx(float(b.gross))  # ... ends at the gross
    fig = figures.cost_breakdown(c, money="kJPY")
    assert f"Cost of candidate 1: {format_money(c.cost)} kJPY" in fig.axes[0].get_title()


def test_pareto_with_the_exact_front(catalog: Catalog) -> None:
    pareto_mod = pytest.importorskip("modcluster.analysis.pareto", reason="the exact Pareto analysis is not there")
    request = build_request(catalog, "laser-displacement-sensor")
    solution = solve(catalog, request)
    front = figures.front_from_analysis(pareto_mod.pareto_front(catalog, request))
    assert front.exact and len(front.points) >= 2
    fig = figures.pareto(front, solution.candidates, budget=request.limits.budget, deadline=request.limits.deadline)
    ax = fig.axes[0]
    scatters = {col.get_gid(): col for col in ax.collections if isinstance(col, PathCollection)}
    drawn = {(int(x), round(y, 2)) for x, y in _offsets(scatters["front-points"])}
    assert drawn == {(p.lead_time, float(p.cost)) for p in front.points}
    marked = {(int(x), round(y, 2)) for x, y in _offsets(scatters["candidates"])}
    assert marked == {(c.lead_time, float(c.cost)) for c in solution.candidates}
    # No candidate beats the exact front.
    for c in solution.candidates:
        assert any(p.cost <= c.cost and p.lead_time <= c.lead_time for p in front.points)
    assert "Pareto front" in ax.get_title()


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_pareto_candidates_only(items: list[ProductReport]) -> None:
    solution = items[0].solution
    front = figures.front_from_candidates(solution.candidates)
    assert not front.exact
    fig = figures.pareto(front, solution.candidates)
    assert "candidates only" in fig.axes[0].get_title()
    staircase = next(line for line in fig.axes[0].get_lines() if line.get_label() == "non-dominated among candidates")
    assert staircase.get_linestyle() == "--"


def test_front_from_analysis_accepts_plain_points() -> None:
    front = figures.front_from_analysis([(Decimal("5.5"), 9), {"cost": "7", "lead_time": 3}])
    assert [(p.cost, p.lead_time) for p in front.points] == [(Decimal(7), 3), (Decimal("5.5"), 9)]
    assert front.exact and front.note == ""


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_same_input_same_picture(catalog: Catalog, items: list[ProductReport]) -> None:
    c = items[-1].solution.candidates[0]
    assert figures.figure_png(figures.gantt(c, deadline=90)) == figures.figure_png(figures.gantt(c, deadline=90))
    assert figures.figure_png(figures.network(c, catalog)) == figures.figure_png(figures.network(c, catalog))


# ---------------------------------------------------------------------------
# matplotlib is optional
# ---------------------------------------------------------------------------


def test_core_does_not_import_matplotlib() -> None:
    code = (
        "import sys, modcluster, modcluster.cli.app, modcluster.report.graph_export; print('matplotlib' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_missing_matplotlib_is_a_clean_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(figures.PlotUnavailableError, match=r"pip install 'modcluster\[plot\]'"):
        figures.require_matplotlib()
    code = main(["report", str(TAMA), "--product", "piezo-nano-stage", "--out", str(tmp_path / "r.html")])
    assert code == 2
    assert "pip install 'modcluster[plot]'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def test_report_command_writes_html_and_png(tmp_path: Path) -> None:
    out, png = tmp_path / "report.html", tmp_path / "png"
    product = "cubesat-star-tracker"
    result = _run(
        "report", str(TAMA), "--product", product, "--candidates", "2", "--out", str(out), "--png", str(png),
        "--levers-time", "0",  # the solve's figures only (the levers' analyses: tests/test_policies_faces.py)
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert product in html and html.count("<img ") == 1 + 2 * 3
    names = sorted(p.name for p in png.iterdir())
    assert names == sorted(
        [f"{product}-pareto.png"] + [f"{product}-c{r}-{k}.png" for r in (1, 2) for k in ("cost", "gantt", "network")]
    )
    # The same figures in the page and in the directory.
    assert {base64.b64encode(p.read_bytes()).decode() for p in png.iterdir()} == set(
        re.findall(r"base64,([^\"]*)\"", html)
    )
    if importlib.util.find_spec("modcluster.analysis.pareto") is not None:
        assert "cost / lead-time front: " in result.stderr
        assert "The exact cost / lead-time Pareto front of the request" in html
    else:
        assert "Candidates only: the exact front was not computed" in html


def test_report_falls_back_to_the_candidates_when_the_front_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("modcluster.analysis.pareto", reason="the exact Pareto analysis is not there")

    def broken(*args: object, **kwargs: object) -> None:
        raise modcluster.SolverError("broken on purpose")

    monkeypatch.setattr("modcluster.analysis.pareto_front", broken)  # where the command looks it up
    out = tmp_path / "r.html"
    code = main(["report", str(TAMA), "--product", "piezo-nano-stage", "--candidates", "1", "--out", str(out)])
    assert code == 0
    assert "the Pareto analysis failed (broken on purpose)" in capsys.readouterr().err
    assert "Candidates only: the exact front was not computed" in out.read_text()


def test_report_command_usage_errors(tmp_path: Path) -> None:
    assert main(["report", str(TAMA), "--product", "piezo-nano-stage"]) == 2
    assert main(["report", str(TAMA), "--out", str(tmp_path / "report.pdf")]) == 2


def test_graph_export_formats(catalog: Catalog, tmp_path: Path) -> None:
    nodes = len(catalog.organizations) + len(catalog.intermediaries)
    edges = len(catalog.relationships) + sum(len(i.members) for i in catalog.intermediaries)
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"tama.{fmt}"
        result = _run("graph", str(TAMA), "--out", str(path))
        assert result.returncode == 0, result.stderr
        graph = reader(path)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
        org = catalog.organizations[0]
        assert graph.nodes[org.id]["role"] == str(org.kind)
        assert graph.nodes[org.id]["site"] == org.site
        rel = catalog.relationships[0].between
        assert graph.edges[rel]["kind"] == "tie"
        inter = catalog.intermediaries[0]
        assert graph.edges[inter.id, inter.members[0]]["kind"] == "member"
        assert path.read_text() == graph_text(catalog, fmt)  # same catalog, same bytes
    dot = _run("graph", str(TAMA), "--format", "dot")
    assert dot.returncode == 0, dot.stderr
    assert len(re.findall(r"^  \"[^\"]+\" \[label=", dot.stdout, flags=re.M)) == nodes
    assert len(re.findall(r"^  \"[^\"]+\" -- \"[^\"]+\"", dot.stdout, flags=re.M)) == edges
    if shutil.which("dot"):
        rendered = subprocess.run(["dot", "-Tsvg"], input=dot.stdout, capture_output=True, text=True, timeout=120)
        assert rendered.returncode == 0 and "<svg" in rendered.stdout, rendered.stderr


def test_graph_format_from_suffix() -> None:
    assert format_for_path("x.graphml") == "graphml"
    with pytest.raises(modcluster.InputError, match="--format"):
        format_for_path("x.txt")
    assert main(["graph", str(TAMA), "--out", "x.txt"]) == 2


def test_export_graph_attributes(catalog: Catalog) -> None:
    g = export_graph(catalog)
    for org in catalog.organizations:
        expected = ",".join(i.id for i in catalog.intermediaries if org.id in i.members)
        assert g.nodes[org.id]["member_of"] == expected
    assert g.nodes["sagami-seimitsu"]["member_of"].startswith("tama-association")


# ---------------------------------------------------------------------------
# Headless Chromium
# ---------------------------------------------------------------------------


@functools.cache
def _chromium() -> tuple[str | None, str]:
    """The chromium binary, installing Debian's package once in CI (as root) when missing; else the reason."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found, ""
    if not os.environ.get("CI"):
        return None, "chromium is not installed (apt-get install chromium); CI installs it"
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "chromium is not installed and cannot be installed here (needs root and apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "chromium"]
    try:  # at most three steps of 5 minutes: install; if that fails, refresh the lists and install again
        if subprocess.run(install, capture_output=True, timeout=300, env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=300, env=env)
            subprocess.run(install, capture_output=True, timeout=300, env=env)
    except subprocess.TimeoutExpired:
        return None, "installing chromium with apt-get took too long"
    found = shutil.which("chromium")
    return (found, "") if found else (None, "apt-get could not install chromium")


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_report_opens_in_headless_chromium(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    binary, reason = _chromium()
    if binary is None:
        pytest.skip(reason)
    report: Report = request.getfixturevalue("report")
    page = tmp_path / "report.html"
    page.write_text(report.html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    command = _tutorial_script().chromium_command
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(command(binary, profile, shot, page, 2000), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2000, 1280)
    rgb = (pixels[..., :3] * 255).round().astype(np.uint8).reshape(-1, 3)
    colours = np.unique(rgb, axis=0)
    assert len(colours) > 64, f"only {len(colours)} colours: a blank page?"
    not_white = float((rgb.min(axis=1) < 245).mean())
    assert not_white > 0.05, f"{not_white:.1%} of the page is not white"


# ---------------------------------------------------------------------------
# Docs
# ---------------------------------------------------------------------------


def test_api_page_names_every_public_name() -> None:
    from modcluster.report import graph_export, html, text

    page = (DOCS / "api.md").read_text()
    names = [n for n in modcluster.__all__ if not n.startswith("_")]
    for module in (figures, html, graph_export):
        names += module.__all__
    names += [n for n in text.__all__ if n != "table"]
    missing = [n for n in names if not re.search(rf"`{re.escape(n)}[`(]", page)]
    assert not missing, f"docs/api.md does not mention {missing}"


def _tutorial_script() -> types.ModuleType:
    """scripts/make_tutorial_figures.py as a module."""
    spec = importlib.util.spec_from_file_location(
        "make_tutorial_figures", ROOT / "scripts" / "make_tutorial_figures.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_tutorial_pictures_come_from_the_script() -> None:
    script = _tutorial_script()
    page = (DOCS / "tutorial.md").read_text()
    shown = re.findall(r"!\[[^\]]+\]\(img/([^)]+)\)", page)
    assert sorted(shown) == sorted([*script.FIGURES, script.SCREENSHOT])
    for name in shown:
        data = (DOCS / "img" / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name


def test_network_names_the_person_leading_at_the_hub() -> None:
    """v1.1: a placed person's hub is labelled with who leads it; a hub without one is labelled as before."""
    cat = load_catalog(ROOT / "catalogs" / "examples" / "people.yaml")
    request = build_request(cat, cat.products[0].id)
    led = next((c for c in solve(cat, request).candidates if c.person is not None), None)
    assert led is not None
    texts = [t.get_text() for t in figures.network(led, cat).axes[0].texts]
    assert any(t.startswith(f"{led.hub} (hub, led by {led.person})") for t in texts)
    plain = solve(cat, request.with_changes(people=False)).best
    assert plain is not None
    texts = [t.get_text() for t in figures.network(plain, cat).axes[0].texts]
    assert any(t.startswith(f"{plain.hub} (hub)\n") for t in texts)


def test_the_report_of_a_request_with_no_system_gives_the_least_budget_and_deadline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from modcluster.analysis import Relaxation
    from modcluster.report.text import least_lines

    lines = least_lines(
        [
            Relaxation("budget", Decimal(18000), Decimal("30258.00"), None, True),
            Relaxation("deadline", 62, 69, None, False),
            Relaxation("max_partners", None, None, None, False, "unknown"),
        ],
        "kJPY",
    )
    assert lines[0].endswith(": 30,258.00 kJPY, now 18,000.00")
    assert lines[1].endswith(": 69 days, now 62 (found, not proven least within the time limit)")
    assert lines[2].endswith(": unknown: not decided within the time limit")
    # The command, in a time limit too short to decide them: unknown, and within the limit.
    began = time.monotonic()
    args = ["--product", "ultrasonic-distance-sensor", "--deadline", "62", "--time-limit", "0.3", "--quiet"]
    assert main(["solve", str(TAMA), *args]) == 1
    assert time.monotonic() - began < 3
    out = capsys.readouterr().out
    assert "no system meets all of: budget, deadline" in out
    assert "least budget that admits a system (every other rule kept): " in out
    assert "least deadline that admits a system (every other rule kept): " in out
    html = tmp_path / "r.html"
    assert main(["report", str(TAMA), *args, "--front", "candidates", "--levers-time", "0", "--out", str(html)]) == 1
    assert "least deadline that admits a system" in html.read_text()
