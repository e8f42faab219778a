"""Pieces shared by the subcommands: request flags, request building, logging, exit codes."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from modcluster.domain import Catalog, Request, Status, known_ids
from modcluster.errors import ExitCode, InputError

__all__ = [
    "STATUS_EXIT",
    "add_request_flags",
    "decimal_arg",
    "int_arg",
    "log",
    "number_text",
    "requests_from_args",
    "worst_exit",
    "write_images",
]

STATUS_EXIT = {
    Status.OPTIMAL: ExitCode.OPTIMAL,
    Status.FEASIBLE: ExitCode.FEASIBLE,
    Status.UNKNOWN: ExitCode.UNKNOWN,
    Status.INFEASIBLE: ExitCode.INFEASIBLE,
}
#: When several requests are solved at once, the exit code is the worst of them.
_SEVERITY = [ExitCode.OPTIMAL, ExitCode.FEASIBLE, ExitCode.UNKNOWN, ExitCode.INFEASIBLE]


def worst_exit(statuses: list[Status]) -> int:
    """The exit code of several solves: the worst status wins (0 < 3 < 4 < 1)."""
    return max((STATUS_EXIT[s] for s in statuses), key=_SEVERITY.index, default=ExitCode.OPTIMAL)


#: Digits grouped by thousands with commas, as modcluster prints money (``9,000.00``).
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def number_text(text: str) -> str:
    """A flag's number as written by a person, made plain: full-width digits and thousands commas accepted.

    modcluster prints money as ``9,000.00``, so a value copied from its
    output (or typed with a Japanese input method, ``９，０００``) is read as
    what it says. A comma is only a thousands separator, in groups of three;
    anything else with a comma (``9000,5``, a decimal comma) is refused
    rather than guessed.

    Raises:
        argparse.ArgumentTypeError: A comma that is not a thousands separator.

    >>> number_text("9,000")
    '9000'
    >>> number_text("１２，５００．５")
    '12500.5'
    >>> number_text("9000,5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '9000,5': a comma only separates thousands (9,000.50); write decimals with a point
    """
    plain = unicodedata.normalize("NFKC", text).strip()
    if "," not in plain:
        return plain
    if _GROUPED.fullmatch(plain) is None:
        raise argparse.ArgumentTypeError(
            f"{text!r}: a comma only separates thousands (9,000.50); write decimals with a point"
        )
    return plain.replace(",", "")


def decimal_arg(text: str) -> Decimal:
    """Parse a flag value as an exact, finite Decimal, through the bounded reader of every number.

    >>> decimal_arg("12.50")
    Decimal('12.50')
    >>> decimal_arg("9,000")
    Decimal('9000')
    """
    from modcluster.domain import read_number

    plain = number_text(text)
    if plain.lstrip("+-").lower() in ("nan", "snan", "inf", "infinity"):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    try:
        return read_number(plain)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def int_arg(text: str) -> int:
    """Parse a flag value as a whole number, with the same tolerance as :func:`decimal_arg`.

    >>> int_arg("1,500")
    1500
    >>> int_arg("2.5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: not a whole number: '2.5'
    """
    plain = number_text(text)
    if not re.fullmatch(r"[+-]?\d{1,18}", plain):
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(plain)


def add_request_flags(p: argparse.ArgumentParser) -> None:
    """Add the request flags (product, quantity, limits, filters, objective ...)."""
    g = p.add_argument_group("request (flags override --request and the product's default request)")
    g.add_argument("--request", metavar="FILE", help="a request file (YAML, JSON or TOML), e.g. request.yaml")
    g.add_argument("--product", metavar="ID", help="product id, e.g. piezo-nano-stage (default: every product "
                   "with a default request)")  # fmt: skip
    g.add_argument("--quantity", type=int_arg, metavar="N", help="units to build, e.g. 200 or 1,500")
    g.add_argument("--budget", type=decimal_arg, metavar="MONEY",
                   help="most the system may cost, in the catalog's money unit, e.g. 9,000 or 9000.50")  # fmt: skip
    g.add_argument("--deadline", type=int_arg, metavar="DAYS", help="latest lead time in days, e.g. 70")
    g.add_argument("--max-partners", type=int_arg, metavar="N",
                   help="most organisations besides the hub, e.g. 6")  # fmt: skip
    g.add_argument("--objective", choices=["cost", "lead_time", "weighted"],
                   help="what ranks the candidates: cost, lead_time, or weighted (default: the request's, "
                   "else cost)")  # fmt: skip
    g.add_argument("--weight-cost", type=decimal_arg, metavar="W",
                   help="weighted objective: weight of cost, e.g. 0.75")  # fmt: skip
    g.add_argument("--weight-lead-time", type=decimal_arg, metavar="MONEY",
                   help="weighted objective: money units one day is worth, e.g. 120")  # fmt: skip
    g.add_argument("--candidates", type=int_arg, metavar="K", help="how many ranked candidates (default 3)")
    g.add_argument("--time-limit", type=decimal_arg, metavar="SECONDS",
                   help="seconds for the whole solve, e.g. 30 (default 10)")  # fmt: skip
    g.add_argument("--site", action="append", metavar="SITE",
                   help="only organisations at this site, e.g. Hachioji (repeatable)")  # fmt: skip
    g.add_argument("--exclude", action="append", metavar="ORG",
                   help="organisation that must not take part (repeatable)")  # fmt: skip
    g.add_argument("--require", action="append", metavar="ORG",
                   help="organisation that must take part (repeatable)")  # fmt: skip
    g.add_argument("--hub", metavar="ORG", help="fix the hub, e.g. sagami-seimitsu")
    g.add_argument("--start-date", metavar="DATE",
                   help="date of day 0, e.g. 2026-12-24: every output adds calendar dates (v1.1 request field "
                   "start_date)")  # fmt: skip
    g.add_argument("--calendar", metavar="COUNTRY",
                   help="count working days: Monday to Friday without the public holidays of COUNTRY, e.g. JP "
                   "(needs --start-date; a request file's calendar can list weekdays and closed days)")  # fmt: skip
    g.add_argument("--no-people", action="store_true", help="place nobody (v1.1 request field people: false)")
    g.add_argument(
        "--no-policies", action="store_true", help="ignore every policy (v1.1 request field policies: false)"
    )


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    for flag, key in (("budget", "budget"), ("deadline", "deadline"), ("max_partners", "max_partners")):
        if getattr(args, flag) is not None:
            limits[key] = getattr(args, flag)
    if limits:
        out["limits"] = limits
    weights: dict[str, Any] = {}
    if args.weight_cost is not None:
        weights["cost"] = args.weight_cost
    if args.weight_lead_time is not None:
        weights["lead_time"] = args.weight_lead_time
    if weights:
        out["weights"] = weights
    for flag, key in (
        ("quantity", "quantity"),
        ("objective", "objective"),
        ("candidates", "candidates"),
        ("time_limit", "time_limit"),
        ("hub", "hub"),
    ):
        if getattr(args, flag) is not None:
            out[key] = getattr(args, flag)
    for flag, key in (("site", "sites"), ("exclude", "exclude"), ("require", "require")):
        if getattr(args, flag):
            out[key] = list(getattr(args, flag))
    if getattr(args, "start_date", None) is not None:
        out["start_date"] = args.start_date  # read and checked (with its place) by the request's model
    if getattr(args, "calendar", None) is not None:
        out["calendar"] = {"country": args.calendar}
    for flag, key in (("no_people", "people"), ("no_policies", "policies")):
        if getattr(args, flag, False):
            out[key] = False
    return out


def requests_from_args(catalog: Catalog, args: argparse.Namespace) -> list[Request]:
    """The requests the flags ask for: one product, or every product with a default request."""
    from modcluster.io import build_request, load_request_document

    file_data = load_request_document(args.request) if args.request else None
    product = args.product or (file_data.data.get("product") if file_data is not None else None)
    overrides = _overrides(args)
    if product is None and len(catalog.products) > 1:
        chosen = [p.id for p in catalog.products if p.request is not None]
        if not chosen:
            raise InputError(
                "the catalog has several products and none has a default request: name one with --product "
                f"({known_ids([p.id for p in catalog.products])})"
            )
        return [build_request(catalog, p, file_data, overrides, file=args.request) for p in chosen]
    return [build_request(catalog, product, file_data, overrides, file=args.request)]


def log(args: argparse.Namespace, message: str) -> None:
    """A progress line on stderr unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


def write_images(args: argparse.Namespace, folder: str, images: Mapping[str, bytes], protect: list[str]) -> None:
    """Write a report's figures as PNG files into ``folder`` (created if needed), each atomically.

    Raises:
        InputError: The folder cannot be created.
    """
    from modcluster.io import atomic_write_bytes

    directory = Path(folder)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the directory: {exc.strerror or exc}", file=str(directory)) from None
    for name, data in images.items():
        atomic_write_bytes(directory / name, data, protect=protect)
    log(args, f"wrote {len(images)} PNG file(s) to {directory}")
