"""What every figure shares: the style, the colours, the matplotlib guard, a blank figure and PNG bytes.

matplotlib is imported only inside the functions, so importing this module
(the graph export takes :data:`ROLE_COLOURS` from here) needs no matplotlib.
"""

from __future__ import annotations

import io
from types import ModuleType
from typing import TYPE_CHECKING, Any

from modcluster.errors import PlotUnavailableError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEADLINE_COLOUR",
    "DPI",
    "FIGURE_STYLE",
    "HANDOVER_COLOUR",
    "INTEGRATION_COLOUR",
    "ROLE_COLOURS",
    "ROLE_ORDER",
    "PlotUnavailableError",
    "figure_png",
    "new_figure",
    "require_matplotlib",
]

#: Resolution of every figure, in dots per inch.
DPI = 110
#: matplotlib settings every figure is drawn and saved under.
FIGURE_STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs everywhere
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": "modcluster",
    "svg.fonttype": "path",
    "hatch.linewidth": 0.6,
}
#: Node colours by organisation kind (shared with the graph export).
ROLE_COLOURS: dict[str, str] = {
    "developer": "#1f77b4",
    "processor": "#ff7f0e",
    "university": "#2ca02c",
    "lab": "#17becf",
    "enterprise": "#9467bd",
    "intermediary": "#d62728",
    "": "#7f7f7f",
}
#: The order roles are grouped and listed in ("" is an organisation without a kind).
ROLE_ORDER = ["developer", "processor", "enterprise", "university", "lab", ""]
#: Colour of the hub's integration task.
INTEGRATION_COLOUR = "#3d3d3d"
#: Colour of the deadline and budget lines.
DEADLINE_COLOUR = "#c0392b"
#: Colour of the arrows of parts handed from one organisation to another.
HANDOVER_COLOUR = "#8a8a8a"


def require_matplotlib() -> ModuleType:
    """Import matplotlib.

    Returns:
        The matplotlib module.

    Raises:
        PlotUnavailableError: matplotlib is not installed; the message gives the install command.
    """
    try:
        import matplotlib
    except ImportError:
        raise PlotUnavailableError(
            "figures need matplotlib, which is not installed: pip install 'modcluster[plot]'"
        ) from None
    return matplotlib


def new_figure(width: float, height: float) -> Figure:
    """An empty figure of ``width`` x ``height`` inches on the Agg canvas, with constrained layout."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, without a timestamp or version: same figure, same bytes."""
    matplotlib = require_matplotlib()
    buffer = io.BytesIO()
    with matplotlib.rc_context(FIGURE_STYLE):
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()
