"""A self-contained HTML report: per product its front, per candidate its Gantt, network and costs.

When the catalog has ``people`` or ``policies`` (contract v1.1), the page
also carries the people analysis (:func:`~modcluster.analysis.people_value`)
and the policies analysis (:func:`~modcluster.analysis.policy_value`), each
with its table and a bar chart; both solve each product's default request.

The page needs no network to open: the figures are PNG images drawn by
matplotlib (:mod:`modcluster.report.figures`) and embedded as ``data:`` URLs,
and the style sheet is inline. The same input gives the same bytes (no
timestamps, fixed figure style and layout seed). The page is UTF-8, and its
fonts are a stack of Latin fonts then Japanese ones the reader's system has
(Hiragino, Yu Gothic, Meiryo, Noto Sans CJK JP, IPAexGothic), so names such as
``株式会社八王子精工`` read as they are written; no font is fetched from anywhere.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from modcluster.domain import (
    Candidate,
    Catalog,
    ModuleChoice,
    Request,
    Solution,
    Status,
    WorkingCalendar,
    calendar_of,
)
from modcluster.report import figures
from modcluster.report.text import date_span, format_money, least_lines

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from modcluster.analysis import CityWork, PeopleValue, PolicyValue, Relaxation, VersionsDiff

__all__ = ["ProductReport", "Report", "build_report", "cost_rows", "product_figures"]

_STATUS_TEXT = {
    Status.OPTIMAL: "optimal: every candidate proven optimal",
    Status.FEASIBLE: "feasible: best found within the time limit, not proven optimal",
    Status.INFEASIBLE: "infeasible: no system meets the request",
    Status.UNKNOWN: "unknown: no system found within the time limit, nothing proven",
}

_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, "Hiragino Sans", "Hiragino Kaku Gothic ProN",
       "Yu Gothic", "YuGothic", Meiryo, "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic",
       sans-serif; margin: 0; color: #222;
       background: #fff; line-height: 1.4; }
header { background: #1f3a5f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 24px; }
header p { margin: 0; opacity: 0.85; }
main { padding: 8px 32px 40px 32px; max-width: 1200px; }
nav ul { padding-left: 20px; }
section.product, section.analysis { border-top: 3px solid #1f3a5f; margin-top: 28px; }
article.candidate { border-top: 1px solid #ccc; margin-top: 22px; }
h2 { margin: 14px 0 6px 0; } h3 { margin: 14px 0 6px 0; }
table { border-collapse: collapse; margin: 8px 0 14px 0; font-size: 14px; }
th, td { border: 1px solid #d0d0d0; padding: 3px 9px; text-align: left; vertical-align: top; }
th { background: #f0f3f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 10px 0 18px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 13px; color: #555; }
.status-optimal { color: #1e7b34; } .status-feasible { color: #a86400; }
.status-infeasible, .status-unknown { color: #b22222; }
.note { color: #555; font-size: 14px; }
.tables { display: flex; flex-wrap: wrap; gap: 0 28px; }
"""


@dataclass(frozen=True, slots=True)
class ProductReport:
    """One product's part of the report: the request, its solution and the front to draw.

    Without ``front`` the candidates' own points stand in (marked "candidates only").
    """

    request: Request
    solution: Solution
    front: figures.Front | None = None
    least: tuple[Relaxation, ...] = ()  # no system: the least budget and deadline that admit one


@dataclass(frozen=True, slots=True)
class Report:
    """A built report: the HTML page and the same figures as PNG files (name -> bytes)."""

    html: str
    images: dict[str, bytes] = field(default_factory=dict)


