"""Grouping by drag and drop with the mouse, and the same with the keyboard through each item's
menu: merging duplicates in review, moving an item between agreement clauses. Afterwards the
server, a replay of its journal (a restart) and every open page agree."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from axe import assert_accessible
from axe import assert_accessible
from conftest import screenshot
from room import Room, Seat

DESKTOP = (1366, 900)


def wait(d, cond, timeout=10):
    return WebDriverWait(d, timeout).until(cond)


def mouse_drag(d, handle, target):
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", handle)
    ActionChains(d).click_and_hold(handle).move_by_offset(8, 8).move_to_element(target).pause(0.1).release().perform()


def item_keys(d):
    return d.execute_script("return [...document.querySelectorAll('#items > li[data-key]')].map((li) => li.dataset.key).sort()")


def clause_sources(d, container="#agreement"):
    return d.execute_script(f"""return Object.fromEntries([...document.querySelectorAll('{container} [data-key^="c_"], {container} [data-clause]')]
        .map((c) => [c.dataset.key || c.dataset.clause, [...c.querySelectorAll('li[data-key]')].map((li) => li.dataset.key).sort()]))""")


def server_sources(room):
    draft = Seat(room.server, room.created["facilitator_token"]).call(type="hello", token=room.created["facilitator_token"])["draft"]
    return {c["id"]: sorted(c["sources"]) for c in draft["clauses"]}


def test_merge_and_move_by_mouse_and_keyboard_then_everyone_agrees(server, browser):
    room = Room(server)
    ann, bob, cat = room.join("Ann", "dev"), room.join("Bob", "dev"), room.join("Cat", "ops")
    room.advance_to("outmodel")
    kept = ann.ok(type="submit", kind="outmodel", text="They fear Friday deploys.")["id"]
    dup = bob.ok(type="submit", kind="outmodel", text="They are scared of deploying on Fridays.")["id"]
    other = ann.ok(type="submit", kind="outmodel", text="They value quiet weeks.")["id"]
    room.advance_to("requirements")
    reqs = [ann.ok(type="submit", kind="requirement", text="Give us read-only access to production logs within two weeks.")["id"],
            bob.ok(type="submit", kind="requirement", text="Publish the change calendar every Monday by 10:00.")["id"],
            cat.ok(type="submit", kind="requirement", text="Write a runbook for every service before it goes live.")["id"]]
    room.advance_to("review")
    a, b = room.open_seat(browser(*DESKTOP), ann), room.open_seat(browser(390, 844), bob)

    # Mouse: Ann drags Bob's duplicate onto her own item.
    handle = a.find_element(By.CSS_SELECTOR, f"#items li[data-key='{dup}'] .drag-handle")
    mouse_drag(a, handle, a.find_element(By.CSS_SELECTOR, f"#items li[data-key='{kept}']"))
    for d in (a, b):
        wait(d, lambda drv: dup not in item_keys(drv))
    # Keyboard: Bob merges the remaining duplicate pair with the item's menu.
    menu = b.find_element(By.CSS_SELECTOR, f"#items li[data-key='{kept}'] select")
    b.execute_script("arguments[0].scrollIntoView({block: 'center'})", menu)
    b.execute_script("arguments[0].focus()", menu)
    menu.send_keys(Keys.ARROW_DOWN)
    for d in (a, b):
        wait(d, lambda drv: item_keys(drv) == sorted([kept] + reqs[:2]))
    snapshot = Seat(server, ann.token).call(type="hello", token=ann.token)
    assert sorted(i["id"] for i in snapshot["items"]) == sorted([kept] + reqs[:2])
    assert other not in item_keys(a)
    assert_accessible(a, "participant review with drag handles")
    screenshot(a, "participant-review-board-1366")

    for seat in (ann, bob, cat):
        seat.ok(type="approve", on=True)
    room.advance_to("agreement")
    f = browser(*DESKTOP)
    f.get(room.facilitator_url())
    wait(f, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#agreement li[data-item] .drag-handle"))
    before = server_sources(room)
    source_clause = next(c for c, s in before.items() if reqs[2] in s)
    destination = next(c for c, s in before.items() if s and c != source_clause)

    # Mouse: the facilitator drags Cat's requirement onto another clause.
    handle = f.find_element(By.CSS_SELECTOR, f"#agreement li[data-item='{reqs[2]}'] .drag-handle")
    mouse_drag(f, handle, f.find_element(By.CSS_SELECTOR, f"#agreement [data-clause='{destination}'] h3"))
    wait(f, lambda drv: reqs[2] in clause_sources(drv).get(destination, []))
    # Keyboard: the same item goes back out into a clause of its own through its menu.
    menu = f.find_element(By.CSS_SELECTOR, f"#agreement li[data-item='{reqs[2]}'] select")
    f.execute_script("arguments[0].scrollIntoView({block: 'center'})", menu)
    f.execute_script("arguments[0].focus()", menu)
    menu.send_keys(Keys.ARROW_DOWN)  # "A clause of its own (split)"
    wait(f, lambda drv: reqs[2] not in clause_sources(drv).get(destination, []))

    after = server_sources(room)
    assert_accessible(f, "console agreement with drag handles")
    screenshot(f, "console-agreement-moved-1366")
    assert reqs[2] not in after.get(destination, []) and any(s == [reqs[2]] for s in after.values())
    wait(f, lambda drv: {k: v for k, v in clause_sources(drv).items() if v} == {k: v for k, v in after.items() if v})
    present = browser(1280, 720)
    present.get(room.present_url())
    wait(present, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".clauses-big > li"))
    votable = [c["id"] for c in Seat(server, ann.token).call(type="hello", token=ann.token)["draft"]["clauses"] if c["votable"]]
    wait(present, lambda drv: sorted(drv.execute_script("return [...document.querySelectorAll('.clauses-big > li')].map((l) => l.dataset.key)")) == sorted(votable))
    wait(a, lambda drv: sorted(drv.execute_script("return [...document.querySelectorAll('#agreement .clause')].map((c) => c.dataset.key)")) == sorted(after))

    # The journal agrees: a restart replays it to the same draft.
    server.stop()
    server.start()
    assert server_sources(room) == after
