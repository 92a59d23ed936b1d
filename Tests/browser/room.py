"""Drives a workshop over the protocol (synchronously) so browser tests can start at any phase,
and puts a joined seat into a browser through the page's own seat storage."""
import json
import time

from websockets.sync.client import connect
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ORGANISER


class Seat:
    """One websocket client: the facilitator or a participant."""

    def __init__(self, server, token=None):
        self._connection = connect(server.ws_url, subprotocols=["detente.v1"], max_size=2 ** 22)
        self.ws = self._connection.__enter__()
        self.ref = 0
        self.token = token
        if token:
            assert self.call(type="hello", token=token)["type"] == "welcome"

    def call(self, **msg):
        self.ref += 1
        msg["ref"] = f"s{self.ref}"
        self.ws.send(json.dumps(msg))
        deadline = time.time() + 10
        while time.time() < deadline:
            frame = json.loads(self.ws.recv(timeout=10))
            if frame.get("ref") == msg["ref"] and frame["type"] in ("ack", "error", "welcome", "created", "joined"):
                return frame
        raise TimeoutError(msg)

    def ok(self, **msg):
        reply = self.call(**msg)
        assert reply["type"] == "ack", (msg, reply)
        return reply

    def close(self):
        self._connection.__exit__(None, None, None)


class Room:
    def __init__(self, server, departments=("dev", "ops"), k=1, template="cats-and-dogs", title="Room test"):
        self.server = server
        org = Seat(server)
        self.created = org.call(type="create", organiser_token=ORGANISER, title=title, departments=list(departments), k=k, template=template)
        assert self.created["type"] == "created", self.created
        org.close()
        self.code = self.created["code"]
        self.workshop = self.created["workshop"]
        self.fac = Seat(server, self.created["facilitator_token"])
        self.people = {}

    def join(self, name, department):
        seat = Seat(self.server)
        joined = seat.call(type="join", code=self.code, name=name, department=department)
        assert joined["type"] == "joined", joined
        seat.token, seat.department, seat.participant = joined["token"], department, joined["participant"]
        self.people[name] = seat
        return seat

    def advance_to(self, phase):
        order = ["lobby", "check_in", "outmodel", "requirements", "review", "reveal", "reactions", "agreement", "close"]
        welcome = self.fac.call(type="hello", token=self.created["facilitator_token"])
        for _ in range(order.index(phase) - order.index(welcome["workshop"]["phase"])):
            self.fac.ok(type="advance", force=True)

    def facilitator_url(self):
        return f"{self.server.url}/facilitator.html#token={self.created['facilitator_token']}"

    def present_url(self):
        return f"{self.server.url}/present.html#token={self.created['facilitator_token']}"

    def open_seat(self, driver, seat):
        """Opens the participant page in `driver` on an already joined seat."""
        driver.get(f"{self.server.url}/join.html")
        driver.execute_script("localStorage.setItem(arguments[0], arguments[1])", f"detente.seat.{self.code}",
                              json.dumps({"token": seat.token, "workshop": self.workshop}))
        driver.get(f"{self.server.url}/join.html?code={self.code}")
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "status").text == "Connected"
                                        and d.find_element(By.ID, "workshop").is_displayed())
        return driver