def product_figures(catalog: Catalog, item: ProductReport) -> dict[str, Figure]:
    """Every figure of one product, by PNG file stem: the front, then per candidate Gantt, network and costs."""
    request, solution = item.request, item.solution
    money = catalog.units.money
    front = item.front or figures.front_from_candidates(solution.candidates)
    out: dict[str, Figure] = {}
    if solution.candidates or front.points:
        out["pareto"] = figures.pareto(
            front,
            solution.candidates,
            budget=request.limits.budget,
            deadline=request.limits.deadline,
            money=money,
        )
    for c in solution.candidates:
        out[f"c{c.rank}-gantt"] = figures.gantt(
            c, deadline=request.limits.deadline, calendar=calendar_of(solution.request)
        )
        out[f"c{c.rank}-network"] = figures.network(c, catalog)
        out[f"c{c.rank}-cost"] = figures.cost_breakdown(c, budget=request.limits.budget, money=money)
    return out


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its IHDR chunk."""
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _img(data: bytes, alt: str, caption: str) -> str:
    width, height = _png_size(data)
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{b64}" width="{width}" height="{height}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(cell)}</td>' if i in numeric else f"<td>{escape(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _request_line(request: Request, money: str) -> str:
    parts = [f"quantity {request.quantity}", f"objective {request.objective.value}"]
    limits = request.limits
    if limits.budget is not None:
        parts.append(f"budget {format_money(limits.budget)} {money}")
    if limits.deadline is not None:
        parts.append(f"deadline {limits.deadline} days")
    if limits.max_partners is not None:
        parts.append(f"at most {limits.max_partners} partners")
    if request.sites:
        parts.append("sites " + ", ".join(request.sites))
    if request.hub:
        parts.append(f"hub {request.hub}")
    if request.exclude:
        parts.append("excluding " + ", ".join(request.exclude))
    if request.require:
        parts.append("requiring " + ", ".join(request.require))
    return "; ".join(parts)


def _days(m: ModuleChoice) -> tuple[int, int]:
    if m.source == "buy":
        assert m.start is not None and m.end is not None
        return m.start, m.end
    starts = [s.start for s in m.steps] + ([m.seed.start] if m.seed else [])
    ends = [s.end for s in m.steps] + ([m.seed.end] if m.seed else [])
    return min(starts), max(ends)


def _span(m: ModuleChoice) -> str:
    """The module's days cell: ``first-last``."""
    start, end = _days(m)
    return f"{start}-{end}"


def _span_cells(m: ModuleChoice, calendar: WorkingCalendar | None) -> list[str]:
    """The module's days cell, and its dates cell given a calendar."""
    start, end = _days(m)
    return [_span(m), *([] if calendar is None else [date_span(calendar, start, end)])]


def cost_rows(c: Candidate) -> list[list[str]]:
    """The candidate's cost table: each term, the people fee and the subsidies when the catalog has them, the total.

    The subsidies (the policies' refunds, v1.1) are shown subtracted, and the
    total is then the net cost. The one home of this table: the HTML report
    and the web configurator both show it.
    """
    b = c.cost_breakdown
    terms: list[tuple[str, Decimal]] = [
        ("integration (design fee and bridges)", b.integration),
        ("steps", b.steps),
        ("modules", b.modules),
        ("licences", b.licences),
        ("on-boarding", b.onboarding),
    ]
    if c.with_people or b.people:
        terms.append(("people (placement fee" + (f" of {c.person})" if c.person else ")"), b.people))
    rows = [[name, format_money(value)] for name, value in terms]
    if c.with_policies or b.subsidies:
        rows.append(["gross", format_money(b.gross)])
        rows.append(["subsidies (subtracted)", "−" + format_money(b.subsidies)])
        rows.append(["total (net)", format_money(b.total)])
    else:
        rows.append(["total", format_money(b.total)])
    return rows


