"""``modcluster configure``: fix choices, see what remains and what each option costs.

Without ``--interactive`` the command prints one decision table (the
selection given by ``--select`` and ``--rule-out``) and exits. With it, a
prompt for a person: ``select d=v``, ``rule-out d=v``, ``undo``, ``why d=v``,
``show``, ``save FILE``, ``help``, ``quit``, with completion of the command
words, the decisions and (after ``=``) their values. The logic is
:class:`Session` (a command line in, the text to print out), the prompt only
reads lines: from prompt_toolkit on a terminal, else line by line from stdin,
so a session can be scripted.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from modcluster.cli.common import add_request_flags, log, requests_from_args
from modcluster.domain import Configuration, Selection, ValueStatus, parse_assignment
from modcluster.errors import ExitCode, InputError, ModclusterError, VerificationError

if TYPE_CHECKING:
    from prompt_toolkit.completion import Completer
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from modcluster.configure import Configurator
    from modcluster.domain import Catalog, Request

__all__ = [
    "COMMANDS",
    "Session",
    "exit_code",
    "interact",
    "make_completer",
    "prompted_lines",
    "register",
    "request_data",
    "request_text",
]

#: The words of the interactive prompt, in the order ``help`` lists them.
COMMANDS = ("select", "rule-out", "undo", "why", "show", "save", "help", "quit")
#: Other spellings accepted for some commands.
_ALIASES = {"rule_out": "rule-out", "ruleout": "rule-out", "exit": "quit", "?": "help", "table": "show"}
#: The commands that take ``decision=value``.
_ASSIGNING = ("select", "rule-out", "why")

_HELP = """\
commands:
  select DECISION=VALUE    fix a decision to a value (a new choice of a decision replaces the old)
  rule-out DECISION=VALUE  rule a value out
  undo                     take back the last select or rule-out
  why DECISION=VALUE       the smallest set of choices and limits that excludes a value
  show                     print the decision table again
  save FILE                write the request with the selection to FILE (YAML; load it with --request)
  help                     this list
  quit                     leave (also Ctrl-D)
