"""axe-core 4.12 (vendored, see vendor/README.md) run in the page: serious and critical
violations only, each with its rule, impact and the first offending nodes."""
import os

AXE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "axe.min.js"), encoding="utf-8").read()

RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 160))}))), (e) => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def serious_violations(driver):
    if not driver.execute_script("return typeof window.axe === 'object' && window.axe.version"):
        driver.execute_script(AXE)
    driver.set_script_timeout(30)
    return [v for v in driver.execute_async_script(RUN) if v["impact"] in ("serious", "critical")]


def assert_accessible(driver, where):
    found = serious_violations(driver)
    assert not found, f"{where}: {found}"
