"""Readable terminal output: one table per candidate, with a small text Gantt."""

from __future__ import annotations

from decimal import Decimal

from modcluster.domain import Candidate, Catalog, Solution, Status

__all__ = ["format_money", "render_candidate", "render_solution", "table"]

_STATUS_TEXT = {
    Status.OPTIMAL: "optimal (proven)",
    Status.FEASIBLE: "feasible (best found within the time limit, not proven optimal)",
    Status.INFEASIBLE: "infeasible (no system meets the request)",
    Status.UNKNOWN: "unknown (no system found within the time limit, nothing proven)",
}


def format_money(value: Decimal) -> str:
    """Money with thousands separators and two decimals.

    >>> format_money(Decimal("12345.6"))
    '12,345.60'
    """
    return f"{value:,.2f}"


def table(rows: list[list[str]], header: list[str]) -> list[str]:
    """Left-aligned columns with a rule under the header."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), line]
    for row in rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return out


def _gantt(candidate: Candidate, width: int = 48) -> list[str]:
    tasks: list[tuple[str, str, int, int]] = []
    for m in candidate.modules:
        if m.source == "buy":
            assert m.start is not None and m.end is not None and m.organization is not None
            tasks.append((f"{m.id} (buy)", m.organization, m.start, m.end))
        else:
            if m.seed is not None:
                tasks.append((f"{m.id} seed", m.seed.organization, m.seed.start, m.seed.end))
            for i, s in enumerate(m.steps, start=1):
                tasks.append((f"{m.id} {i}:{s.capability}", s.organization, s.start, s.end))
    tasks.append(("integration", candidate.hub, *candidate.integration))
    span = max(candidate.lead_time, 1)
    scale = width / span
    label_w = max(len(t[0]) for t in tasks)
    org_w = max(len(t[1]) for t in tasks)
    lines = []
    for label, org, start, end in tasks:
        left = round(start * scale)
        length = max(round(end * scale) - left, 1 if end > start else 0)
        bar = " " * left + ("#" * length if length else "|")
        lines.append(f"  {label.ljust(label_w)}  {org.ljust(org_w)}  {bar.ljust(width)} {start:>4}-{end}")
    lines.append(f"  {'':{label_w}}  {'':{org_w}}  0{'day ' + str(span):>{width}}")
    return lines


def render_candidate(candidate: Candidate, catalog: Catalog | None = None) -> str:
    """A readable block for one candidate: figures, sources, cost breakdown, Gantt."""
    money = catalog.units.money if catalog else ""
    proof = "proven optimal" if candidate.proven_optimal else "not proven optimal"
    out = [
        f"Candidate {candidate.rank} ({proof}): cost {format_money(candidate.cost)} {money}, "
        f"lead time {candidate.lead_time} days",
        f"  hub: {candidate.hub}" + (f", led by {candidate.person} (placed)" if candidate.person is not None else ""),
        f"  partners ({len(candidate.partners)}): {', '.join(candidate.partners) or 'none'}",
        "",
    ]
    rows = []
    for m in candidate.modules:
        if m.source == "buy":
            rows.append([m.id, "buy", f"{m.organization} / {m.offer}", f"{m.start}-{m.end}"])
        else:
            parts = [f"{s.organization} / {s.offer}" for s in m.steps]
            if m.seed is not None:
                parts.insert(0, f"seed {m.seed.seed} of {m.seed.organization}")
            first = m.seed.start if m.seed else m.steps[0].start
            last = m.steps[-1].end if m.steps else (m.seed.end if m.seed else 0)
            rows.append([m.id, "make", " -> ".join(parts), f"{first}-{last}"])
    out += ["  " + line for line in table(rows, ["module", "source", "by", "days"])]
    if candidate.links:
        matched = sum(1 for lk in candidate.links if lk.matched)
        out.append(
            f"  links: {matched} of {len(candidate.links)} matched"
            + "".join(
                f"; bridged {lk.between[0]}-{lk.between[1]} ({lk.interface})"
                for lk in candidate.links
                if not lk.matched
            )
        )
    b = candidate.cost_breakdown
    out.append(
        "  cost: "
        + ", ".join(
            f"{name} {format_money(value)}"
            for name, value in (
                ("integration", b.integration),
                ("steps", b.steps),
                ("modules", b.modules),
                ("licences", b.licences),
                ("onboarding", b.onboarding),
                *((("people", b.people),) if candidate.with_people else ()),
            )
        )
        + (f", less subsidies {format_money(b.subsidies)}" if candidate.with_policies else "")
    )
    out.append("")
    out += _gantt(candidate)
    return "\n".join(out)


def render_solution(solution: Solution, catalog: Catalog | None = None) -> str:
    """The whole answer to one request, as the CLI prints it."""
    head = (
        f"{solution.product}: quantity {solution.quantity}, objective {solution.objective}: "
        f"{_STATUS_TEXT[solution.status]}"
    )
    out = [head, "=" * min(len(head), 100)]
    if solution.explanation is not None:
        out.append(solution.explanation.summary)
        for gap in solution.explanation.gaps:
            out.append(f"  - {gap.place}: {gap.requirement}: {gap.reason}")
            out += [f"      {miss}" for miss in gap.near_misses]
    for candidate in solution.candidates:
        out.append("")
        out.append(render_candidate(candidate, catalog))
    if not solution.candidates and solution.explanation is None:
        out.append("no candidate found")
    return "\n".join(out)