Tab completes the commands, the decisions and, after '=', the decision's values."""


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser(
        "configure",
        help="fix choices and see, for every value of every decision, whether a system remains and its cost",
        description="Fix choices and see, for every value of every decision, whether a system remains, "
        "its best cost and lead time, and why not. --time-limit is the limit of each table.",
    )
    p.add_argument("catalog")
    add_request_flags(p)
    g = p.add_argument_group("configuration")
    g.add_argument(
        "--select",
        action=_Step,
        dest="steps",
        metavar="DECISION=VALUE",
        help="fix a decision to a value, e.g. hub=sagami-measure or modules.head.source=make (repeatable)",
    )
    g.add_argument(
        "--rule-out",
        action=_Step,
        dest="steps",
        metavar="DECISION=VALUE",
        help="rule a value of a decision out (repeatable)",
    )
    g.add_argument(
        "--why",
        action="store_true",
        help="give each impossible value the smallest set of choices and limits that excludes it",
    )
    g.add_argument(
        "--interactive",
        action="store_true",
        help="a prompt: select, rule-out, undo, why, show, save, help, quit (commands from stdin "
        "when it is not a terminal)",
    )
    p.add_argument("--json", action="store_true", help="print only the configuration JSON on stdout")
    p.add_argument("--out", metavar="FILE", help="also write the configuration JSON to FILE (atomically)")
    p.add_argument(
        "--save",
        metavar="FILE",
        help="write the request with the selection to FILE (YAML, atomically; with --interactive: at the end)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run, steps=[])


class _Step(argparse.Action):
    """``--select`` and ``--rule-out`` into one list, in the order given on the command line."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        kind = "select" if option_string == "--select" else "rule-out"
        steps = [*getattr(namespace, self.dest, []), (kind, str(values))]  # a new list: the default stays empty
        setattr(namespace, self.dest, steps)


def run(args: argparse.Namespace) -> int:
    """Configure, verify, print (or prompt); the exit code says whether the selection leaves a system."""
    from modcluster.io import check_outputs, load_catalog
    from modcluster.report.configure_text import render_configuration

    if args.interactive and args.json:
        raise InputError("--json prints one table: it does not go with --interactive (use --out FILE)")
    protect = [args.catalog, *([args.request] if args.request else [])]
    check_outputs({"--out": args.out, "--save": args.save}, protect=protect)  # before solving, not after
    steps = [(kind, *parse_assignment(text)) for kind, text in args.steps]
    catalog = load_catalog(args.catalog)
    requests = requests_from_args(catalog, args)
    if len(requests) != 1:
        raise InputError("configure takes one product: name it with --product (or a request file)")
    request = requests[0]
    log(args, f"configuring {request.product} (quantity {request.quantity}, objective {request.objective.value}) ...")
    session = Session(catalog, request, explain=args.why, protect=protect)
    for kind, decision, value in steps:
        session.apply(kind, decision, value)
    if args.interactive:
        prompting = sys.stdin.isatty() and sys.stdout.isatty()
        interact(session, prompted_lines(session) if prompting else sys.stdin, sys.stdout, prompting=prompting)
        _write(args, session, protect)  # the final selection's table and request
        return ExitCode.OPTIMAL
    table = session.table()
    _log_table(args, table)
    text = _write(args, session, protect)
    if args.json:
        sys.stdout.write(text)
    else:
        print(render_configuration(table, catalog))
    return exit_code(table)


def _write(args: argparse.Namespace, session: Session, protect: list[str]) -> str:
    """Write ``--out`` (the table's JSON) and ``--save`` (the request with the selection); return the JSON."""
    from modcluster.io import atomic_write_text

    text = session.table().to_json() + "\n" if args.out or not args.interactive else ""
    if args.out:
        atomic_write_text(args.out, text, protect=protect)
        log(args, f"wrote {args.out}")
    if args.save:
        session.save(args.save)
        log(args, f"saved the request and its selection to {args.save}")
    return text


def _log_table(args: argparse.Namespace, table: Configuration) -> None:
    stats = table.stats
    log(
        args,
        f"  {len(table.decisions)} decisions in {stats.get('seconds', 0):.2f} s "
        f"({stats.get('solves', 0)} solve(s), {stats.get('reused', 0)} reused), verified",
    )
    if table.best is None and table.conflict is not None and args.json:
        log(args, "  no system: conflict: " + ("; ".join(table.conflict) or "the request alone"))
    if not table.complete:
        print(
            "modcluster: note: the table is not complete: the time limit came first "
            "(some values unknown or not proven optimal; raise --time-limit)",
            file=sys.stderr,
        )


def exit_code(table: Configuration) -> int:
    """0: the selection leaves a system; 1: it is proven to leave none; 4: not even that was settled in time."""
    if table.best is not None:
        return ExitCode.OPTIMAL
    if table.status is ValueStatus.IMPOSSIBLE:
        return ExitCode.INFEASIBLE
    return ExitCode.UNKNOWN


# --------------------------------------------------------------------------- saving


def request_data(request: Request) -> dict[str, Any]:
    """A request as plain data for a request file: ``product`` first, money as exact Decimals, no empty selection.

    ``model_dump(mode="json")`` writes money as strings, which a request file
    may not hold (a number is never read from a string), so the Decimals are
    kept and written as YAML numbers by :func:`request_text`.
    """
    from modcluster.domain import dumps

    plain: dict[str, Any] = json.loads(dumps(request.model_dump(by_alias=True, exclude_none=True)), parse_float=Decimal)
    data = {"product": plain.pop("product"), **plain}
    for key in ("select", "rule_out"):
        if not data.get(key):
            data.pop(key, None)
    return data


def request_text(request: Request) -> str:
    """The YAML text of a request file holding ``request`` (checked to read back as it).

    Raises:
        VerificationError: The text does not read back as the request (a bug: report it).
    """
    from modcluster.generate import dump_catalog
    from modcluster.io import request_from_data

    data = request_data(request)
    if request_from_data(data) != request:
        raise VerificationError([f"the saved request of {request.product} does not read back as itself"])
    header = (
        f"# {request.product}: a request with its selection, saved by `modcluster configure`.\n"
        "# Configure it again with --request FILE; solve it with `modcluster solve CATALOG --request FILE`.\n"
    )
    return header + dump_catalog(data, "yaml")


# --------------------------------------------------------------------------- the session


class Session:
    """A configuration session: a command line in, the text to print out (no terminal needed).

    Args:
        catalog: A checked catalog.
        request: The request; its own ``select`` and ``rule_out`` become the session's first choices
            (so ``undo`` can take them back and ``why`` can blame them).
        explain: Give each impossible value of every table its ``why``.
        protect: Files ``save`` must never overwrite (the catalog, the request file).

    Raises:
        RequestError: The request names what the catalog does not have.
    """

    def __init__(
        self, catalog: Catalog, request: Request, *, explain: bool = False, protect: Iterable[str] = ()
    ) -> None:
        from modcluster.configure import Configurator

        self.catalog = catalog
        self.request = request
        self.explain = explain
        self.protect = list(protect)
        self.done = False
        base = request.with_changes(select={}, rule_out={}) if request.select or request.rule_out else request
        configurator = Configurator(catalog, base)
        for decision, value in request.select.items():
            configurator = configurator.select(decision, value)
        for decision, values in request.rule_out.items():
            for value in values:
                configurator = configurator.rule_out(decision, value)
        self.configurator: Configurator = configurator
        self._tables: dict[Selection, Configuration] = {}
        self._commands: dict[str, Callable[[str], str]] = {
            "select": self._select,
            "rule-out": self._rule_out,
            "undo": self._undo,
            "why": self._why,
            "show": self._show,
            "save": self._save,
            "help": self._help,
            "quit": self._quit,
        }

    @property
    def selection(self) -> Selection:
        """The current selection."""
        return self.configurator.selection

    def decisions(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every decision of the request with every value it can take."""
        return self.configurator.decisions()

    def apply(self, kind: str, decision: str, value: str) -> None:
        """``select`` or ``rule-out`` one value.

        Raises:
            RequestError: The decision or value is not one of the request's.
        """
        if kind == "select":
            self.configurator = self.configurator.select(decision, value)
        else:
            self.configurator = self.configurator.rule_out(decision, value)

    def table(self) -> Configuration:
        """The decision table of the current selection (computed once per selection)."""
        selection = self.configurator.selection
        if selection not in self._tables:
            self._tables[selection] = self.configurator.options(explain=self.explain)
        return self._tables[selection]

    def known_table(self) -> Configuration | None:
        """The current selection's table if it was computed already (completion never solves)."""
        return self._tables.get(self.configurator.selection)

    def save(self, path: str) -> None:
        """Write the request with the current selection to ``path`` (YAML, atomically, never an input file).

        Raises:
            InputError: ``path`` is an input file or cannot be written.
        """
        from modcluster.io import atomic_write_text

        atomic_write_text(path, request_text(self.configurator.saved_request()), protect=self.protect)

    def execute(self, line: str) -> str:
        """Run one command line; return what to print ("" for nothing). Errors come back as one line."""
        text = line.strip()
        if not text or text.startswith("#"):
            return ""
        word, _, rest = text.partition(" ")
        command = _ALIASES.get(word.lower(), word.lower())
        handler = self._commands.get(command)
        if handler is None:
            close = difflib.get_close_matches(command, COMMANDS, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            return f"error: unknown command {word!r}: {hint}(type help for the commands)"
        try:
            return handler(rest.strip())
        except ModclusterError as exc:
            return "error: " + "; ".join(line for line in str(exc).splitlines() if line.strip())

    def _show(self, rest: str = "") -> str:
        from modcluster.report.configure_text import render_configuration

        return render_configuration(self.table(), self.catalog)

    def _select(self, rest: str) -> str:
        self.apply("select", *parse_assignment(rest))
        return self._show()

    def _rule_out(self, rest: str) -> str:
        self.apply("rule-out", *parse_assignment(rest))
        return self._show()

    def _undo(self, rest: str) -> str:
        before = self.configurator
        self.configurator = before.undo()
        if self.configurator is before:
            return "nothing to undo"
        return self._show()

    def _why(self, rest: str) -> str:
        from modcluster.report.text import format_money

        decision, value = parse_assignment(rest)
        name = f"{decision}={value}"
        blame = self.configurator.why(decision, value)
        if blame is None:
            row = self.table().row(decision)
            found = None if row is None else row.value(value)
            if found is not None and found.status is ValueStatus.POSSIBLE and found.system is not None:
                return (
                    f"{name} is possible (nothing excludes it): best cost {format_money(found.system.cost)}, "
                    f"lead time {found.system.lead_time} days"
                )
            return f"{name}: not settled within the time limit (raise --time-limit)"
        if not blame.parts:
            return f"{name} is impossible: the catalog and the request's filters alone exclude it"
        size = "a smallest set" if blame.smallest else "an irreducible set (maybe not the smallest)"
        return f"{name} is impossible; {size} that excludes it:\n" + "\n".join(f"  {part}" for part in blame.parts)

    def _save(self, rest: str) -> str:
        if not rest:
            return "error: save FILE: name the file"
        self.save(rest)
        return f"saved the request and its selection to {rest}"

    def _help(self, rest: str) -> str:
        return _HELP

    def _quit(self, rest: str) -> str:
        self.done = True
        return ""


# --------------------------------------------------------------------------- completion


def make_completer(session: Session) -> Completer:
    """A prompt_toolkit completer of the command words, the decisions and, after ``=``, that decision's values.

    The meta text beside a decision or value is what the current table says
    of it, when that table was computed already (completing never solves).
    prompt_toolkit is imported here, not when the command line starts.
    """
    from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
    from prompt_toolkit.document import Document

    paths = PathCompleter(expanduser=True)

    def assignment(rest: str) -> Iterator[Completion]:
        domain = session.decisions()
        table = session.known_table()
        if "=" not in rest:
            for decision in _matching([d for d, _ in domain], rest):
                chosen = session.selection.value_of(decision)
                meta = f"selected: {chosen}" if chosen is not None else _decision_meta(table, decision)
                yield Completion(f"{decision}=", start_position=-len(rest), display=decision, display_meta=meta)
            return
        decision, _, prefix = rest.partition("=")
        values = dict(domain).get(decision.strip(), ())
        for value in _matching(list(values), prefix):
            yield Completion(value, start_position=-len(prefix), display_meta=_value_meta(table, decision, value))

    class ConfigureCompleter(Completer):
        def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
            text = document.text_before_cursor.lstrip()
            word, space, rest = text.partition(" ")
            if not space:
                for command in COMMANDS:
                    if command.startswith(word.lower()):
                        yield Completion(command, start_position=-len(word))
                return
            command = _ALIASES.get(word.lower(), word.lower())
            rest = rest.lstrip()
            if command in _ASSIGNING:
                yield from assignment(rest)
            elif command == "save":
                yield from paths.get_completions(Document(rest, len(rest)), complete_event)

    return ConfigureCompleter()


def _matching(options: list[str], typed: str) -> list[str]:
    """Options starting with ``typed`` first, then the ones containing it."""
    first = [o for o in options if o.startswith(typed)]
    return first + [o for o in options if typed in o and o not in first]


def _decision_meta(table: Configuration | None, decision: str) -> str:
    row = None if table is None else table.row(decision)
    if row is None:
        return ""
    return f"{len(row.possible())} of {len(row.values)} possible"


def _value_meta(table: Configuration | None, decision: str, value: str) -> str:
    row = None if table is None else table.row(decision.strip())
    found = None if row is None else row.value(value)
    if found is None:
        return ""
    if found.system is not None:
        return f"{found.status.value}: {found.system.cost:,.2f}, {found.system.lead_time} d"
    return found.status.value


# --------------------------------------------------------------------------- the prompt


def interact(session: Session, lines: Iterable[str], stdout: TextIO, *, prompting: bool) -> None:
    """Print the table, then run each line as a command until ``quit`` or the end of the lines (Ctrl-D).

    Args:
        session: The session.
        lines: The command lines: :func:`prompted_lines` at a terminal, else stdin.
        stdout: Where the answers go.
        prompting: The lines come from a person at a prompt: Ctrl-C during a command interrupts it
            and the session goes on. Otherwise each line is echoed after ``configure>``, so that
            the output reads like the session, and Ctrl-C ends the command (exit code 130).
    """
    _say(stdout, session.execute("show"))
    if prompting:
        _say(stdout, "type help for the commands; Tab completes")
    for line in lines:
        if not prompting:
            _say(stdout, f"configure> {line.rstrip()}")
        try:
            _say(stdout, session.execute(line))
        except KeyboardInterrupt:
            if not prompting:
                raise
            _say(stdout, "interrupted (type show for the table of the current selection)")
        except Exception as exc:  # a bug: one line, and the session goes on (MODCLUSTER_DEBUG=1 raises)
            if os.environ.get("MODCLUSTER_DEBUG"):
                raise
            _say(stdout, f"internal error (a bug, please report it): {type(exc).__name__}: {exc}")
        if session.done:
            return


def _say(stdout: TextIO, text: str) -> None:
    if text:
        stdout.write(text + "\n")
        stdout.flush()


def prompted_lines(session: Session, *, input: Input | None = None, output: Output | None = None) -> Iterator[str]:
    """Lines typed at a prompt_toolkit prompt, with completion and history; Ctrl-C clears the line, Ctrl-D ends.

    ``input`` and ``output`` default to the terminal (tests give a pipe and a dummy).
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory

    prompt: PromptSession[str] = PromptSession(
        history=InMemoryHistory(), completer=make_completer(session), input=input, output=output
    )
    while True:
        try:
            yield prompt.prompt("configure> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return
