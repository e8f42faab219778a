"""Reading and writing files: catalogs, requests, plans, schemas, atomic output.

>>> from modcluster.io import load_catalog, build_request
>>> catalog = load_catalog("catalogs/tama.yaml")  # doctest: +SKIP
"""

from modcluster.io.atomic import atomic_write_bytes, atomic_write_text, check_output, check_outputs
from modcluster.io.document import Document, Position, parse_path, read_bytes, render_path
from modcluster.io.loader import (
    SUFFIXES,
    build_request,
    catalog_from_data,
    load_catalog,
    load_document,
    load_plan_request,
    load_request,
    load_request_document,
    parse_document,
    plan_request_from_data,
    request_from_data,
)
from modcluster.io.schema import catalog_schema, plan_request_schema, request_schema
from modcluster.io.validation import locate_issues, validate_model
from modcluster.io.xlsx import (
    catalog_to_workbook,
    load_workbook_catalog,
    workbook_bytes,
    workbook_to_data,
    write_workbook,
)
from modcluster.io.xlsx_results import results_to_workbook, table_to_workbook

__all__ = [
    "SUFFIXES",
    "Document",
    "Position",
    "atomic_write_bytes",
    "atomic_write_text",
    "build_request",
    "catalog_from_data",
    "catalog_schema",
    "catalog_to_workbook",
    "check_output",
    "check_outputs",
    "load_catalog",
    "load_document",
    "load_plan_request",
    "load_request",
    "load_request_document",
    "load_workbook_catalog",
    "locate_issues",
    "parse_document",
    "parse_path",
    "plan_request_from_data",
    "plan_request_schema",
    "read_bytes",
    "render_path",
    "request_from_data",
    "request_schema",
    "results_to_workbook",
    "table_to_workbook",
    "validate_model",
    "workbook_bytes",
    "workbook_to_data",
    "write_workbook",
]
