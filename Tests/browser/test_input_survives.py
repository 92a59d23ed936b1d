"""Typing is never wiped by someone else's action: for the review edit, the reaction comment,
the offer edit and the facilitator's clause wording, one browser types (and selects part of
its text), another browser acts, and the text, focus, selection and scroll position stay."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from axe import assert_accessible
from conftest import screenshot
from room import Room

PHONE, DESKTOP = (390, 844), (1366, 900)


def wait(d, cond, timeout=10):
    return WebDriverWait(d, timeout).until(cond)


# Records which keyed items a broadcast touched, and whether any node was removed.
WATCH = """
  const root = document.getElementById(arguments[0]);
  window.__touched = {removed: 0, items: []};
  new MutationObserver((records) => {
    for (const r of records) {
      window.__touched.removed += [...r.removedNodes].filter((n) => n.nodeType === 1).length;
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const li = node.closest('[data-key]');
      if (li && !window.__touched.items.includes(li.dataset.key)) window.__touched.items.push(li.dataset.key);
    }
  }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def type_and_select(d, element, text, start, end):
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    element.send_keys(text)
    d.execute_script("arguments[0].setSelectionRange(arguments[1], arguments[2])", element, start, end)
    return d.execute_script("return window.scrollY")


def assert_survived(d, element_id, value, start, end, scroll):
    state = d.execute_script("""
        const e = document.getElementById(arguments[0]);
        return e && {value: e.value, focused: document.activeElement === e, start: e.selectionStart, end: e.selectionEnd, scroll: window.scrollY};
    """, element_id)
    assert state, f"#{element_id} was removed from the page"
    assert state["value"] == value
    assert state["focused"], "focus was lost"
    assert (state["start"], state["end"]) == (start, end), "the selection was lost"
    assert abs(state["scroll"] - scroll) < 2, "the page scrolled"


def test_typing_survives_other_peoples_actions(server, browser):
    room = Room(server)
    ann, bob = room.join("Ann", "dev"), room.join("Bob", "dev")
    cat, dan = room.join("Cat", "ops"), room.join("Dan", "ops")
    room.advance_to("outmodel")
    for seat, text in [(ann, "They value quiet weeks."), (bob, "They fear Friday deploys."), (cat, "They ship too fast."), (dan, "They love new tools.")]:
        seat.ok(type="submit", kind="outmodel", text=text)
    room.advance_to("review")

    a = room.open_seat(browser(*PHONE), ann)
    b = room.open_seat(browser(*DESKTOP), bob)

    # 1. Review: Ann edits her item while Bob votes.
    edit = wait(a, EC.element_to_be_clickable((By.CSS_SELECTOR, "#items li.mine button[aria-label^='Edit']")))
    a.execute_script("arguments[0].scrollIntoView({block: 'center'})", edit)
    edit.click()
    area = wait(a, lambda d: d.find_element(By.CSS_SELECTOR, "#items textarea"))
    area_id = area.get_attribute("id")
    scroll = type_and_select(a, area, " Mostly.", 4, 9)
    a.execute_script(WATCH, "items")
    vote = wait(b, EC.element_to_be_clickable((By.CSS_SELECTOR, "#items button.vote[aria-pressed=false]")))
    voted = vote.find_element(By.XPATH, "./ancestor::li[@data-key]").get_attribute("data-key")
    b.execute_script("arguments[0].scrollIntoView({block: 'center'})", vote)
    vote.click()
    wait(a, lambda d: "1 vote" in d.find_element(By.ID, "items").get_attribute("textContent"))
    touched = a.execute_script("return window.__touched")
    assert touched["removed"] == 0, "no item was rebuilt"
    assert set(touched["items"]) == {voted}, f"only the voted item changed, not {touched['items']}"
    assert_survived(a, area_id, "They value quiet weeks. Mostly.", 4, 9, scroll)
    assert_accessible(a, "participant review, editing, phone")
    screenshot(a, "participant-review-editing-390")
    assert_accessible(b, "participant review, desktop")

    for seat in (ann, bob, cat, dan):
        seat.ok(type="approve", on=True)
    room.advance_to("reactions")

    # 2. Reactions: Ann half-writes a comment while Cat (another department) saves hers.
    comment = wait(a, lambda d: d.find_element(By.CSS_SELECTOR, "#owed input[type=text]"))
    comment_id = comment.get_attribute("id")
    radio = a.find_element(By.CSS_SELECTOR, "#owed input[type=radio][value=wrong]")
    a.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
    radio.click()
    scroll = type_and_select(a, comment, "We deploy on Fridays", 3, 9)
    c = room.open_seat(browser(*DESKTOP), cat)
    form = wait(c, lambda d: d.find_element(By.CSS_SELECTOR, "#owed form"))
    c.execute_script("arguments[0].scrollIntoView({block: 'center'})", form)
    form.find_element(By.CSS_SELECTOR, "input[value=accurate]").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(a, lambda d: "Accurate: 1" in d.find_element(By.ID, "reveal").get_attribute("textContent"))
    assert_survived(a, comment_id, "We deploy on Fridays", 3, 9, scroll)
    assert a.find_element(By.CSS_SELECTOR, "#owed input[type=radio][value=wrong]").is_selected()
    assert_accessible(a, "participant reactions, phone")
    a.execute_script("window.scrollTo(0, 0)")
    screenshot(a, "participant-reactions-owed-first-390")
    assert_accessible(c, "participant reactions, desktop")

    # 3. Offer: Ann rewords her offer while Bob submits one.
    ann.ok(type="submit", kind="offer", text="We can pair on runbooks.")
    edit = wait(a, lambda d: d.find_element(By.XPATH, "//ul[@id='items']//button[contains(@aria-label, 'pair on runbooks')]"))
    a.execute_script("arguments[0].scrollIntoView({block: 'center'})", edit)
    edit.click()
    area = wait(a, lambda d: d.find_element(By.CSS_SELECTOR, "#items textarea"))
    area_id = area.get_attribute("id")
    scroll = type_and_select(a, area, " Weekly.", 0, 6)
    compose = wait(b, EC.visibility_of_element_located((By.ID, "compose-text")))
    compose.send_keys("We can share our dashboards.")
    b.find_element(By.ID, "send").click()
    wait(a, lambda d: "share our dashboards" in d.find_element(By.ID, "items").get_attribute("textContent"))
    assert_survived(a, area_id, "We can pair on runbooks. Weekly.", 0, 6, scroll)

    # 4. Agreement: the facilitator rewords a clause while Ann endorses it.
    room.advance_to("agreement")
    f = browser(*DESKTOP)
    f.get(room.facilitator_url())
    clause = wait(f, lambda d: d.find_element(By.CSS_SELECTOR, "#agreement textarea"))
    clause_id = clause.get_attribute("id")
    original = clause.get_attribute("value")
    scroll = type_and_select(f, clause, " (draft 2)", 0, 5)
    support = wait(a, EC.element_to_be_clickable((By.XPATH, "//div[@id='agreement']//button[text()='Support']")))
    a.execute_script("arguments[0].scrollIntoView({block: 'center'})", support)
    support.click()
    wait(f, lambda d: " 1 for" in d.find_element(By.ID, "agreement").get_attribute("textContent"))
    assert_survived(f, clause_id, original + " (draft 2)", 0, 5, scroll)
    assert_accessible(f, "console agreement")
    screenshot(f, "console-agreement-1366")
    assert_accessible(a, "participant agreement, phone")
