"""The exception tree of modcluster, and the exit code each class maps to.

Every error the library raises on purpose derives from :class:`ModclusterError`
and carries a message a user can act on. The CLI turns each class into the exit
code given by its ``exit_code`` attribute (see ``docs/cli.md``).

Every exception class of the package is defined here, except two private
control-flow signals that never leave their module: ``_GiveUpError`` in
:mod:`modcluster.solver.exhaust` (branch and bound gives up and hands the hub to
CP-SAT) and ``_ConstantError`` in :mod:`modcluster.io.json_reader` (a
non-standard JSON constant, turned into a located :class:`ParseError` there).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "ClusterError",
    "CrossReferenceError",
    "ExitCode",
    "InputError",
    "Issue",
    "ModclusterError",
    "ModelSizeError",
    "ParseError",
    "PlotUnavailableError",
    "RequestError",
    "SettingsError",
    "SolverError",
    "SweepError",
    "TimeLimitError",
    "UndecidedError",
    "ValidationError",
    "VerificationError",
]


class ExitCode(IntEnum):
    """Exit codes of the ``modcluster`` command (documented in docs/cli.md)."""

    OPTIMAL = 0
    INFEASIBLE = 1
    BAD_INPUT = 2
    FEASIBLE = 3
    UNKNOWN = 4
    VERIFY_FAILED = 5
    SOLVER_ERROR = 6
    INTERNAL = 70
    INTERRUPTED = 130


@dataclass(frozen=True, slots=True)
class Issue:
    """One located problem in an input file.

    Attributes:
        path: Where in the document, e.g. ``organizations[3].processes[0].unit_cost``.
        message: What is wrong, in the user's terms.
        line: 1-based line in the file, when known.
        column: 1-based column in the file, when known.
    """

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self, file: str | None = None) -> str:
        """Return ``file:line:col: path: message`` with the parts that are known."""
        where = file or ""
        if file and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [part for part in (where, self.path) if part]
        return ": ".join([*parts, self.message])


class ModclusterError(Exception):
    """Root of every error modcluster raises on purpose."""

    exit_code: int = ExitCode.INTERNAL


class InputError(ModclusterError):
    """An input file or value is not acceptable.

    Attributes:
        file: The file the problem is in, if it came from a file.
        issues: The located problems, at least one.
    """

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, issues: list[Issue] | Issue | str, file: str | None = None) -> None:
        if isinstance(issues, str):
            issues = [Issue("", issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        if not issues:
            raise ValueError("InputError needs at least one issue")
        self.file = file
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [issue.render(self.file) for issue in self.issues[:20]]
        if len(self.issues) > 20:
            lines.append(f"... and {len(self.issues) - 20} more problems")
        return "\n".join(lines)

    def with_file(self, file: str) -> InputError:
        """Return the same error attributed to ``file``."""
        return type(self)(list(self.issues), file=file)


class ParseError(InputError):
    """The file cannot be read as YAML, JSON or TOML (syntax, encoding, size)."""


class ValidationError(InputError):
    """The document has a wrong shape, type or value (schema level)."""


class CrossReferenceError(InputError):
    """An id is duplicated, a reference does not resolve, or the taxonomy has a cycle."""


class RequestError(InputError):
    """The request names something the catalog does not have, or is malformed."""


class SettingsError(InputError, ValueError):
    """A solver setting is invalid (e.g. ``SolverSettings(workers=0)``).

    Also a :class:`ValueError`, as a bad argument to a constructor is; the CLI
    maps it to exit code 2 like any bad input.
    """


class SolverError(ModclusterError):
    """The solver could not be run on this model (invalid model, overflow)."""

    exit_code = ExitCode.SOLVER_ERROR


class ModelSizeError(SolverError):
    """A figure or the model is too large to solve exactly; refused before solving."""

    exit_code = ExitCode.BAD_INPUT


class TimeLimitError(SolverError):
    """The time limit passed inside a stage of the solve (see :mod:`modcluster.solver.deadline`).

    Raised by a loop that checks the clock; the search catches it and returns
    what it found, marked unproven, so it reaches a caller only from a stage
    called directly inside a :func:`~modcluster.solver.deadline.time_limit` block.
    """

    exit_code = ExitCode.UNKNOWN


class UndecidedError(ModclusterError):
    """A check ran out of time before it could decide: its answer is unknown.

    Raised by the guarded model (:mod:`modcluster.solver.guarded`) when not even
    the check of all the request's rules together was decided; the explain
    analysis reports the request's feasibility as unknown then.
    """

    exit_code = ExitCode.UNKNOWN

    def __init__(self, message: str = "the check was not decided within the time limit") -> None:
        super().__init__(message)


class SweepError(ModclusterError):
    """The sweep cannot go on (the executor broke or was shut down under it)."""

    exit_code = ExitCode.INTERNAL


class ClusterError(ModclusterError):
    """The Dask scheduler cannot be reached or the ``distributed`` package is missing."""

    exit_code = ExitCode.BAD_INPUT


class PlotUnavailableError(ModclusterError):
    """matplotlib (the ``plot`` extra) is not installed: figures cannot be drawn."""

    exit_code = ExitCode.BAD_INPUT


class VerificationError(ModclusterError):
    """A solution does not agree with the catalog and request.

    Attributes:
        problems: Every disagreement found, one sentence each.
    """

    exit_code = ExitCode.VERIFY_FAILED

    def __init__(self, problems: list[str]) -> None:
        if not problems:
            raise ValueError("VerificationError needs at least one problem")
        self.problems = tuple(problems)
        super().__init__("; ".join(problems[:10]))
