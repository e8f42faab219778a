"""The web app (``modcluster serve``): Starlette routes over the library, server-rendered pages.

Routes (every page is a GET whose URL holds the state, see :mod:`modcluster.web.state`):

- ``/``: pick a product, a quantity, limits, an objective (and the weights
  of ``weighted``), a start date;
- ``/configure?...``: the decision table of a step, the current best system
  (its Gantt, network and costs), the selection with undo, ``why`` of an
  impossible value (``&why=DECISION=VALUE``); under ``weighted``, the weights
  in use and a form to change them (``weight_cost``, ``weight_lead_time``)
  that keeps the selection;
- ``/figure/{gantt,network,cost}.png?...``: the current best system's figures;
- ``/download/{solution.json,configuration.json,report.html,solution.xlsx}?...``;
- ``/plan``: pick a bundled plan file or upload one (``POST``); ``/plan?file=NAME``
  or ``/plan?id=KEY`` shows each entry's system and each organisation's load;
  ``/plan/figure/{plan-gantt,plan-load}.png`` and ``/plan/download/{plan.json,plan.html,plan.xlsx}``;
- ``/static/...``: the style sheet and the script, served from the package.

Each handler runs the library in a worker thread (``run_in_threadpool``) and
turns every failure into a page with a clear message: 400 for bad input, 404
for what is not there, 501 for a missing optional package, 500 with one line
for a bug; the server keeps serving.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request as HttpRequest
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from modcluster.domain import Catalog, Request, ValueStatus, parse_assignment
from modcluster.errors import InputError, ModclusterError, PlotUnavailableError
from modcluster.report.text import format_money
from modcluster.web import views
from modcluster.web.sessions import PlanRun, Plans, Sessions, Step
from modcluster.web.state import OBJECTIVES, WEIGHT_FIELDS, Act, Ask, configure_url, query_of, read_query

__all__ = ["FIGURES", "MAX_UPLOAD", "WebApp", "create_app"]

#: The figures of the current best system, by URL name.
FIGURES = ("gantt", "network", "cost")
#: Largest plan file accepted by an upload (bytes).
MAX_UPLOAD = 1_000_000
#: Plan file suffixes offered from the plans folder.
_PLAN_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
_LOG = logging.getLogger("modcluster.web")
#: matplotlib is not thread-safe: one figure is drawn at a time.
_DRAWING = threading.Lock()


def _status_of(exc: BaseException) -> tuple[int, str]:
    """The HTTP status and the page's heading for an exception."""
    if isinstance(exc, InputError):
        return 400, "Bad input"
    if isinstance(exc, PlotUnavailableError):
        return 501, "Not available"
    if isinstance(exc, ModclusterError):
        return 500, "The library refused"
    return 500, "Internal error (a bug, please report it)"


