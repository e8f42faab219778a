"""Screenshots of the web app's main screens for docs/web.md: docs/img/web-table.png, web-system.png, web-plan.png.

Starts a real ``modcluster serve`` on the bundled catalog and drives headless
Chromium with Selenium, as tests/test_web_browser.py does (same flags)::

    .venv/bin/python scripts/web_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from tests.test_web_browser import start_browser, start_server, stop_server  # noqa: E402

OUT = ROOT / "docs" / "img"
PRODUCT = "laser-displacement-sensor"


def _loaded(driver: WebDriver, ids: tuple[str, ...]) -> None:
    for name in ids:
        image = driver.find_element(By.ID, name)
        WebDriverWait(driver, 60).until(lambda _: image.get_attribute("naturalWidth") not in (None, "0"))  # noqa: B023


def main() -> int:
    """Write the three screenshots; 0 when done."""
    server, url = start_server()
    try:
        with tempfile.TemporaryDirectory() as profile:
            driver = start_browser(Path(profile))
            try:
                driver.set_window_size(1500, 1000)
                query = f"configure?product={PRODUCT}&budget=24,000&start_date=2027-04-01&workdays=1"
                driver.get(url + query + "&act=select:hub=kosoku-sensing")
                why = driver.find_element(By.CSS_SELECTOR, 'tr.value[data-status="impossible"] a.act.why')
                why.click()
                time.sleep(0.5)
                _loaded(driver, ("fig-gantt", "fig-network"))  # the figures of the page the click opened
                driver.execute_script("window.scrollTo(0, 0)")
                driver.save_screenshot(str(OUT / "web-table.png"))
                driver.execute_script("document.getElementById('system').scrollIntoView()")
                driver.save_screenshot(str(OUT / "web-system.png"))
                driver.get(url + "plan?file=tama-season.yaml")
                _loaded(driver, ("fig-plan-load",))
                driver.execute_script("document.getElementById('plan').scrollIntoView()")
                driver.save_screenshot(str(OUT / "web-plan.png"))
            finally:
                driver.quit()
    finally:
        stop_server(server)
    print(f"wrote {OUT / 'web-table.png'}, web-system.png, web-plan.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
