"""``modcluster serve``: the configurator in the browser, a local web app over one catalog (docs/web.md).

The catalog is read and checked before anything is served (a bad one is
refused with its located error and exit code 2, as every command does). The
socket is bound here, so a port in use is a clear error too, and ``--port 0``
takes a free port (the URL printed on stderr says which). Ctrl-C (SIGINT) or
SIGTERM stops the server gracefully: requests in flight finish, and the
command exits with code 0.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from modcluster.cli.common import decimal_arg, int_arg
from modcluster.errors import ExitCode, InputError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "register", "run"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser(
        "serve",
        help="a configurator in the browser: a local web app over the catalog",
        description="Serve a local web app: pick a product and limits, configure it value by value with the "
        "decision table, see the best system's Gantt, network and costs, plan several products, download "
        "the solution JSON, the HTML report and the XLSX export. Ctrl-C stops it (exit 0).",
    )
    p.add_argument("catalog")
    p.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}: this machine only)"
    )
    p.add_argument("--port", type=int_arg, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0: a free port)")  # fmt: skip
    p.add_argument("--time-limit", type=decimal_arg, default=Decimal(10), metavar="SECONDS",
                   help="seconds of each decision table and each why (default 10)")  # fmt: skip
    p.add_argument("--plans", metavar="DIR",
                   help="folder of plan files for the plan page (default: plans/ beside the catalog)")  # fmt: skip
    p.set_defaults(func=run)


def _listen(host: str, port: int) -> socket.socket:
    """A bound, listening socket, or a clear error."""
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port}: a port is 0 to 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise InputError(f"--host {host}: {exc.strerror or exc}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _quiet(signum: int, frame: Any) -> None:
    """A signal handler that does nothing (uvicorn has already stopped the server when it is called)."""


def run(args: argparse.Namespace) -> int:
    """Check the catalog, bind, serve until Ctrl-C; exit 0."""
    try:
        import uvicorn
    except ImportError:
        raise InputError("modcluster serve needs the web extra: pip install 'modcluster[web]'") from None
    from modcluster.io import load_catalog
    from modcluster.report.figures import require_matplotlib
    from modcluster.web import create_app

    catalog = load_catalog(args.catalog)
    require_matplotlib()
    plans = Path(args.plans) if args.plans else Path(args.catalog).resolve().parent / "plans"
    if args.plans and not plans.is_dir():
        raise InputError(f"--plans {args.plans}: not a folder")
    app = create_app(
        catalog, time_limit=args.time_limit, plans_dir=plans if plans.is_dir() else None, catalog_name=args.catalog
    )
    sock = _listen(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"modcluster: serving {args.catalog} on http://{shown}:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    # uvicorn catches SIGINT and SIGTERM, shuts down gracefully, then raises the signal again for the handler
    # it found: with these quiet ones in place, that ends here, and the command exits 0 without a traceback.
    quiet = {sig: signal.signal(sig, _quiet) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # a Ctrl-C before uvicorn took the signal over
        pass
    finally:
        sock.close()
        for sig, handler in quiet.items():
            signal.signal(sig, handler)
    print("modcluster: stopped", file=sys.stderr)
    return ExitCode.OPTIMAL