def _candidate_html(
    catalog: Catalog,
    c: Candidate,
    images: dict[str, bytes],
    stem: str,
    anchor: str,
    money: str,
    calendar: WorkingCalendar | None = None,
) -> str:
    proof = "proven optimal" if c.proven_optimal else "not proven optimal"
    dates = "" if calendar is None else f", {date_span(calendar, 0, c.lead_time)}"
    out = [
        f'<article class="candidate" id="{escape(anchor)}">',
        f"<h3>Candidate {c.rank}: cost {escape(format_money(c.cost))} {escape(money)}, "
        f"lead time {c.lead_time} days{dates} ({proof})</h3>",
        f"<p>Hub <b>{escape(c.hub)}</b>; {len(c.partners)} partner(s): {escape(', '.join(c.partners) or 'none')}.</p>",
        _img(
            images[f"{stem}-c{c.rank}-gantt.png"],
            f"Gantt chart of candidate {c.rank}",
            "Schedule by organisation: bars coloured by module, hatched seed transfers, grey arrows for "
            "handovers between organisations, integration by the hub last; dashed red line: the deadline.",
        ),
        _img(
            images[f"{stem}-c{c.rank}-network.png"],
            f"Network of candidate {c.rank}",
            "The product system: hub at the centre, partners around it by role; solid lines are existing "
            "ties, dashed lines new ties that pay on-boarding; stars are licensed seeds.",
        ),
        _img(
            images[f"{stem}-c{c.rank}-cost.png"],
            f"Cost breakdown of candidate {c.rank}",
            "Cost by term, with the budget."
            + (
                " The hatched band is the policies' refunds, subtracted: the green line is the net cost."
                if c.with_policies or c.cost_breakdown.subsidies
                else ""
            ),
        ),
    ]
    rows: list[list[str]] = []
    for m in c.modules:
        if m.source == "buy":
            rows.append([m.id, "buy", f"{m.organization} / {m.offer}", *_span_cells(m, calendar)])
        else:
            by = [f"{s.organization} / {s.offer}" for s in m.steps]
            if m.seed is not None:
                by.insert(0, f"seed {m.seed.seed} of {m.seed.organization}")
            rows.append([m.id, "make", " → ".join(by), *_span_cells(m, calendar)])
    out.append('<div class="tables">')
    header = ["module", "source", "by", "days", *([] if calendar is None else ["dates"])]
    out.append("<div><h4>Modules</h4>" + _table(header, rows) + "</div>")
    out.append(
        f"<div><h4>Cost ({escape(money)})</h4>" + _table(["term", "amount"], cost_rows(c), numeric=[1]) + "</div>"
    )
    link_rows = [
        [f"{lk.between[0]} – {lk.between[1]}", lk.interface, "matched" if lk.matched else "bridged by the hub"]
        for lk in c.links
    ]
    if link_rows:
        out.append("<div><h4>Links</h4>" + _table(["between", "interface", "variants"], link_rows) + "</div>")
    out.append("</div></article>")
    return "\n".join(out)


def _product_html(catalog: Catalog, item: ProductReport, images: dict[str, bytes], stem: str) -> str:
    request, solution = item.request, item.solution
    money = catalog.units.money
    status = solution.status
    out = [
        f'<section class="product" id="{escape(stem)}">',
        f"<h2>{escape(solution.product)}</h2>",
        f"<p>{escape(_request_line(request, money))}.</p>",
        f'<p class="status-{status.value}"><b>{escape(_STATUS_TEXT[status])}</b>; '
        f"{len(solution.candidates)} candidate(s).</p>",
    ]
    if solution.explanation is not None:
        out.append(f"<p>{escape(solution.explanation.summary)}</p>")
        if solution.explanation.gaps:
            out.append("<ul>")
            for gap in solution.explanation.gaps:
                misses = "".join(f"<li>{escape(m)}</li>" for m in gap.near_misses)
                out.append(
                    f"<li>{escape(gap.place)}: {escape(gap.requirement)}: {escape(gap.reason)}"
                    + (f"<ul>{misses}</ul>" if misses else "")
                    + "</li>"
                )
            out.append("</ul>")
    if item.least:
        lines = "".join(f"<li>{escape(line)}</li>" for line in least_lines(item.least, money))
        out.append(f"<ul>{lines}</ul>")
    if solution.candidates:
        rows = [
            [
                f"#{c.rank}",
                format_money(c.cost),
                str(c.lead_time),
                c.hub,
                str(len(c.partners)),
                "yes" if c.proven_optimal else "no",
            ]
            for c in solution.candidates
        ]
        out.append(
            _table(
                ["rank", f"cost ({money})", "lead time (days)", "hub", "partners", "proven optimal"],
                rows,
                numeric=[1, 2, 4],
            )
        )
    if f"{stem}-pareto.png" in images:
        exact = item.front is not None and item.front.exact
        caption = (
            "The exact cost / lead-time Pareto front of the request, with the ranked candidates circled."
            if exact
            else "Candidates only: the exact front was not computed; the dashed staircase joins the "
            "candidates that no other candidate beats in both cost and lead time."
        )
        out.append(_img(images[f"{stem}-pareto.png"], f"Cost and lead time of {solution.product}", caption))
    for c in solution.candidates:
        calendar = calendar_of(solution.request)
        out.append(_candidate_html(catalog, c, images, stem, f"{stem}-c{c.rank}", money, calendar))
    out.append("</section>")
    return "\n".join(out)


#: Anchors of the analysis sections, never given to a product section.
_ANALYSIS_ANCHORS = ("analysis-people", "analysis-policies", "analysis-versions")


