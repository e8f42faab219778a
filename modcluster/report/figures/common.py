"""What every figure shares: the style, the colours, the matplotlib guard, a blank figure and PNG bytes.

matplotlib is imported only inside the functions, so importing this module
(the graph export takes :data:`ROLE_COLOURS` from here) needs no matplotlib.

Japanese names (``site: 八王子``) are drawn with the IPAexGothic font packaged
by ``matplotlib-fontja`` (part of the ``plot`` extra): :func:`require_matplotlib`
registers its font file with matplotlib, without importing that package (whose
import changes the global font setting), and :data:`FIGURE_STYLE` lists it
after the Latin font, as the fallback for the glyphs the Latin font lacks.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import logging
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from modcluster.errors import PlotUnavailableError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEADLINE_COLOUR",
    "DPI",
    "FIGURE_STYLE",
    "FONT_FAMILY",
    "HANDOVER_COLOUR",
    "INTEGRATION_COLOUR",
    "JAPANESE_FONT",
    "LATIN_FONT",
    "ROLE_COLOURS",
    "ROLE_ORDER",
    "PlotUnavailableError",
    "figure_png",
    "japanese_font_file",
    "money_axis",
    "money_tick",
    "new_figure",
    "require_matplotlib",
]

#: Resolution of every figure, in dots per inch.
DPI = 110
#: The font of Latin text: shipped with matplotlib, the same glyphs everywhere.
LATIN_FONT = "DejaVu Sans"
#: The fallback for Japanese text: IPAexGothic, packaged by ``matplotlib-fontja`` (the ``plot`` extra).
JAPANESE_FONT = "IPAexGothic"
#: The font families every figure draws with: Latin first, then Japanese for the glyphs it lacks.
FONT_FAMILY = [LATIN_FONT, JAPANESE_FONT]
#: matplotlib settings every figure is drawn and saved under.
FIGURE_STYLE: dict[str, Any] = {
    "font.family": FONT_FAMILY,
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
    """Import matplotlib, with the packaged Japanese font registered.

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
    _register_japanese_font()
    return matplotlib


def japanese_font_file() -> Path | None:
    """The IPAexGothic font file packaged by ``matplotlib-fontja``, or None when that package is not installed.

    The package is located, not imported: importing it sets matplotlib's global font.
    """
    spec = importlib.util.find_spec("matplotlib_fontja")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / "fonts" / "ipaexg.ttf"
        if path.is_file():
            return path
    return None


@functools.cache
def _register_japanese_font() -> bool:
    """Add the packaged Japanese font to matplotlib's fonts, once; whether it is there.

    Without it (matplotlib installed without the ``plot`` extra) the figures
    draw with the Latin font alone, so matplotlib does not look for a font
    that is not there; Japanese glyphs are then missing.
    """
    from matplotlib import font_manager

    path = japanese_font_file()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        logging.getLogger("matplotlib.font_manager").addFilter(_no_bold_fallback_notice)
        return True
    if JAPANESE_FONT in {font.name for font in font_manager.fontManager.ttflist}:
        return True  # installed on the system
    FONT_FAMILY.remove(JAPANESE_FONT)
    return False


def _no_bold_fallback_notice(record: logging.LogRecord) -> bool:
    """Drop matplotlib's notice that the Japanese font has no bold face (bold titles draw it regular)."""
    args = record.args if isinstance(record.args, tuple) else ()
    return not (record.msg == "findfont: Failed to find font weight %s for %s, now using %s." and JAPANESE_FONT in args)


def money_axis(axis: Any) -> None:
    """Label a matplotlib axis of money like the tool's money figures: thousands separators (``12,000``).

    When every tick is a whole amount, the ticks are written without
    decimals; else every tick has two, as
    :func:`~modcluster.report.text.format_money` writes (``2.50``).
    """
    require_matplotlib()
    from matplotlib.ticker import Formatter

    class _MoneyFormatter(Formatter):
        ticks: tuple[float, ...] = ()

        def format_ticks(self, values: Any) -> list[str]:
            self.ticks = tuple(float(v) for v in values)
            return [self(v, i) for i, v in enumerate(self.ticks)]

        def __call__(self, x: float, pos: int | None = None) -> str:
            return money_tick(x, self.ticks)

    axis.set_major_formatter(_MoneyFormatter())


def money_tick(value: float, ticks: Sequence[float] = ()) -> str:
    """One money tick, with thousands separators; two decimals when it or another of ``ticks`` needs them.

    >>> money_tick(13985.0), money_tick(-1000.0), money_tick(2.5), money_tick(5.0, [2.5, 5.0])
    ('13,985', '-1,000', '2.50', '5.00')
    """
    if all(abs(v - round(v)) < 1e-9 for v in (value, *ticks)):
        return f"{round(value):,}"
    return f"{value:,.2f}"


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
