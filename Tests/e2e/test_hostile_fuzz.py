"""A seeded fuzzer over every client message type: each message is broken on purpose (a field of
the wrong JSON type, a required field missing, not an object, not JSON, an unknown type) or sent
by someone who may not send it. Every reply must be a documented error code, and the workshop
must be unchanged: same journal bytes, same snapshots. Set DETENTE_FUZZ_SEED to replay a run."""
import json
import os
import random
import re

from harness import Client, ORGANISER, Server, create_workshop, join

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STR, OPT_STR, BOOL, OPT_BOOL, INT, STR_LIST = "str", "opt_str", "bool", "opt_bool", "int", "str_list"

# Field types per message type, as ClientMessage.parse reads them (docs/PROTOCOL.md).
SCHEMA = {
    "hello": {"token": STR}, "resume": {"token": STR},
    "create": {"organiser_token": OPT_STR, "title": STR, "departments": STR_LIST, "template": OPT_STR, "k": INT},
    "join": {"code": STR, "name": STR, "department": STR},
    "submit": {"kind": STR, "text": STR, "target": OPT_STR}, "edit": {"id": STR, "text": STR}, "withdraw": {"id": STR},
    "vote": {"id": STR, "on": OPT_BOOL}, "merge": {"kept": STR, "absorbed": STR}, "approve": {"on": OPT_BOOL},
    "react": {"id": STR, "verdict": STR, "comment": OPT_STR}, "endorse": {"clause": STR, "support": OPT_BOOL},
    "advance": {"force": OPT_BOOL}, "timer": {"action": STR}, "hide": {"id": STR}, "lock": {"locked": BOOL},
    "hand_over": {"participant": OPT_STR}, "present": {"department": OPT_STR},
    "edit_clause": {"clause": STR, "text": STR}, "merge_clauses": {"kept": STR, "absorbed": STR},
    "move_item": {"id": STR, "clause": OPT_STR}, "note": {"text": STR},
}
# No fields to break: only sent by someone without the right to send them.
FIELDLESS = ["next_prompt", "ready", "back", "ready_check", "redraft", "end"]
FACILITATOR_ONLY = {"back", "ready_check", "redraft", "end"}
REQUIRED = {STR, BOOL, STR_LIST}


def documented_codes():
    text = open(os.path.join(ROOT, "docs", "PROTOCOL.md"), encoding="utf-8").read()
    table = text.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))


def wrong_value(kind, rng):
    values = {
        STR: [1, 2.5, True, None, [], {}, ["x"]], OPT_STR: [0, False, [], {"a": 1}, 1e300],
        BOOL: ["true", 1, None, [], {}], OPT_BOOL: ["yes", 0, None, [True]],
        INT: ["20", 0.5, 1e30, True, None, [], {}], STR_LIST: ["dev,ops", 7, None, [1, 2], ["dev", None], {}],
    }[kind]
    return rng.choice(values)


def valid_value(kind, rng):
    return {STR: "x" * rng.randint(1, 40), OPT_STR: "y", BOOL: True, OPT_BOOL: False, INT: 3, STR_LIST: ["dev", "ops"]}[kind]


def broken_message(rng):
    """Returns (raw text, who sends it)."""
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(["{", "[1,", '{"type":', "\u0000", "nul", '{"type":"ping"} x']), rng.choice(["stranger", "participant", "facilitator"])
    if roll < 0.10:
        return json.dumps(rng.choice([[1, 2], "hello", 42, None, True])), rng.choice(["stranger", "participant", "facilitator"])
    if roll < 0.15:
        return json.dumps({"type": rng.choice(["fly", "", "HELLO", "submit ", 7, None, ["submit"]]), "ref": "r"}), "participant"
    if roll < 0.25:
        kind = rng.choice(FIELDLESS)
        who = "participant" if kind in FACILITATOR_ONLY and rng.random() < 0.5 else "stranger"
        return json.dumps({"type": kind, "ref": "r"}), who
    kind = rng.choice(sorted(SCHEMA))
    fields = SCHEMA[kind]
    message = {"type": kind, **{name: valid_value(t, rng) for name, t in fields.items()}}
    if kind == "timer":
        message["action"] = wrong_value(STR, rng)  # a valid action could pause a timer
    else:
        name = rng.choice(sorted(fields))
        required = [n for n, t in fields.items() if t in REQUIRED]
        if required and rng.random() < 0.3:
            del message[rng.choice(required)]
        else:
            message[name] = wrong_value(fields[name], rng)
    message["ref"] = "r"
    return json.dumps(message), rng.choice(["stranger", "participant", "facilitator"])


async def snapshot(client, token):
    """The seat's `welcome`, asked on its own connection (a new one would take a participant's seat)."""
    welcome = await client.call(type="hello", token=token)
    welcome.pop("presence", None)
    welcome.pop("ref", None)
    return welcome


async def test_broken_messages_get_documented_errors_and_change_nothing():
    seed = int(os.environ.get("DETENTE_FUZZ_SEED", random.SystemRandom().randrange(1 << 32)))
    print(f"\nfuzz seed {seed} (replay: DETENTE_FUZZ_SEED={seed})")
    rng = random.Random(seed)
    server = Server(env={"DETENTE_RATE": "100000", "DETENTE_BURST": "100000", "DETENTE_SEAT_RATE": "100000",
                         "DETENTE_SEAT_BURST": "100000"}).start()
    try:
        codes = documented_codes()
        assert {"bad_json", "bad_message", "unauthorised", "rate_limited"} <= codes
        created, fac = await create_workshop(server)
        member = await join(server, created["code"], "Ann", "dev")
        await join(server, created["code"], "Bob", "ops")
        stranger = await Client.connect(server, "stranger")
        senders = {"stranger": stranger, "participant": member, "facilitator": fac}
        journal = os.path.join(server.sessions, created["workshop"] + ".journal")
        before = (os.path.getsize(journal), await snapshot(fac, created["facilitator_token"]), await snapshot(member, member.token))
        seen = {}
        for i in range(1500):
            text, who = broken_message(rng)
            client = senders[who]
            await client.ws.send(text)
            reply = await client.until(lambda f: f.get("type") in ("error", "pong", "ack", "welcome", "created", "joined"))
            assert reply["type"] == "error" and reply["code"] in codes, (i, who, text, reply)
            seen[reply["code"]] = seen.get(reply["code"], 0) + 1
        print(f"replies by code: {seen}")
        after = (os.path.getsize(journal), await snapshot(fac, created["facilitator_token"]), await snapshot(member, member.token))
        assert after == before
    finally:
        server.stop()