class WebApp:
    """The routes' handlers, the catalog, and the caches (one per server).

    Args:
        catalog: The catalog served.
        time_limit: Seconds of each table and each why (the request's ``time_limit``).
        plans_dir: A folder of plan files offered on ``/plan`` (None: uploads only).
        catalog_name: The catalog file's name, shown on the pages.
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        time_limit: Decimal = Decimal(10),
        plans_dir: Path | None = None,
        catalog_name: str = "",
    ) -> None:
        self.catalog = catalog
        self.time_limit = time_limit
        self.plans_dir = plans_dir
        self.catalog_name = catalog_name or catalog.name or "catalog"
        self.sessions = Sessions(catalog, self.build_request)
        self.plans = Plans()
        env = Environment(
            loader=PackageLoader("modcluster.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        env.globals["money_unit"] = catalog.units.money
        env.filters["count"] = views.format_count  # quantities with the separators money has
        self.templates = Jinja2Templates(env=env)

    # ------------------------------------------------------------------ plumbing

    def build_request(self, ask: Ask) -> Request:
        """The request of a page's fields (the library checks every value).

        Raises:
            InputError: An unknown product, or a value the contract refuses.
        """
        from modcluster.io import build_request

        product = ask.get("product")
        if product not in self.catalog.product_by_id:
            known = ", ".join(p.id for p in self.catalog.products)
            raise InputError(f"product: {product!r} is not in the catalog (products: {known})")
        return build_request(self.catalog, product, None, ask.overrides(self.time_limit))

    def page(self, request: HttpRequest, name: str, context: Mapping[str, Any], status: int = 200) -> Response:
        """A rendered template."""
        base = {"catalog": self.catalog, "catalog_name": self.catalog_name}
        return self.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)

    def error(self, request: HttpRequest, exc: BaseException) -> Response:
        """The page of a failure: its message, a proper status, never a traceback."""
        status, heading = _status_of(exc)
        message = str(exc) or type(exc).__name__
        if status == 500 and not isinstance(exc, ModclusterError):
            message = f"{type(exc).__name__}: {message}".splitlines()[0]
            _LOG.error("internal error on %s: %s", request.url.path, message)
            if os.environ.get("MODCLUSTER_DEBUG"):
                _LOG.exception("traceback", exc_info=exc)
        back = request.headers.get("referer") or "/"
        context = {"status": status, "heading": heading, "message": message, "back": back}
        return self.page(request, "error.html", context, status)

    def guarded(self, handler: Callable[[HttpRequest], Awaitable[Response]]) -> Callable[[HttpRequest], Any]:
        """The handler with every exception turned into an error page."""

        async def endpoint(request: HttpRequest) -> Response:
            try:
                return await handler(request)
            except HTTPException:
                raise
            except Exception as exc:
                return self.error(request, exc)

        return endpoint

    async def http_error(self, request: HttpRequest, exc: Exception) -> Response:
        """404 and 405 of the router, as pages."""
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        heading = {404: "Not found", 405: "Method not allowed", 501: "Not available"}.get(status, "Error")
        detail = str(getattr(exc, "detail", exc))
        message = f"no page at {request.url.path}" if detail == "Not Found" else detail
        context = {"status": status, "heading": heading, "message": message, "back": "/"}
        return self.page(request, "error.html", context, status)

    # ------------------------------------------------------------------ configuration

    async def index(self, request: HttpRequest) -> Response:
        """The product picker and the request form."""
        products = []
        for product in self.catalog.products:
            defaults = product.request
            products.append(
                {
                    "id": product.id,
                    "family": product.family,
                    "modules": len(product.modules),
                    "quantity": "" if defaults is None or defaults.quantity is None else defaults.quantity,
                }
            )
        context = {"products": products, "objectives": OBJECTIVES, "time_limit": self.time_limit}
        return self.page(request, "index.html", context)

    def _step(self, ask: Ask, acts: tuple[Act, ...]) -> tuple[Request, Step, Any]:
        session = self.sessions.session(ask)
        with session.lock:
            step = session.step(acts)
            table = session.table(step)
        return session.request, step, table

    def configure_context(self, ask: Ask, acts: tuple[Act, ...], why: str | None) -> dict[str, Any]:
        """Everything the configuration page shows (runs the library: call in a worker thread)."""
        session = self.sessions.session(ask)
        asked: tuple[str, str] | None = None
        answer: tuple[str, ...] | None = None
        with session.lock:
            step = session.step(acts)
            table = session.table(step)
            if why:
                asked = parse_assignment(why)
                row = table.row(asked[0])
                value = None if row is None else row.value(asked[1])
                if value is not None and value.status is ValueStatus.IMPOSSIBLE:
                    blame = session.why(step, *asked)
                    answer = views.why_lines(blame, session.request, self.catalog.units.money)
                else:
                    answer = _not_impossible(step, asked)
        request = session.request
        query = query_of(ask, acts)
        best = None if table.best is None else views.best_view(self.catalog, table.best, request, table.complete)
        history = [(act.label(), configure_url(ask, acts[: i + 1])) for i, act in enumerate(acts)]
        return {
            "ask": ask,
            "req": request,
            "budget": None if request.limits.budget is None else format_money(request.limits.budget),
            "table": table,
            "decisions": views.table_views(self.catalog, table, ask, acts, asked, answer),
            "best": best,
            "history": history,
            "undo_url": configure_url(ask, acts[:-1]) if acts else None,
            "restart_url": configure_url(ask, ()) if acts else None,
            "asked": None if asked is None else f"{asked[0]}={asked[1]}",
            "answer": answer,
            "query": query,
            "figures": {name: f"/figure/{name}.png?{query}" for name in FIGURES} if best else {},
            "weights": views.weights_view(request),
            "reweigh": [
                *((name, text) for name, text in ask.fields if name not in WEIGHT_FIELDS),
                *(("act", act.text()) for act in acts),
            ],
            "stats": table.stats,
            "open": len(table.open_decisions()),
        }

    async def configure(self, request: HttpRequest) -> Response:
        """A step of a configuration."""
        ask, acts = read_query(request.query_params.multi_items())
        why = request.query_params.get("why")
        context = await run_in_threadpool(self.configure_context, ask, acts, why)
        return self.page(request, "configure.html", context)

    def _figure(self, ask: Ask, acts: tuple[Act, ...], name: str) -> bytes:
        from modcluster.report import figures

        request, step, table = self._step(ask, acts)
        if name not in FIGURES:
            raise HTTPException(404, f"no figure called {name!r} (figures: {', '.join(FIGURES)})")
        if table.best is None:
            raise HTTPException(404, "no system at this step: no figure to draw")
        if name not in step.files:
            with _DRAWING:
                if name == "gantt":
                    fig = figures.gantt(
                        table.best, deadline=request.limits.deadline, calendar=views.request_calendar(request)
                    )
                elif name == "network":
                    fig = figures.network(table.best, self.catalog)
                else:
                    fig = figures.cost_breakdown(
                        table.best, budget=request.limits.budget, money=self.catalog.units.money
                    )
                step.files[name] = figures.figure_png(fig)
        return step.files[name]

    async def figure(self, request: HttpRequest) -> Response:
        """A figure of the current best system (PNG)."""
        ask, acts = read_query(request.query_params.multi_items())
        name = str(request.path_params["name"])
        data = await run_in_threadpool(self._figure, ask, acts, name)
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    def _download(self, ask: Ask, acts: tuple[Act, ...], name: str) -> tuple[bytes, str]:
        session = self.sessions.session(ask)
        with session.lock:
            step = session.step(acts)
            if name == "configuration.json":
                return session.table(step).to_json().encode(), "application/json"
            if name not in ("solution.json", "report.html", "solution.xlsx"):
                raise HTTPException(404, f"no download called {name!r}")
            if name not in step.files:
                solution = session.solution(step)
                if name == "solution.json":
                    step.files[name] = (solution.to_json() + "\n").encode()
                elif name == "report.html":
                    step.files[name] = self._report(step.conf.saved_request(), solution)
                else:
                    step.files[name] = _xlsx(solution.to_json())
        media = {"solution.json": "application/json", "report.html": "text/html; charset=utf-8"}
        return step.files[name], media.get(name, _XLSX_TYPE)

    def _report(self, request: Request, solution: Any) -> bytes:
        from modcluster.report.html import ProductReport, build_report

        with _DRAWING:
            report = build_report(self.catalog, [ProductReport(request, solution)])
        return report.html.encode()

    async def download(self, request: HttpRequest) -> Response:
        """A download of the current step: the solution JSON, the configuration JSON, the report, the workbook."""
        ask, acts = read_query(request.query_params.multi_items())
        name = str(request.path_params["name"])
        data, media = await run_in_threadpool(self._download, ask, acts, name)
        filename = f"{ask.get('product')}-{name}"
        return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    # ------------------------------------------------------------------ plans

    def bundled_plans(self) -> list[str]:
        """The plan files of the plans folder, by name."""
        if self.plans_dir is None or not self.plans_dir.is_dir():
            return []
        return sorted(p.name for p in self.plans_dir.iterdir() if p.suffix in _PLAN_SUFFIXES and p.is_file())

    def _plan_run(self, params: Mapping[str, str]) -> PlanRun | None:
        """The plan run a query names (``file=NAME`` or ``id=KEY``), read when new; None when it names none."""
        if params.get("file"):
            name = params["file"]
            if name not in self.bundled_plans():
                raise HTTPException(
                    404, f"no bundled plan file {name!r} (files: {', '.join(self.bundled_plans()) or 'none'})"
                )
            assert self.plans_dir is not None
            data = (self.plans_dir / name).read_bytes()
            key = self.plans.digest(data)
            return self.plans.get(key) or self.plans.put(key, self._read_plan(name, data))
        if params.get("id"):
            found = self.plans.get(params["id"])
            if found is None:
                raise HTTPException(404, "this plan is no longer in the server's memory: pick or upload the file again")
            return found
        return None

    def _read_plan(self, name: str, data: bytes) -> PlanRun:
        from modcluster.io import SUFFIXES, parse_document, plan_request_from_data

        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES or SUFFIXES[suffix] not in ("yaml", "json", "toml"):
            raise InputError(f"{name}: a plan file is YAML, JSON or TOML (.yaml, .yml, .json, .toml)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text") from None
        document = parse_document(text, SUFFIXES[suffix], file=name)
        return PlanRun(name, plan_request_from_data(document, file=name, catalog=self.catalog))

    def _solved(self, run: PlanRun) -> Any:
        from modcluster.plans import plan

        with run.lock:
            if run.plan is None:
                run.plan = plan(self.catalog, run.request)
            return run.plan

    def plan_context(self, params: Mapping[str, str]) -> dict[str, Any]:
        """Everything the plan page shows (solves the plan when new: call in a worker thread)."""
        context: dict[str, Any] = {"bundled": self.bundled_plans(), "run": None, "max_upload": MAX_UPLOAD}
        run = self._plan_run(params)
        if run is None:
            return context
        result = self._solved(run)
        source = f"file={params['file']}" if params.get("file") else f"id={params['id']}"
        sharing = result.price_of_sharing
        context.update(
            run=run,
            plan=result,
            source=source,
            total_cost=None if result.total_cost is None else format_money(result.total_cost),
            sharing_cost=None if sharing is None else f"{sharing['cost']:+,.2f}",
            sharing_days=None if sharing is None else f"{sharing['lead_time']:+d}",
            rows=views.plan_rows(self.catalog, result),
            loads=views.load_views(self.catalog, result),
            figures={n: f"/plan/figure/{n}.png?{source}" for n in ("plan-gantt", "plan-load")}
            if result.entries
            else {},
        )
        return context

    async def plan_page(self, request: HttpRequest) -> Response:
        """The plan page: pick or upload a plan file, and the plan of the one chosen."""
        params = dict(request.query_params)
        context = await run_in_threadpool(self.plan_context, params)
        return self.page(request, "plan.html", context)

    async def plan_upload(self, request: HttpRequest) -> Response:
        """An uploaded plan file: read it, keep it by its digest, and show it (303 to ``/plan?id=KEY``)."""
        async with request.form(max_files=1, max_fields=10) as form:
            upload = form.get("planfile")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InputError("no plan file: choose a YAML, JSON or TOML plan file to upload")
            data = await upload.read(MAX_UPLOAD + 1)
            name = Path(upload.filename).name
        if len(data) > MAX_UPLOAD:
            raise InputError(f"{name}: larger than {MAX_UPLOAD:,} bytes")
        run = await run_in_threadpool(self._read_plan, name, data)
        key = self.plans.digest(data)
        self.plans.put(key, run)
        return RedirectResponse(f"/plan?id={key}", status_code=303)

    def _plan_file(self, params: Mapping[str, str], name: str) -> tuple[bytes, str]:
        from modcluster.report import figures
        from modcluster.report.plan_html import build_plan_report, plan_figures

        run = self._plan_run(params)
        if run is None:
            raise InputError("name the plan: file=NAME or id=KEY")
        result = self._solved(run)
        known = ("plan-gantt.png", "plan-load.png", "plan.json", "plan.html", "plan.xlsx")
        if name not in known:
            raise HTTPException(404, f"no plan file called {name!r} ({', '.join(known)})")
        with run.lock:
            if name not in run.files:
                if name.endswith(".png"):
                    with _DRAWING:
                        drawn = plan_figures(self.catalog, result)
                        if name not in drawn:
                            raise HTTPException(404, "the plan has no entries: no figure to draw")
                        run.files[name] = figures.figure_png(drawn[name])
                elif name == "plan.json":
                    run.files[name] = (result.to_json() + "\n").encode()
                elif name == "plan.html":
                    with _DRAWING:
                        run.files[name] = build_plan_report(self.catalog, result).html.encode()
                else:
                    run.files[name] = _xlsx(result.to_json())
        media = {".png": "image/png", ".json": "application/json", ".html": "text/html; charset=utf-8"}
        return run.files[name], media.get(Path(name).suffix, _XLSX_TYPE)

    async def plan_file(self, request: HttpRequest) -> Response:
        """A figure or a download of a plan."""
        name = str(request.path_params["name"])
        data, media = await run_in_threadpool(self._plan_file, dict(request.query_params), name)
        headers = {} if name.endswith(".png") else {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(data, media_type=media, headers=headers)


def _not_impossible(step: Step, asked: tuple[str, str]) -> tuple[str, ...]:
    """The answer to ``why`` of a value that is not impossible (an unknown decision or value is bad input)."""
    domain = dict(step.conf.decisions())
    if asked[0] not in domain or asked[1] not in domain[asked[0]]:
        raise InputError(f"why {asked[0]}={asked[1]}: not a decision and value of this product")
    return ("this value is not impossible at this step: nothing excludes it",)


_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(document: str) -> bytes:
    """The XLSX export of a solution or plan JSON (``modcluster.io.xlsx_results``; needs openpyxl).

    Raises:
        HTTPException: 501, the export module or openpyxl is not installed.
    """
    try:
        import openpyxl  # noqa: F401

        from modcluster.io.xlsx import workbook_bytes
        from modcluster.io.xlsx_results import results_to_workbook
    except ImportError as exc:
        raise HTTPException(501, f"the XLSX export is not available here ({exc}); pip install openpyxl") from None
    return workbook_bytes(results_to_workbook(json.loads(document, parse_float=Decimal)))


def create_app(
    catalog: Catalog,
    *,
    time_limit: Decimal = Decimal(10),
    plans_dir: Path | None = None,
    catalog_name: str = "",
) -> Starlette:
    """The Starlette app serving one catalog (see the module docstring for its routes).

    Args:
        catalog: A checked catalog.
        time_limit: Seconds of each decision table and each why.
        plans_dir: A folder of plan files offered on ``/plan``.
        catalog_name: The catalog file's name, shown on the pages.
    """
    web = WebApp(catalog, time_limit=time_limit, plans_dir=plans_dir, catalog_name=catalog_name)
    g = web.guarded
    routes = [
        Route("/", g(web.index)),
        Route("/configure", g(web.configure)),
        Route("/figure/{name}.png", g(web.figure)),
        Route("/download/{name}", g(web.download)),
        Route("/plan", g(web.plan_page), methods=["GET"]),
        Route("/plan", g(web.plan_upload), methods=["POST"]),
        Route("/plan/figure/{name}", g(web.plan_file)),
        Route("/plan/download/{name}", g(web.plan_file)),
        Mount("/static", StaticFiles(packages=[("modcluster.web", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: web.http_error})
    app.state.web = web
    return app