def _cities(work: Sequence[CityWork], proven: bool) -> str:
    if not work:
        return "-"
    text = ", ".join(f"{w.city} {'+' if w.change > 0 else ''}{format_money(w.change)}" for w in work)
    return text + ("" if proven else " (not proven)")


def _policies_html(value: PolicyValue, images: dict[str, bytes], money: str) -> str:
    """The policies analysis: per product the best cost with every policy and with none, each policy, rivals."""
    from modcluster.report.analyses import describe_policy, system_cost_cell

    out = [
        '<section class="analysis" id="analysis-policies">',
        "<h2>Policies: what each is worth, the work it moves, who competes</h2>",
        '<p class="note">Each product\'s default request is solved with every policy, with none '
        "(<code>policies: false</code>) and without each policy in turn. A policy's value is the best cost "
        "without it minus the best cost with every policy, given only when both solves are proven optimal; "
        "work is the gross cost terms (onboarding aside) counted at the city of the organisation paid; two "
        "policies of different cities compete when both cover eligible options of one task slot.</p>",
    ]
    if not value.policies:
        out.append("<p>The catalog has no policies: there is nothing to value.</p></section>")
        return "\n".join(out)
    rows = [
        [
            b.product,
            system_cost_cell(b.cost_with, b.status_with),
            "-" if b.subsidies is None else format_money(b.subsidies),
            system_cost_cell(b.cost_without, b.status_without),
            b.status if b.value is None else format_money(b.value),
        ]
        for b in value.baselines
    ]
    header = ["product", f"with every policy ({money})", "subsidies", "with no policy", "worth of every policy"]
    out.append(_table(header, rows, numeric=[2]))
    if "analysis-policies.png" in images:
        out.append(
            _img(
                images["analysis-policies.png"],
                "Value of each policy per product",
                "Each policy's value per product (best cost without it minus with every policy), with the "
                "cities whose work it raises; a row not proven shows its status and no bar.",
            )
        )
    out.append("<h3>Each policy</h3><ul>")
    out += [f"<li><b>{escape(p.id)}</b>: {escape(describe_policy(p, money))}</li>" for p in value.policies]
    out.append("</ul>")
    rows = [
        [
            e.policy,
            e.product,
            e.status if e.value is None else format_money(e.value),
            system_cost_cell(e.cost_with, e.status_with),
            system_cost_cell(e.cost_without, e.status_without),
            _cities(e.gains, e.proven),
            _cities(e.losses, e.proven),
        ]
        for e in value.effects
    ]
    header = ["policy", "product", "value", "with it", "without it", "cities that gain", "cities that lose"]
    out.append(_table(header, rows, numeric=[2]))
    notes = [f"{e.policy} / {e.product}: {e.note}" for e in value.effects if e.note]
    if notes:
        out.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    out.append("<h3>Competing policies</h3>")
    if not value.competing:
        out.append("<p>None: no two policies of different cities cover options of one task slot.</p>")
    moved = {True: "work moves", False: "no work moves", None: "unknown"}
    for c in value.competing:
        first, second = ", ".join(c.first_sites), ", ".join(c.second_sites)
        out.append(f"<h4>{escape(c.first)} ({escape(first)}) and {escape(c.second)} ({escape(second)})</h4>")
        rows = [[s.product, s.slot, s.kind, ", ".join(s.first), ", ".join(s.second)] for s in c.slots]
        out.append(_table(["product", "task slot", "kind", c.first, c.second], rows))
        rows = [[product, moved[a], moved[b]] for product, a, b in c.moves]
        header = ["product", f"without {c.first}, into {second}", f"without {c.second}, into {first}"]
        out.append(_table(header, rows))
    out.append("</section>")
    return "\n".join(out)


def _people_html(value: PeopleValue, images: dict[str, bytes], money: str) -> str:
    """The people analysis: per person and product, what a placement unlocks or improves, where, by how much."""
    out = [
        '<section class="analysis" id="analysis-people">',
        "<h2>People: what each placement is worth</h2>",
        '<p class="note">Each product\'s default request is solved with nobody placed '
        "(<code>people: false</code>) and with only one person placeable. A placement unlocks a product that "
        "has no system otherwise, improves it when the best system places the person and is better under the "
        "request's objective, else does nothing.</p>",
    ]
    if not value.effects:
        out.append("<p>No person of the catalog may lead any of its products' families.</p></section>")
        return "\n".join(out)
    if "analysis-people.png" in images:
        out.append(
            _img(
                images["analysis-people.png"],
                "Saving of each placement per product",
                "Each placement's saving per product (best cost with nobody placed minus with the person), "
                "at the hub where they lead; a placement that unlocks, does nothing or is not proven shows no bar.",
            )
        )
    from modcluster.report.analyses import person_effect_cells

    rows = [[e.person, e.product, *person_effect_cells(e)] for e in value.effects]
    header = ["person", "product", "effect", "at hub", f"with ({money})", "without", "saving", "days saved"]
    out.append(_table(header, rows, numeric=[4, 5, 6, 7]))
    out.append("</section>")
    return "\n".join(out)


