"""Every page loads under the strict Content-Security-Policy without a console error, is
screenshotted at phone and desktop width, and has no serious or critical axe violation."""
from selenium.webdriver.common.by import By

from axe import serious_violations
from conftest import ORGANISER, screenshot  # noqa: E402

# Each page with something it must show once its script has run.
PAGES = [("index.html", "h1"), (f"organiser.html#token={ORGANISER}", "#create"), ("join.html?code=NOPE42", "#join-card"),
         ("facilitator.html", "h1")]


def test_pages_load_clean_at_both_widths(server, browser):
    for width, height, label in [(360, 740, "phone"), (1280, 900, "desktop")]:
        d = browser(width, height)
        for page, landmark in PAGES:
            d.get(f"{server.url}/{page}")
            shown = d.find_element(By.CSS_SELECTOR, landmark)
            assert shown.is_displayed() and (shown.text.strip() or shown.tag_name in ("form", "section", "div")), (page, landmark)
            errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE" and "/api/join/NOPE42" not in e["message"]]
            assert not errors, (page, errors)
            name = page.split(".")[0]
            screenshot(d, f"page-{name}-{label}")
            violations = [v["id"] for v in serious_violations(d)]
            assert not violations, (page, violations)
