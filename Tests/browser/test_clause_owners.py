"""Agreement clauses get an owner and a due date ("who does what by when"): set from the
console's form, shown to participants, validated, kept across a restart, and present in every
export (md, html, json, the agreement CSV and the .ics of due dates)."""
import csv
import io
import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from axe import assert_accessible
from room import Room, Seat


def export(server, room, fmt):
    url = f"{server.url}/api/workshops/{room.workshop}/export?format={fmt}&token={room.created['facilitator_token']}"
    with urllib.request.urlopen(url) as r:
        return r.read().decode()


def test_owner_and_due_date_round_trip_through_every_export(server, browser):
    room = Room(server)
    dev, ops = room.join("Ann", "dev"), room.join("Omar", "ops")
    room.advance_to("requirements")
    dev.ok(type="submit", kind="requirement", text="Give us read-only access to production logs within two weeks.")
    ops.ok(type="submit", kind="requirement", text="Write a runbook for every service before it goes live.")
    room.advance_to("reveal")
    assert room.fac.call(type="assign_clause", clause="c_x", owner="ops", due="2027-01-31")["code"] == "wrong_phase"
    room.advance_to("agreement")
    clauses = [c for c in room.fac.call(type="hello", token=room.created["facilitator_token"])["draft"]["clauses"] if c["votable"]]
    first, second = clauses[0], clauses[1]

    # Bad input gets a clear error.
    for owner, due, needle in [("sales", None, "owner must be one of"), ("ops", "2027-02-30", "YYYY-MM-DD"), ("ops", "31/01/2027", "YYYY-MM-DD")]:
        reply = room.fac.call(type="assign_clause", clause=first["id"], owner=owner, due=due)
        assert reply["type"] == "error" and reply["code"] == "invalid_value" and needle in reply["message"], reply
    assert room.fac.call(type="assign_clause", clause="c_missing", owner="ops", due=None)["code"] == "not_found"
    assert dev.call(type="assign_clause", clause=first["id"], owner="ops", due=None)["code"] == "forbidden", "a department proposes only itself"

    # The console's form sets the first; the protocol the second.
    console = browser(1366, 900)
    console.get(room.facilitator_url())
    form = WebDriverWait(console, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, f"[data-key='{first['id']}'] form.assign-form"))
    console.execute_script("arguments[0].scrollIntoView({block: 'center'})", form)
    form.find_element(By.CSS_SELECTOR, "select option[value=ops]").click()
    console.execute_script("const i = arguments[0]; i.value = '2027-01-31'; i.dispatchEvent(new Event('input', {bubbles: true}))",
                           form.find_element(By.CSS_SELECTOR, "input[type=date]"))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    room.fac.ok(type="assign_clause", clause=second["id"], owner="dev", due="2026-12-15")
    participant = room.open_seat(browser(390, 844), dev)
    WebDriverWait(participant, 10).until(lambda d: "Owner: Ops · Due: 2027-01-31" in d.find_element(By.ID, "agreement").text)
    assert "Owner: Dev · Due: 2026-12-15" in participant.find_element(By.ID, "agreement").text
    assert_accessible(console, "console agreement with owner forms")

    # A restart replays the journal: the owners are still there.
    server.stop()
    server.start()
    md, html, data = export(server, room, "md"), export(server, room, "html"), json.loads(export(server, room, "json"))
    assert "Owner: Ops · due 2027-01-31" in md and "Owner: Dev · due 2026-12-15" in md
    assert "Owner: Ops · due 2027-01-31" in html
    by_id = {c["id"]: c for c in data["agreement"]}
    assert (by_id[first["id"]]["owner"], by_id[first["id"]]["due"]) == ("ops", "2027-01-31")
    assert (by_id[second["id"]]["owner"], by_id[second["id"]]["due"]) == ("dev", "2026-12-15")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export(server, room, "agreement-csv")))}
    assert (rows[first["id"]]["owner"], rows[first["id"]]["due"]) == ("ops", "2027-01-31")
    assert rows[second["id"]]["owner"] == "dev" and "support_dev" in rows[first["id"]]
    ics = export(server, room, "ics")
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20270131" in ics and "DTSTART;VALUE=DATE:20261215" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n")), "lines are folded at 75 octets"

    # Clearing both removes the assignment everywhere.
    room.fac = type(room.fac)(server, room.created["facilitator_token"])
    room.fac.ok(type="assign_clause", clause=second["id"], owner=None, due=None)
    assert export(server, room, "ics").count("BEGIN:VEVENT") == 1
    assert json.loads(export(server, room, "json"))["agreement"][[c["id"] for c in data["agreement"]].index(second["id"])]["owner"] is None

    # The owning department proposes itself from its own page (after the restart the page reconnected).
    WebDriverWait(participant, 15).until(lambda d: d.find_element(By.ID, "status").text == "Connected")
    assert not participant.find_elements(By.CSS_SELECTOR, f"[data-key='{first['id']}'] form.assign-form"), "Ops owns it: no form for Dev"
    own = WebDriverWait(participant, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, f"[data-key='{second['id']}'] form.assign-form"))
    participant.execute_script("arguments[0].scrollIntoView({block: 'center'})", own)
    participant.execute_script("const i = arguments[0]; i.value = '2027-02-15'; i.dispatchEvent(new Event('input', {bubbles: true}))",
                               own.find_element(By.CSS_SELECTOR, "input[type=date]"))
    own.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(participant, 10).until(lambda d: "Owner: Dev · Due: 2027-02-15" in d.find_element(By.ID, "agreement").text)
    assert "DTSTART;VALUE=DATE:20270215" in export(server, room, "ics")
    assert Seat(server, ops.token).call(type="assign_clause", clause=second["id"], owner="ops", due=None)["code"] == "conflict"
