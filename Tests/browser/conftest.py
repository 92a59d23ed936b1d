"""Headless Chromium (Debian's chromium + chromium-driver) driven by selenium, against a real server."""
import os
import sys

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "support"))
from harness import Server, ORGANISER  # noqa: E402,F401

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "artifacts", "screenshots")


def make_driver(width=1280, height=900):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(width, height)
    return driver


@pytest.fixture
def server():
    # The tests drive a seat from Python and from its browser page at once, as one person with a
    # laptop and a phone would; the default of one connection per seat is tested in e2e.
    s = Server(env={"DETENTE_CONNECTIONS_PER_SEAT": "4"}).start()
    yield s
    s.stop()


@pytest.fixture
def browser():
    drivers = []

    def open_browser(width=1280, height=900):
        d = make_driver(width, height)
        drivers.append(d)
        return d

    yield open_browser
    for d in drivers:
        d.quit()


def screenshot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name + ".png")
    driver.save_screenshot(path)
    return path


def set_viewport(driver, width, height):
    """Makes the page's viewport exactly width×height (a window size includes the browser's own bars)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return driver
