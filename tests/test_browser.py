"""The web interface in a real browser: Debian's headless Chromium driven by Selenium, against
the app served by waitress on 127.0.0.1.

Skipped when Chromium or ChromeDriver is not installed, unless VNSEARCH_REQUIRE_BROWSER is set
(CI sets it, after installing them). With VNSEARCH_SCREENSHOT=path, the results page is saved
there as a PNG (that is how docs/screenshot.png is made).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from waitress import create_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("VNSEARCH_REQUIRE_BROWSER"):
        raise RuntimeError("VNSEARCH_REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("needs Debian's chromium and chromium-driver", allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only once the browser is known to be there
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The flags this machine's closed network needs (no background calls home).
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # for the console's CSP reports
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def test_search_facet_and_article_in_a_browser(browser: webdriver.Chrome, base_url: str) -> None:
    wait = WebDriverWait(browser, 10)
    browser.get(base_url + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("thanh uy hai phong")
    # Progressive enhancement: suggestions appear under the box while typing.
    wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".suggestions li")))
    box.send_keys(Keys.ENTER)

    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".snippet mark")]
    assert "Thành uỷ Hải Phòng" in marks  # unaccented query, accented text marked as written
    if os.environ.get("VNSEARCH_SCREENSHOT"):
        browser.save_screenshot(os.environ["VNSEARCH_SCREENSHOT"])

    person = browser.find_element(By.XPATH, "//section[@class='facet']//a[contains(., 'Lê Tiến Châu')]")
    person.click()
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".chip")))
    assert "Nhân vật: Lê Tiến Châu" in browser.find_element(By.CSS_SELECTOR, ".chips").text

    browser.find_element(By.CSS_SELECTOR, ".hit h2 a").click()
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "article.article")))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Hội nghị giao ban")
    assert browser.find_elements(By.CSS_SELECTOR, ".body mark")
    assert browser.find_element(By.CSS_SELECTOR, ".related li a")
    # All of it under the app's Content-Security-Policy, which blocked nothing.
    assert not [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def test_pages_work_without_javascript(browser: webdriver.Chrome, base_url: str) -> None:
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    browser.get(base_url + "/search?q=to+chuc")
    assert browser.find_elements(By.CSS_SELECTOR, ".hit")
    browser.find_element(By.CSS_SELECTOR, "nav.pagination a[rel=next], .hit h2 a").click()
    assert "vnsearch" in browser.title
