"""Regenerate the pictures of docs/tutorial.md from the bundled catalog.

Runs the tutorial's own commands (through ``modcluster.cli.app.main``) in a
temporary directory and copies what they write into docs/img/:

- ``modcluster report catalogs/tama.yaml --product laser-displacement-sensor
  --out report.html --png figures`` gives the front and candidate 1's Gantt,
  network and cost figures;
- a screenshot of the top of report.html in headless Chromium, when Chromium
  is installed (otherwise the existing screenshot is kept and a note printed).

Usage: ``.venv/bin/python scripts/make_tutorial_figures.py`` from the
repository root. Needs the ``plot`` extra (matplotlib).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from modcluster.cli import main

__all__ = ["FIGURES", "PRODUCT", "make"]

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
PRODUCT = "laser-displacement-sensor"
#: The --png files the tutorial shows, under the names --png gives them.
FIGURES = [f"{PRODUCT}-pareto.png", *(f"{PRODUCT}-c1-{kind}.png" for kind in ("gantt", "network", "cost"))]
SCREENSHOT = "report-page.png"


def chromium_command(binary: str, profile: str, shot: Path, page: Path, height: int) -> list[str]:
    """Headless Chromium taking a 1280 x ``height`` screenshot of ``page`` (also used by tests/test_report.py)."""
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--screenshot={shot}",
        f"--window-size=1280,{height}",
        page.as_uri(),
    ]


def _screenshot(page: Path, shot: Path) -> bool:
    """A 1280x1500 screenshot of the page's top in headless Chromium; False when Chromium is missing."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            chromium_command(binary, profile, shot, page, 1500), check=True, capture_output=True, timeout=180
        )
    return shot.exists()


def make() -> list[Path]:
    """Run the tutorial's report command and copy its pictures into docs/img; return the files written."""
    IMG.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as work:
        page, figures = Path(work) / "report.html", Path(work) / "figures"
        code = main(
            [
                "report",
                str(ROOT / "catalogs" / "tama.yaml"),
                "--product",
                PRODUCT,
                "--out",
                str(page),
                "--png",
                str(figures),
            ]
        )
        if code != 0:
            raise SystemExit(f"modcluster report exited with {code}")
        for name in FIGURES:
            shutil.copyfile(figures / name, IMG / name)
            written.append(IMG / name)
        shot = Path(work) / SCREENSHOT
        if _screenshot(page, shot):
            shutil.copyfile(shot, IMG / SCREENSHOT)
            written.append(IMG / SCREENSHOT)
        else:
            print(f"chromium not found: kept the existing docs/img/{SCREENSHOT}", file=sys.stderr)
    return written


if __name__ == "__main__":
    for path in make():
        print(f"wrote {path.relative_to(ROOT)}")
