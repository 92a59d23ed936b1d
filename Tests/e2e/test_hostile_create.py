"""One validation of workshop creation for HTTP and websocket: a present but invalid field is
refused naming it (never silently replaced by a default), with the same code on both ways in."""
import json
import urllib.error
import urllib.request

import pytest

from harness import Client, ORGANISER

BAD = [
    ({"k": "20"}, "bad_message", "'k'"),
    ({"k": 1e30}, "invalid_value", "'k'"),
    ({"k": 0.5}, "invalid_value", "'k'"),
    ({"template": 7}, "bad_message", "'template'"),
    ({"departments": ["dev", 7, "ops"]}, "bad_message", "'departments'"),
    ({"departments": ["dev", ""]}, "invalid_value", "'departments'"),
]


def http_create(server, body):
    req = urllib.request.Request(server.url + "/api/workshops", data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {ORGANISER}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("change,code,field", BAD)
def test_http_create_refuses_invalid_fields_naming_them(server, change, code, field):
    status, reply = http_create(server, {"title": "T", "departments": ["dev", "ops"], **change})
    assert status == 400 and reply["code"] == code and field in reply["message"], reply


@pytest.mark.parametrize("change,code,field", BAD)
async def test_websocket_create_refuses_the_same_fields_the_same_way(server, change, code, field):
    org = await Client.connect(server, "org")
    reply = await org.call(**{"type": "create", "organiser_token": ORGANISER, "title": "T", "departments": ["dev", "ops"], **change})
    assert reply["type"] == "error" and reply["code"] == code and field in reply["message"], reply


async def test_valid_create_keeps_k_on_both_ways_in(server):
    status, created = http_create(server, {"title": "T", "departments": ["dev", "ops"], "k": 5})
    assert status == 201
    fac = await Client.connect(server, "fac")
    welcome = await fac.call(type="hello", token=created["facilitator_token"])
    assert welcome["workshop"]["k"] == 5
    org = await Client.connect(server, "org")
    created = await org.call(type="create", organiser_token=ORGANISER, title="T", departments=["dev", "ops"], k=7)
    fac2 = await Client.connect(server, "fac2")
    assert (await fac2.call(type="hello", token=created["facilitator_token"]))["workshop"]["k"] == 7
