"""Operations endpoints: /metrics behind an optional bearer token and without workshop ids
unless asked for."""
import urllib.error
import urllib.request

import pytest

from harness import Server, create_workshop


def get_metrics(server, token=None):
    req = urllib.request.Request(server.url + "/metrics", headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture
def server_with(request):
    servers = []

    def start(**env):
        s = Server(env=env).start()
        servers.append(s)
        return s
    yield start
    for s in servers:
        s.stop()


def test_metrics_token_is_required_when_configured(server_with):
    server = server_with(DETENTE_METRICS_TOKEN="metrics-secret-1")
    assert get_metrics(server)[0] == 401
    assert get_metrics(server, "wrong")[0] == 401
    status, text = get_metrics(server, "metrics-secret-1")
    assert status == 200 and "detente_connections" in text


async def test_metrics_carry_no_workshop_ids_by_default(server):
    created, fac = await create_workshop(server)
    status, text = get_metrics(server)
    assert status == 200 and "detente_events_total" in text
    assert created["workshop"] not in text


async def test_workshop_labels_only_when_asked_for(server_with):
    server = server_with(DETENTE_METRICS_WORKSHOP_LABELS="1")
    created, fac = await create_workshop(server)
    assert created["workshop"] in get_metrics(server)[1]


def test_an_unusable_setting_stops_the_server_naming_the_variable(tmp_path):
    server = Server(env={"DETENTE_METRICS_WORKSHOP_LABELS": "yes"})
    with pytest.raises(RuntimeError) as failed:
        server.start()
    assert "DETENTE_METRICS_WORKSHOP_LABELS" in str(failed.value)
