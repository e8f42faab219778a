"""The web app in a real browser: headless Chromium driven by Selenium against a real ``modcluster serve``.

Skips (never fails) when Chromium or its driver is not installed: CI
installs Debian's ``chromium`` and ``chromium-driver`` (.ci/run). The
session picks a product on the first page, clicks through a whole
configuration, checks the figures on each page against the library,
opens an impossible value's reason, submits a bad budget, sees the message,
and goes on using the app.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install 'modcluster[web]')")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (the dev extra has it)")

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from modcluster import build_request, load_catalog  # noqa: E402
from modcluster.configure import Configurator  # noqa: E402
from modcluster.domain import Configuration, ValueStatus  # noqa: E402
from modcluster.report.text import format_money  # noqa: E402

# In `make test-sample` (CI runs it, with Debian's chromium) and `make test-slow`: a real browser takes
# half a minute, kept out of the 10-minute default run.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
PRODUCT = "ultrasonic-distance-sensor"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1500,1100",
)


def browser_paths() -> tuple[str, str] | str:
    """The Chromium binary and its driver, or the reason the browser tests skip."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if binary is None:
        return "chromium is not installed (apt-get install chromium chromium-driver); CI installs it"
    if driver is None:
        return "chromedriver is not installed (apt-get install chromium-driver); CI installs it"
    return binary, driver


def start_browser(profile: Path) -> Any:
    """A headless Chromium under Selenium, with a fresh profile folder."""
    found = browser_paths()
    if isinstance(found, str):
        pytest.skip(found)
    binary, driver = found
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    # Each click returns when the page's HTML is in (the figures keep loading): the test checks the table.
    options.page_load_strategy = "eager"
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=driver)
    return webdriver.Chrome(options=options, service=service)


def start_server(*args: str) -> tuple[subprocess.Popen[str], str]:
    """A real ``modcluster serve`` on a free port, and its URL."""
    command = [sys.executable, "-m", "modcluster", "serve", str(TAMA), "--port", "0", *args]
    server = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert server.stderr is not None
    line = server.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if found is None:
        server.kill()
        pytest.fail(f"modcluster serve did not start: {line}{server.stderr.read()}")
    return server, found.group(0)


def stop_server(server: subprocess.Popen[str]) -> str:
    """Ctrl-C the server; its stderr."""
    server.send_signal(signal.SIGINT)
    try:
        _, err = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        _, err = server.communicate()
    return err


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    found = browser_paths()
    if isinstance(found, str):
        pytest.skip(found)
    server, url = start_server()
    try:
        yield url
    finally:
        err = stop_server(server)
        assert server.returncode == 0 and "Traceback" not in err, err


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    driver = start_browser(tmp_path / "profile")
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


#: Reads every value row of the decision table in one round trip (one WebDriver call per cell is slow).
_ROWS_SCRIPT = """
return Array.from(document.querySelectorAll("tr.value")).map(function (row) {
  var cell = function (name) { return row.querySelector("td." + name).textContent.trim(); };
  return [row.dataset.decision, row.dataset.value, row.dataset.status, cell("cost"), cell("days"), cell("dcost")];
});
"""


def shown_rows(driver: Any) -> dict[tuple[str, str], dict[str, str]]:
    """Every value row of the page's decision table: status and the figure cells."""
    out = {}
    for decision, value, status, cost, days, dcost in driver.execute_script(_ROWS_SCRIPT):
        out[(decision, value)] = {"status": status, "cost": cost, "days": days, "dcost": dcost}
    return out


def check_against_library(driver: Any, table: Configuration) -> None:
    assert table.best is not None
    assert driver.find_element(By.ID, "best-cost").text == format_money(table.best.cost)
    assert driver.find_element(By.ID, "best-days").text == str(table.best.lead_time)
    rows = shown_rows(driver)
    expected = {(r.decision, v.value): v for r in table.decisions for v in r.values}
    assert set(rows) == set(expected)
    for key, value in expected.items():
        assert rows[key]["status"] == value.status.value, key
        assert rows[key]["cost"] == ("" if value.cost is None else format_money(value.cost)), key
        assert rows[key]["days"] == ("" if value.lead_time is None else str(value.lead_time)), key


def select_link(driver: Any, decision: str, value: str) -> Any:
    css = f'tr.value[data-decision="{decision}"][data-value="{value}"] a.act.select'
    return driver.find_element(By.CSS_SELECTOR, css)


def navigate(driver: Any, element: Any) -> None:
    """Click what opens a new page, and wait until the new page has replaced the old one.

    A click returns when the browser has taken it, not always when the page it
    opens is in: reading the page at once could read the old one (seen on a
    busy CI machine), so wait for the old document to go stale and the new
    one to be parsed.
    """
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 60).until(lambda _: _stale(old))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") != "loading")


def _stale(element: Any) -> bool:
    try:
        element.tag_name  # noqa: B018 - any call on a stale element raises
    except StaleElementReferenceException:
        return True
    return False


def test_a_whole_configuration_in_the_browser(served: str, browser: Any) -> None:
    catalog = load_catalog(TAMA)
    browser.get(served)
    browser.find_element(By.CSS_SELECTOR, f'input[name="product"][value="{PRODUCT}"]').click()
    navigate(browser, browser.find_element(By.ID, "start"))
    conf = Configurator(catalog, build_request(catalog, PRODUCT, None, {"time_limit": 10}))
    for _ in range(40):
        table = conf.options()
        check_against_library(browser, table)
        open_rows = table.open_decisions()
        if not open_rows:
            break
        decision = open_rows[0].decision
        value = next(v.value for v in open_rows[0].values if v.status is ValueStatus.POSSIBLE)
        navigate(browser, select_link(browser, decision, value))
        conf = conf.select(decision, value)
    else:
        pytest.fail("the configuration did not end in 40 clicks")
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.acts li")) == len(table.selection.chosen)
    gantt = browser.find_element(By.ID, "fig-gantt")
    WebDriverWait(browser, 30).until(lambda _: gantt.get_attribute("naturalWidth") not in (None, "0"))
    navigate(browser, browser.find_element(By.ID, "undo"))
    check_against_library(browser, conf.undo().options())


def test_why_and_bad_input_in_the_browser(served: str, browser: Any) -> None:
    browser.get(served)
    browser.find_element(By.CSS_SELECTOR, f'input[name="product"][value="{PRODUCT}"]').click()
    budget = browser.find_element(By.ID, "budget")
    budget.send_keys("a lot")
    navigate(browser, browser.find_element(By.ID, "start"))
    message = browser.find_element(By.ID, "error-message").text
    assert "budget" in message and "a lot" in message
    assert browser.find_element(By.ID, "error").get_attribute("data-status") == "400"
    browser.back()  # the server kept serving: the same form, a good budget this time
    budget = browser.find_element(By.ID, "budget")
    budget.clear()
    browser.find_element(By.CSS_SELECTOR, f'input[name="product"][value="{PRODUCT}"]').click()
    budget.send_keys("14,000")
    navigate(browser, browser.find_element(By.ID, "start"))
    why = browser.find_element(By.CSS_SELECTOR, 'tr.value[data-status="impossible"] a.act.why')
    navigate(browser, why)
    answer = browser.find_element(By.ID, "why").text
    assert "why not" in answer and "budget of 14,000.00" in answer
