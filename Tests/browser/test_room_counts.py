"""Counts and phase text stay right as the room changes: people joining earlier and later, a
reload, someone leaving; "1 vote"; the sealed notice gone after the reveal; the target
department chosen when there are three departments; "N of M in Dev have written"."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from axe import assert_accessible
from conftest import screenshot
from room import Room


def wait_text(d, element_id, needle, timeout=10):
    WebDriverWait(d, timeout).until(lambda drv: needle in drv.find_element(By.ID, element_id).get_attribute("textContent"),
                                    f"#{element_id} never said {needle!r}")


def test_counts_follow_joins_reloads_and_leaves(server, browser):
    room = Room(server, departments=("dev", "ops", "dba"))
    ann = room.join("Ann", "dev")
    room.advance_to("outmodel")
    a = room.open_seat(browser(390, 844), ann)
    wait_text(a, "department-progress", "0 of 1 in Dev have written")

    # Three departments: the compose box starts on the department the bot asks about.
    target = a.find_element(By.ID, "compose-target")
    assert target.is_displayed() and target.get_attribute("value") == "ops"
    wait_text(a, "question", "Ops")
    assert "Ops" in a.find_element(By.ID, "compose-label").text
    # Choosing DBA words the question and the compose box for DBA; back to Ops for the rest.
    Select(target).select_by_value("dba")
    wait_text(a, "question", "DBA")
    assert "DBA" in a.find_element(By.ID, "compose-label").text and "Ops" not in a.find_element(By.ID, "question").text
    Select(target).select_by_value("ops")
    wait_text(a, "question", "Ops")

    a.find_element(By.ID, "compose-text").send_keys("They guard the weekend.")
    a.find_element(By.ID, "send").click()
    wait_text(a, "department-progress", "1 of 1 in Dev have written")
    assert "They guard the weekend." in a.find_element(By.CSS_SELECTOR, "#chat li.me").text, "own answer in the chat"
    assert "goals" in a.find_element(By.ID, "question").text, "the guided question stays, not the bot's follow-up"
    assert_accessible(a, "participant outmodel with three departments, phone")
    screenshot(a, "participant-outmodel-three-departments-390")

    bob = room.join("Bob", "dev")  # joins after Ann
    wait_text(a, "department-progress", "1 of 2 in Dev have written")
    room.advance_to("review")
    wait_text(a, "approval", "0 of 2 in your department approved.")
    approve = a.find_element(By.ID, "approve")
    a.execute_script("arguments[0].scrollIntoView({block: 'center'})", approve)
    approve.click()
    wait_text(a, "approval", "1 of 2 in your department approved.")
    item = next(i for i in bob.call(type="hello", token=bob.token)["items"])
    bob.ok(type="vote", id=item["id"], on=True)
    wait_text(a, "items", "1 vote")
    assert "1 votes" not in a.find_element(By.ID, "items").get_attribute("textContent")

    carl = room.join("Carl", "dev")  # joins later still
    wait_text(a, "approval", "1 of 3 in your department approved.")
    a.refresh()
    wait_text(a, "status", "Connected")
    before_answer = a.execute_script("return document.querySelector('#chat li.me').previousElementSibling.textContent")
    assert "goals" in before_answer, "after a reload the answer is still right after the question it answered"
    wait_text(a, "approval", "1 of 3 in your department approved.")
    wait_text(a, "presence", "Dev: 3 online of 3")
    bob.close()  # Bob leaves
    wait_text(a, "presence", "Dev: 2 online of 3")
    assert carl  # Carl stays online

    room.advance_to("reveal")
    WebDriverWait(a, 10).until(EC.visibility_of_element_located((By.ID, "reveal-card")))
    assert not a.find_element(By.ID, "sealed-note").is_displayed(), "the sealed notice is gone after the reveal"
    wait_text(a, "reveal", "1 vote")
    assert "1 votes" not in a.find_element(By.ID, "reveal").get_attribute("textContent")
    assert_accessible(a, "participant reveal, phone")
    screenshot(a, "participant-reveal-board-390")
