"""A configurator in the browser (``modcluster serve CATALOG``): the library behind a thin web layer.

Starlette routes render server-side pages (Jinja2, autoescaped) from the
library's results; the URL holds the state of every page
(:mod:`modcluster.web.state`), and a bounded cache of configurators makes
each click reuse the last step (:mod:`modcluster.web.sessions`). Needs the
``web`` extra (``pip install 'modcluster[web]'``: starlette, uvicorn,
python-multipart) and, for the figures, the ``plot`` extra. See docs/web.md.
"""

from modcluster.web.app import create_app

__all__ = ["create_app"]
