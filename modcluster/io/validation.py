"""Validate a document against a pydantic model and report problems in the file's terms.

Pydantic's errors are turned into :class:`~modcluster.errors.Issue` objects:
the path as the user wrote it (``organizations[3].processes[0].unit_cost``,
aliases such as ``schema`` and ``in``) and a short message, both from
:func:`modcluster.domain.issues.pydantic_problems`, and here the line and
column of the value (or of the key, for a key that is not allowed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import pydantic
from pydantic import BaseModel

from modcluster.domain import pydantic_problems
from modcluster.errors import InputError, Issue, ValidationError
from modcluster.io.document import Document, parse_path

__all__ = ["issues_from_pydantic", "locate_issues", "validate_model"]

M = TypeVar("M", bound=BaseModel)


def validate_model(
    model: type[M],
    doc: Document,
    error: type[InputError] = ValidationError,
) -> M:
    """Validate ``doc.data`` as ``model``.

    Args:
        model: The pydantic model class.
        doc: The document (its positions are used for the issues).
        error: The error class to raise.

    Raises:
        InputError: Of class ``error``, one issue per problem, with ``doc.file``.
    """
    try:
        return model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        raise error(issues_from_pydantic(exc, doc, model), file=doc.file) from None


def issues_from_pydantic(exc: pydantic.ValidationError, doc: Document, model: type[BaseModel]) -> list[Issue]:
    """Turn a pydantic error into located issues, in the order pydantic found them."""
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    # Pydantic reports by field order; the file is read top to bottom.
    for problem in pydantic_problems(exc, doc.data, model):
        issue = doc.issue(problem.path, problem.message, key=problem.key)
        if (issue.path, issue.message) not in seen:
            seen.add((issue.path, issue.message))
            issues.append(issue)
    return sorted(issues, key=lambda i: (i.line is None, i.line or 0, i.column or 0))


def locate_issues(issues: Sequence[Issue], doc: Document) -> list[Issue]:
    """Give issues whose paths are relative to ``doc.data`` their full path, line and column."""
    out = []
    for issue in issues:
        path = parse_path(issue.path, doc.data) if issue.path else ()
        located = doc.issue(path, issue.message)
        name = located.path if doc.prefix else issue.path
        out.append(Issue(name, issue.message, located.line, located.column))
    return out
