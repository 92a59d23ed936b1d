"""Every template in Templates/ runs end to end over the protocol: its phase texts and guided
questions reach the room, and its prompts and deliverables appear in the transcript."""
import glob
import json
import os
import urllib.request

import pytest

from room import Room

TEMPLATES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "Templates", "*.json")))


def name_of(d):
    return {"dev": "Dev", "ops": "Ops", "dba": "DBA"}.get(d, d[:1].upper() + d[1:])


def test_the_organiser_page_offers_every_template(server):
    page = urllib.request.urlopen(f"{server.url}/organiser.html").read().decode()
    for path in TEMPLATES:
        assert f'value="{json.load(open(path))["name"]}"' in page


@pytest.mark.parametrize("path", TEMPLATES, ids=[os.path.basename(p)[:-5] for p in TEMPLATES])
def test_template_runs_end_to_end(server, path):
    t = json.load(open(path, encoding="utf-8"))
    departments = t["departments"]
    room = Room(server, departments=departments, template=t["name"], title=t["title"])
    seats = [room.join(f"Person {i}", d) for i, d in enumerate(departments)]
    first = seats[0]
    target = departments[1]
    room.advance_to("outmodel")
    welcome = first.call(type="hello", token=first.token)
    assert welcome["workshop"]["template"] == t["name"]
    assert t["outmodel_questions"][0].replace("{target}", name_of(target)) in welcome["chat"]
    for _ in t["outmodel_questions"]:
        first.ok(type="next_prompt")
    chat = first.call(type="hello", token=first.token)["chat"]
    for q in t["outmodel_questions"][1:]:
        assert q.replace("{target}", name_of(target)) in chat, q
    ids = {}
    for i, seat in enumerate(seats):
        ids[seat] = seat.ok(type="submit", kind="outmodel", text=f"Outmodel {i}: they value a calm week and fear surprises.")["id"]
    room.advance_to("requirements")
    for i, seat in enumerate(seats):
        seat.ok(type="submit", kind="requirement", text=f"Requirement {i}: give us read-only access to production logs within two weeks.")
    room.advance_to("agreement")
    room.advance_to("close")
    md = urllib.request.urlopen(f"{server.url}/api/workshops/{room.workshop}/export?format=md&token={room.created['facilitator_token']}").read().decode()
    assert f"Template: {t['name']}" in md
    for phase in ("check_in", "requirements", "agreement"):
        intro = t["phase_intro"][phase].split("{target}")[0][:40]
        assert intro.replace("*", "\\*").replace("(", "\\(").replace(")", "\\)") in md, (phase, intro)
    for i in range(len(seats)):
        assert f"Outmodel {i}: they value" in md and f"Requirement {i}: give us" in md
    assert "## Agreement" in md
