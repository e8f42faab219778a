"""``modcluster convert``: a catalog between YAML, JSON, TOML and an Excel workbook; results to a workbook.

The input is validated first (a bad catalog is refused with its located
error, exit code 2); the output is written atomically and never over the input.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
from typing import Any

from modcluster.cli.common import log
from modcluster.errors import ExitCode, InputError

__all__ = ["CATALOG_FORMATS", "RESULT_SCHEMAS", "convert", "register"]

#: Catalog formats by suffix.
CATALOG_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml", ".xlsx": "xlsx"}
#: The schemas of the result documents ``convert`` exports to a workbook.
RESULT_SCHEMAS = ("modcluster/solution/1", "modcluster/plan/1", "modcluster/configuration/1")


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser(
        "convert",
        help="convert a catalog between YAML, JSON, TOML and XLSX; export results to XLSX",
        description=(
            "Convert a catalog (.yaml, .yml, .json, .toml, .xlsx) to another of these formats, or export "
            "a solution, plan or configuration JSON, or a sweep's results (.jsonl, .csv), to an .xlsx workbook."
        ),
    )
    p.add_argument("input", metavar="IN", help="the catalog, result JSON or sweep results to convert")
    p.add_argument("output", metavar="OUT", help="the file to write (atomically; never the input)")
    p.add_argument("--to", choices=("yaml", "json", "toml", "xlsx"), help="the output format (default: OUT's suffix)")
    p.add_argument("--quiet", action="store_true", help="no message on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Convert ``args.input`` to ``args.output``."""
    fmt = convert(args.input, args.output, args.to)
    log(args, f"wrote {args.output} ({fmt})")
    return ExitCode.OPTIMAL


def _output_format(output: str, to: str | None) -> str:
    if to is not None:
        return to
    fmt = CATALOG_FORMATS.get(os.path.splitext(output)[1].lower())
    if fmt is None:
        raise InputError("name the output with one of .yaml, .yml, .json, .toml, .xlsx, or give --to", file=output)
    return fmt


def convert(source: str, output: str, to: str | None = None) -> str:
    """Convert one file; return the output format.

    Raises:
        InputError: The input is refused (with its located error), the output names the
            input or cannot be written, or the conversion is not one ``convert`` makes.
    """
    from modcluster.io import check_output

    fmt = _output_format(output, to)
    check_output(output, protect=[source])
    suffix = os.path.splitext(source)[1].lower()
    if suffix in (".jsonl", ".csv"):
        _sweep(source, output, fmt, suffix)
        return fmt
    if suffix not in CATALOG_FORMATS:
        raise InputError("unknown input type: use .yaml, .yml, .json, .toml, .xlsx, .jsonl or .csv", file=source)
    if suffix == ".json":
        from modcluster.io import load_document

        data = load_document(source).data
        if data.get("schema") in RESULT_SCHEMAS:
            _result(source, data, output, fmt)
            return fmt
    _catalog(source, output, fmt)
    return fmt


def _catalog(source: str, output: str, fmt: str) -> None:
    from modcluster.io import atomic_write_text, load_catalog, load_document

    load_catalog(source)  # the located error of a bad catalog, before anything is written
    if source.lower().endswith(".xlsx"):
        from modcluster.io.xlsx import workbook_to_data

        data = workbook_to_data(source)
    else:
        data = load_document(source).data
    if fmt == "xlsx":
        from modcluster.io.xlsx import catalog_to_workbook, write_workbook

        write_workbook(catalog_to_workbook(data), output, protect=[source])
        return
    atomic_write_text(output, catalog_text(data, fmt), protect=[source])


def catalog_text(data: dict[str, Any], fmt: str) -> str:
    """Catalog data as ``yaml``, ``json`` or ``toml`` text, numbers exactly."""
    if fmt == "toml":
        from modcluster.io.toml_writer import dumps_toml

        return dumps_toml(data)
    if fmt == "json":
        from modcluster.domain import dumps

        return dumps(data) + "\n"
    from modcluster.generate import dump_catalog

    return dump_catalog(data, "yaml")


def _xlsx_only(source: str, fmt: str) -> None:
    if fmt != "xlsx":
        raise InputError(f"results are exported to .xlsx only, not {fmt}", file=source)


def _result(source: str, data: dict[str, Any], output: str, fmt: str) -> None:
    from modcluster.io.xlsx import write_workbook
    from modcluster.io.xlsx_results import results_to_workbook

    _xlsx_only(source, fmt)
    write_workbook(results_to_workbook(data), output, protect=[source])


def _sweep(source: str, output: str, fmt: str, suffix: str) -> None:
    from modcluster.io import read_bytes
    from modcluster.io.document import decode_text
    from modcluster.io.xlsx import write_workbook
    from modcluster.io.xlsx_results import table_to_workbook

    _xlsx_only(source, fmt)
    text = decode_text(read_bytes(source), source) if suffix == ".csv" else _sweep_table(source)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError("the table is empty", file=source)
    write_workbook(table_to_workbook(rows[0], rows[1:]), output, protect=[source])


def _sweep_table(source: str) -> str:
    """The ``--csv`` table of a sweep's results file (JSON Lines)."""
    from modcluster.cli.sweep import csv_text, plan_csv_text
    from modcluster.sweep.results import latest, read_results

    if not os.path.exists(source):
        raise InputError("file not found", file=source)
    results = list(latest(read_results(source)).values())
    if not results:
        raise InputError("no results in the file", file=source)
    if all(r.kind == "plan" for r in results):
        entries: list[str] = []
        for r in results:
            for entry in (r.request or {}).get("entries") or []:
                if entry.get("id") not in entries:
                    entries.append(str(entry.get("id")))
        return plan_csv_text(results, entries)
    return csv_text(results)