def _stems(items: Sequence[ProductReport]) -> list[str]:
    """A unique file stem and anchor per product section (``-2``, ``-3`` for repeats; never an analysis's)."""
    seen: dict[str, int] = dict.fromkeys(_ANALYSIS_ANCHORS, 1)
    out = []
    for item in items:
        base = item.solution.product
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def build_report(
    catalog: Catalog,
    items: Sequence[ProductReport],
    *,
    title: str | None = None,
    people: PeopleValue | None = None,
    policies: PolicyValue | None = None,
    changes: VersionsDiff | None = None,
) -> Report:
    """Draw every figure once and build the HTML page around them.

    Args:
        catalog: The catalog the requests were solved on.
        items: One product section each.
        title: The page's title.
        people: The people analysis to show (:func:`~modcluster.analysis.people_value`), if any.
        policies: The policies analysis to show (:func:`~modcluster.analysis.policy_value`), if any.
        changes: What changed since an older version of the catalog (:mod:`modcluster.analysis.versions`),
            shown as a section "What changed since OLD", if any.

    Returns:
        The page, and the figures as PNG bytes named ``<product>-pareto.png`` and
        ``<product>-c<rank>-{gantt,network,cost}.png``, with ``analysis-people.png`` and
        ``analysis-policies.png`` when those analyses are shown (what ``--png DIR`` writes).

    Raises:
        PlotUnavailableError: matplotlib is not installed.
    """
    from modcluster.report.figures.analysis_charts import people_savings, policy_values

    figures.require_matplotlib()
    money = catalog.units.money
    images: dict[str, bytes] = {}
    stems = _stems(items)
    for stem, item in zip(stems, items, strict=True):
        for name, fig in product_figures(catalog, item).items():
            images[f"{stem}-{name}.png"] = figures.figure_png(fig)
    sections: list[tuple[str, str]] = []
    if people is not None:
        images["analysis-people.png"] = figures.figure_png(people_savings(people, money=money))
        sections.append(("analysis-people", "People: what each placement is worth"))
    if policies is not None:
        images["analysis-policies.png"] = figures.figure_png(policy_values(policies, money=money))
        sections.append(("analysis-policies", "Policies: what each is worth, the work it moves, who competes"))
    if changes is not None:
        sections.append(("analysis-versions", f"What changed since {changes.old}"))
    heading = title or f"modcluster report: {catalog.name or 'catalog'}"
    toc = "".join(
        f'<li><a href="#{escape(stem)}">{escape(item.solution.product)}</a>: {escape(item.solution.status.value)}, '
        + (
            f"best cost {escape(format_money(item.solution.candidates[0].cost))} {escape(money)}, "
            f"lead time {item.solution.candidates[0].lead_time} days"
            if item.solution.candidates
            else "no candidate"
        )
        + "</li>"
        for stem, item in zip(stems, items, strict=True)
    )
    if sections:
        toc += "".join(f'<li><a href="#{anchor}">{escape(text)}</a></li>' for anchor, text in sections)
    body = "\n".join(_product_html(catalog, item, images, stem) for stem, item in zip(stems, items, strict=True))
    if people is not None:
        body += "\n" + _people_html(people, images, money)
    if policies is not None:
        body += "\n" + _policies_html(policies, images, money)
    if changes is not None:
        from modcluster.report.versions import versions_html

        body += "\n" + versions_html(changes)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(heading)}</title>
<style>{_CSS}</style>
</head>
<body>
<header><h1>{escape(heading)}</h1>
<p>{len(catalog.organizations)} organisations; money in {escape(money)}, time in days.</p></header>
<main>
<nav><h2>Products</h2><ul>{toc}</ul></nav>
{body}
</main>
</body>
</html>
"""
    return Report(page, images)
