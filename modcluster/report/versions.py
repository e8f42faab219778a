"""Catalog versions shown to people: the change as text, the answers side by side, and an HTML section.

The results are those of :mod:`modcluster.analysis.versions` (``modcluster
diff``); they are only read here, so importing this module loads neither the
solver nor matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from modcluster.domain.catalog import plain_number
from modcluster.report.text import format_money, table

if TYPE_CHECKING:  # the results are only read here: importing the analyses would load the solver
    from modcluster.analysis.versions import Answer, AnswerDiff, AnswersDiff, CatalogDiff, Change, VersionsDiff

__all__ = [
    "ANCHOR",
    "DEFAULT_TITLE",
    "answer_cells",
    "render_answers_diff",
    "render_catalog_diff",
    "render_versions",
    "value_text",
    "versions_html",
]

_MARK = {"added": "+", "removed": "-", "changed": "~"}

DEFAULT_TITLE = "each product's default request"
"""What the answers of :func:`render_answers_diff` answer, unless told otherwise."""


def value_text(value: Any) -> str:
    """A changed value in one short line: numbers as written, ``none``, lists and mappings compactly.

    Numbers keep their digits but are written out in full, never with an exponent
    (:func:`~modcluster.domain.catalog.plain_number`): a catalog's ``1.2e6`` is ``1200000``.

    >>> value_text(Decimal("8.50")), value_text(None), value_text(["a", "b"]), value_text({"max": Decimal(5)})
    ('8.50', 'none', '[a, b]', '{max: 5}')
    >>> value_text(Decimal("1.2E+6")), value_text([Decimal("2E+3")]), value_text({"max": Decimal("1E-7")})
    ('1200000', '[2000]', '{max: 0.0000001}')
    """
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    return plain_number(value)


def _change_line(c: Change) -> str:
    if c.kind == "changed":
        return f"{_MARK[c.kind]} {c.path}: {value_text(c.old)} -> {value_text(c.new)}"
    return f"{_MARK[c.kind]} {c.path}"


def render_catalog_diff(diff: CatalogDiff) -> str:
    """The catalog change: a count per kind of entity, then each change (``+`` added, ``-`` removed, ``~`` changed)."""
    if diff.empty:
        return "catalog: no change"
    rows = [[label, str(a), str(r), str(c)] for label, a, r, c in diff.summary()]
    out = [f"catalog: {len(diff.changes)} change(s)"]
    out += ["  " + line for line in table(rows, ["entity", "added", "removed", "changed"], indent=2)]
    out += ["  " + _change_line(c) for c in diff.changes]
    return "\n".join(out)


def _status(a: AnswerDiff) -> str:
    old, new = a.old.status, a.new.status
    return old if old == new else f"{old} -> {new}"


def _cost(answer: Answer) -> str:
    best = answer.best
    if best is None:
        return "-"
    return format_money(best.cost) + ("" if answer.decided else " (not proven)")


def _arrow(old: str, new: str) -> str:
    return old if old == new else f"{old} -> {new}"


def _signed(value: Decimal | int | None) -> str:
    if value is None:
        return "-"
    if not value:
        return format_money(value) if isinstance(value, Decimal) else "0"
    text = format_money(value) if isinstance(value, Decimal) else str(value)
    return text if text.startswith("-") else "+" + text


def answer_cells(a: AnswerDiff) -> list[str]:
    """One question's row: label, verdict, status, best cost, its change, lead time, hub (old -> new where they differ).

    A cost not proven is marked so; the change is given only when both answers are proven.
    """
    old, new = a.old.best, a.new.best
    lead = _arrow("-" if old is None else str(old.lead_time), "-" if new is None else str(new.lead_time))
    hub = _arrow("-" if old is None else old.hub, "-" if new is None else new.hub)
    return [a.label, a.verdict, _status(a), _arrow(_cost(a.old), _cost(a.new)), _signed(a.cost_delta), lead, hub]


_ANSWER_HEADER = ["verdict", "status", "best cost", "change", "lead time", "hub"]


def _system_text(system: dict[str, Any], a: AnswerDiff) -> str:
    """A system in a few words: its hub and person, and the module sources that differ from the reference.

    The reference is the old best system (the new one when the old version has none).
    """
    reference = a.reference
    if reference is not None and system == reference:
        return "the old best system" if a.old.best is not None else "the new best system"
    head = f"hub {system['hub']}" + (f" with {system['person']}" if system.get("person") else "")
    theirs = {} if reference is None else reference.get("modules", {})
    parts = [f"{m} {source}" for m, source in system["modules"].items() if theirs.get(m) != source]
    return "; ".join([head, *parts])


def _rank(value: int | None) -> str:
    return "-" if value is None else f"#{value}"


def _details(a: AnswerDiff, spofs: bool) -> list[str]:
    """What changed in one answer, under its label."""
    out = [a.label + ("" if a.product in (None, a.label) else f" ({a.product})") + ":"]
    for side, answer in (("old", a.old), ("new", a.new)):
        if answer.note:
            out.append(f"  {side}: {answer.status}: {answer.note}")
    if a.joined or a.left:
        out.append(f"  joined the best system: {', '.join(a.joined) or '-'}; left it: {', '.join(a.left) or '-'}")
    if spofs and a.spofs_compared and (a.spofs_appeared or a.spofs_vanished):
        out.append(
            f"  single points of failure appeared: {', '.join(a.spofs_appeared) or '-'}; "
            f"vanished: {', '.join(a.spofs_vanished) or '-'}"
        )
    elif spofs and not a.spofs_compared and (a.old.best or a.new.best):
        out.append("  single points of failure: not compared (an answer or a dropout was not decided)")
    if a.rank_changes:
        rows = [
            [
                _rank(r.old_rank),
                _rank(r.new_rank),
                "-" if r.old_cost is None else format_money(r.old_cost),
                "-" if r.new_cost is None else format_money(r.new_cost),
                _system_text(r.system, a),
            ]
            for r in a.rank_changes
        ]
        out.append("  candidates whose rank changed:")
        out += ["    " + line for line in table(rows, ["old", "new", "old cost", "new cost", "system"], indent=4)]
    return out if len(out) > 1 else []


def render_answers_diff(answers: AnswersDiff, title: str = DEFAULT_TITLE, column: str = "product") -> str:
    """The answers side by side, one row per question, then what changed in each changed answer.

    Args:
        answers: The answers compared.
        title: What was asked, for the heading.
        column: The heading of the first column (``product``, or ``scenario`` for a sweep).
    """
    if not answers.answers:
        return "answers: no request to compare"
    total, changed = len(answers.answers), len(answers.changed)
    unknown = sum(1 for a in answers.answers if a.verdict == "unknown")
    head = f"answers ({title}): {changed} of {total} changed" + (f", {unknown} unknown" if unknown else "")
    out = [head]
    cells = [answer_cells(a) for a in answers.answers]
    out += ["  " + line for line in table(cells, [column, *_ANSWER_HEADER], indent=2)]
    for a in answers.answers:
        if a.verdict != "unchanged":
            out += _details(a, answers.resilience)
    if unknown:
        out.append("unknown: an answer was not proven within the time limit; nothing is claimed for it")
    return "\n".join(out)


def render_versions(diff: VersionsDiff, title: str = DEFAULT_TITLE, column: str = "product") -> str:
    """What ``modcluster diff`` prints: the two versions, the catalog change and, if compared, the answers.

    ``title`` and ``column`` are :func:`render_answers_diff`'s.
    """
    out = [f"{diff.old} -> {diff.new}", render_catalog_diff(diff.catalog)]
    if diff.answers is not None:
        out.append(render_answers_diff(diff.answers, title, column))
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


#: The anchor of the section in the HTML report.
ANCHOR = "analysis-versions"


def versions_html(diff: VersionsDiff) -> str:
    """The "What changed since OLD" section of the HTML report: the catalog change and the answers, escaped."""
    out = [
        f'<section class="analysis" id="{ANCHOR}">',
        f"<h2>What changed since {escape(diff.old)}</h2>",
        '<p class="note">The catalog change, entity by entity (<code>+</code> added, <code>-</code> removed, '
        "<code>~</code> changed, old -&gt; new), and each request solved on both versions. An answer not proven "
        "within the time limit is marked unknown and never counted as a change.</p>",
    ]
    catalog = diff.catalog
    if catalog.empty:
        out.append("<p>The catalog did not change.</p>")
    else:
        rows = [[label, str(a), str(r), str(c)] for label, a, r, c in catalog.summary()]
        out.append(_html_table(["entity", "added", "removed", "changed"], rows))
        out.append("<ul>" + "".join(f"<li><code>{escape(_change_line(c))}</code></li>" for c in catalog.changes))
        out.append("</ul>")
    answers = diff.answers
    if answers is not None and answers.answers:
        out.append("<h3>Answers side by side</h3>")
        out.append(_html_table(["request", *_ANSWER_HEADER], [answer_cells(a) for a in answers.answers]))
        details = [
            line for a in answers.answers if a.verdict != "unchanged" for line in _details(a, answers.resilience)
        ]
        if details:
            out.append("<pre>" + escape("\n".join(details)) + "</pre>")
    out.append("</section>")
    return "\n".join(out)
