"""The projector view (/present.html#token=…): large type, no controls, and the moments a room
looks at — the lobby with its QR code, the reveal as a board, one item in focus (stepped from
the console) and the agreement with live endorsement bars. Screenshots at 1920×1080 and
1280×720 go to artifacts/screenshots/present-*.png."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot, set_viewport
from axe import assert_accessible
from room import Room

SIZES = {"1920": (1920, 1080), "1280": (1280, 720)}
WRITTEN = {
    "dev": ["They value a quiet pager above fast delivery.", "They fear Friday deploys because weekends are theirs to fix.",
            "Give us read-only access to production logs within two weeks.", "Publish the change calendar every Monday by 10:00."],
    "ops": ["They are rewarded for features shipped, not for stability.", "They see the change board as a wall.",
            "Write a runbook for every service before it goes live.", "Add a health endpoint to every service."],
    "dba": ["They think schema changes are free.", "They expect any table restored within minutes.",
            "Send schema migrations through the pipeline two days ahead.", "Tell us about data volume growth each quarter."],
}

VISIBLE_TEXT_SIZES = """
  const sizes = [];
  for (const e of document.querySelectorAll('#main *')) {
    const hasText = [...e.childNodes].some((n) => n.nodeType === 3 && n.nodeValue.trim());
    const r = e.getBoundingClientRect();
    if (hasText && r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden') sizes.push(parseFloat(getComputedStyle(e).fontSize));
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize), min: Math.min(...sizes)};
"""
VISIBLE_CONTROLS = """
  return [...document.querySelectorAll('input, select, textarea, button, [contenteditable]')]
    .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length;
"""
OFFSCREEN_CARDS = """
  return [...document.querySelectorAll('.card-item')].filter((e) => e.getBoundingClientRect().bottom > innerHeight + 1).length;
"""


def wait_for(d, script, timeout=10):
    WebDriverWait(d, timeout).until(lambda drv: drv.execute_script(script), script)


def check(screens, name):
    for size, d in screens.items():
        d.execute_script("return new Promise((r) => setTimeout(r, 1200))")  # let the cards finish appearing
        screenshot(d, f"present-{name}-{size}")
        assert d.execute_script(VISIBLE_CONTROLS) == 0, f"{name} at {size}: a form control is visible"
        assert_accessible(d, f"projector {name} at {size}")
        if size == "1920":
            sizes = d.execute_script(VISIBLE_TEXT_SIZES)
            assert sizes["body"] >= 32 and sizes["min"] >= 32, f"{name}: text smaller than 32 px at 1920×1080: {sizes}"


def test_projector_view(server, browser):
    room = Room(server, departments=("dev", "ops", "dba"))
    seats = {d: [room.join(f"{d} {i}", d) for i in range(2)] for d in WRITTEN}
    screens = {size: set_viewport(browser(*wh), *wh) for size, wh in SIZES.items()}
    for d in screens.values():
        d.get(room.present_url())
        assert "token" not in d.current_url
    for d in screens.values():
        wait_for(d, "return document.querySelector('.join-code') && document.querySelector('.lobby svg.qr')")
        assert room.code in d.find_element(By.CSS_SELECTOR, ".join-code").text
    check(screens, "lobby")

    room.advance_to("outmodel")
    room.fac.ok(type="timer", action="start", seconds=600)
    for d in screens.values():
        wait_for(d, "return /^(10:00|9:5\\d)$/.test(document.getElementById('stage-timer').textContent)")
        assert "Departments are writing" in d.find_element(By.ID, "stage").text
    check(screens, "writing-timer")
    for d, texts in WRITTEN.items():
        for i, text in enumerate(texts[:2]):
            seats[d][i].ok(type="submit", kind="outmodel", text=text)
    room.advance_to("requirements")
    for d, texts in WRITTEN.items():
        for i, text in enumerate(texts[2:]):
            seats[d][i].ok(type="submit", kind="requirement", text=text)
    room.advance_to("reveal")
    for d in screens.values():
        wait_for(d, "return document.querySelectorAll('.board .card-item').length === 12")
    assert screens["1920"].execute_script(OFFSCREEN_CARDS) == 0, "all 12 cards fit on a 1920×1080 projector"
    check(screens, "reveal")
    # One department's deliverables at a time, chosen from the console.
    room.fac.ok(type="present", department="ops")
    for d in screens.values():
        wait_for(d, "return document.querySelectorAll('.board-column').length === 1")
        assert d.find_element(By.CSS_SELECTOR, ".board-column h2").text == "Ops wrote"
    check(screens, "reveal-one-department")
    room.fac.ok(type="present", department=None)

    # The facilitator steps the focus from the console; the projector shows that one item.
    room.advance_to("reactions")
    first = room.fac.call(type="hello", token=room.created["facilitator_token"])["reveal"]["items"]
    about_dev = next(i for i in first if i["target"] == "dev")
    for seat in seats["dev"]:
        seat.ok(type="react", id=about_dev["id"], verdict="accurate" if about_dev["kind"] == "outmodel" else "accept", comment="Fair.")
    console = browser(1366, 900)
    console.get(room.facilitator_url())
    WebDriverWait(console, 10).until(lambda drv: drv.find_element(By.ID, "status").text == "Connected")
    focus = console.find_element(By.ID, "focus-next")
    console.execute_script("arguments[0].scrollIntoView({block: 'center'})", focus)
    focus.click()
    assert_accessible(console, "console reactions with the focus controls")
    for d in screens.values():
        wait_for(d, "return document.querySelector('.focus .focus-text')")
    stepped = screens["1920"].find_element(By.CSS_SELECTOR, ".focus-text").text
    assert stepped in [i["text"] for i in first]
    room.fac.ok(type="focus", id=about_dev["id"])
    for d in screens.values():
        wait_for(d, "return document.querySelector('.focus .bars')")
        assert about_dev["text"] in d.find_element(By.CSS_SELECTOR, ".focus-text").text
    check(screens, "focus")

    room.fac.ok(type="focus", id=None)
    room.advance_to("agreement")
    draft = room.fac.call(type="hello", token=room.created["facilitator_token"])["draft"]
    clause = next(c for c in draft["clauses"] if c["votable"])
    room.fac.ok(type="assign_clause", clause=clause["id"], owner="ops", due="2027-01-31")
    for seat in seats["dev"] + seats["ops"][:1]:
        seat.ok(type="endorse", clause=clause["id"], support=True)
    for d in screens.values():
        wait_for(d, "return document.querySelector('.clauses-big svg.bar')")
        wait_for(d, f"return document.querySelector('[data-key=\"{clause['id']}\"]').textContent.includes('Dev 2/2')")
        assert "by 2027-01-31" in d.find_element(By.CSS_SELECTOR, f"[data-key='{clause['id']}'] .clause-owner").text
    width = screens["1920"].execute_script(f"return document.querySelector('[data-key=\"{clause['id']}\"] .bar-fill').getAttribute('width')")
    assert width == "100", "Dev's bar is full at 2 of 2"
    assert screens["1920"].execute_script(
        "return [...document.querySelectorAll('.clauses-big > li')].filter((e) => e.getBoundingClientRect().bottom > innerHeight + 1).length") == 0, \
        "every clause fits on a 1920×1080 projector"
    check(screens, "agreement")
