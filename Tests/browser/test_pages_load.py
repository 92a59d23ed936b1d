"""Every page loads under the strict Content-Security-Policy without a console error, is
screenshotted at phone and desktop width, and has no serious or critical axe violation."""
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

from conftest import ORGANISER, screenshot  # noqa: E402

PAGES = ["index.html", f"organiser.html#token={ORGANISER}", "join.html?code=NOPE42", "facilitator.html"]


def test_pages_load_clean_at_both_widths(server, browser):
    for width, height, label in [(360, 740, "phone"), (1280, 900, "desktop")]:
        d = browser(width, height)
        for page in PAGES:
            d.get(f"{server.url}/{page}")
            assert d.find_element(By.TAG_NAME, "body")
            errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE" and "/api/join/NOPE42" not in e["message"]]
            assert not errors, (page, errors)
            name = page.split(".")[0]
            screenshot(d, f"page-{name}-{label}")
            axe = Axe(d)
            axe.inject()
            violations = [v["id"] for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]
            assert not violations, (page, violations)
