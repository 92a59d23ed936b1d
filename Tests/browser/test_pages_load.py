"""Every page loads under the strict Content-Security-Policy without a console error."""
from selenium.webdriver.common.by import By

from conftest import screenshot  # noqa: E402

PAGES = ["index.html"]


def test_pages_load_without_console_errors(server, browser):
    d = browser()
    for page in PAGES:
        d.get(f"{server.url}/{page}")
        assert d.find_element(By.TAG_NAME, "body")
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        screenshot(d, "load-" + page.replace(".html", ""))
