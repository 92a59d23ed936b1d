"""What every benchmark part shares: ports, processes pinned to a CPU, the C load client, a Detente
server in a fresh folder, workshops set up through the real protocol, medians and failures."""
import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORGANISER = "bench-organiser-token-0123456789abcdef"
SERVER_CPU, CLIENT_CPU = "0", "1"
FD_LIMIT = 65536
PROFILE = {"dir": None}  # run.py --profile DIR: every Detente server is sampled by `perf record`


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} never opened")


def raise_fd_limit():
    """10,000 connections need more than the usual 1,024 descriptors, in us and in our children."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = FD_LIMIT if hard == resource.RLIM_INFINITY else min(FD_LIMIT, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def pinned(cpu, argv):
    return ["taskset", "-c", cpu, *argv]


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User + system CPU time the process has used so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values):
    return statistics.median(values) if values else None


def load(tools, timeout=180, **kw):
    """Runs the C load client on the client CPU; returns its JSON result (a failure is a result)."""
    args = [f"{tools}/wsload"]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    try:
        out = subprocess.run(pinned(CLIENT_CPU, args), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failed": f"load client still running after {timeout} s"}
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return {"failed": f"load client exited {out.returncode}: {out.stderr.strip()[:200]}"}
    return json.loads(lines[-1])


WRITE_SYSCALLS = ["sendto", "sendmsg", "write", "writev"]


def load_counting_syscalls(tools, pid, timeout=180, **kw):
    """Like load(), and counts the server's write-type syscalls during the measured phase only
    (from the load client's --ready-file to its end) with perf's syscall tracepoints."""
    ready = os.path.join(tempfile.mkdtemp(), "ready")
    stats = ready + ".perf"
    args = [f"{tools}/wsload", "--ready-file", ready]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    client = subprocess.Popen(pinned(CLIENT_CPU, args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not os.path.exists(ready) and client.poll() is None:
        time.sleep(0.01)
    events = ",".join(f"syscalls:sys_enter_{n}" for n in WRITE_SYSCALLS)
    perf = subprocess.Popen(["perf", "stat", "-x", ",", "-e", events, "-p", str(pid), "-o", stats],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if client.poll() is None else None
    try:
        out, err = client.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        client.kill()
        out, err = "", "timed out"
    counts = {}
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=30)
        for line in open(stats):
            parts = line.strip().split(",")
            if len(parts) > 2 and parts[2].startswith("syscalls:sys_enter_") and parts[0].isdigit():
                counts[parts[2].rsplit("_", 1)[-1]] = int(parts[0])
    lines = out.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {"failed": f"load client: {err.strip()[:200]}"}
    if counts:
        result["write_syscalls"] = counts
        total = sum(counts.values())
        if result.get("delivered"):
            result["write_syscalls_per_delivery"] = total / result["delivered"]
    return result


def failed(result):
    return bool(result.get("failed"))


# Every bench load comes from 127.0.0.1, one load client: the per-address and per-seat abuse
# limits (docs/PROTOCOL.md, Limits) would refuse it, so every bench server lifts them.
LOAD_CLIENT_LIMITS = {"DETENTE_MAX_CONNECTIONS_PER_ADDRESS": "100000", "DETENTE_JOIN_BURST": "100000",
                      "DETENTE_JOIN_RATE": "100000", "DETENTE_SEAT_BURST": "100000", "DETENTE_SEAT_RATE": "100000"}


class Detente:
    """A release server in a fresh sessions folder on the server CPU, abuse limits lifted."""

    def __init__(self, binary, extra=(), sessions=None, env=None, keep=False, cpus=SERVER_CPU):
        self.port = free_port()
        self.dir = sessions or tempfile.mkdtemp(prefix="detente-bench-")
        self.keep = keep
        environment = dict(os.environ, DETENTE_ORGANISER_TOKEN=ORGANISER, DETENTE_LOG_LEVEL="warning", **{**LOAD_CLIENT_LIMITS, **(env or {})})
        self.started_at = time.time()
        self.log = open(os.path.join(tempfile.gettempdir(), f"detente-bench-{self.port}.log"), "wb")
        self.proc = subprocess.Popen(pinned(cpus, [binary, "serve", "--port", str(self.port), "--sessions", self.dir,
                                                         "--public", os.path.join(ROOT, "Public"), *extra]),
                                     stdout=subprocess.DEVNULL, stderr=self.log, env=environment)
        self.wait_healthy()
        self.perf = self.start_profile()

    def start_profile(self):
        if not PROFILE["dir"]:
            return None
        os.makedirs(PROFILE["dir"], exist_ok=True)
        out = os.path.join(PROFILE["dir"], f"detente-{time.strftime('%H%M%S')}-{self.port}.data")
        return subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-p", str(self.proc.pid), "-o", out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_healthy(self, timeout=600):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"detente exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        self.ready_seconds = time.time() - self.started_at
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("detente never became healthy")

    def metrics(self):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10).read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        return values

    def fsync_stats(self):
        """The journal's fsync histogram so far: a slow disk shows here, not in the server's code."""
        values = {k: v for k, v in self.metrics().items() if k.startswith("detente_journal_fsync_seconds")}
        count = values.get("detente_journal_fsync_seconds_count", 0)
        return {"count": int(count), "mean_ms": 1000 * values.get("detente_journal_fsync_seconds_sum", 0) / count if count else 0,
                "over_100ms": int(count - values.get('detente_journal_fsync_seconds_bucket{le="0.1"}', count)),
                "over_1s": int(count - values.get('detente_journal_fsync_seconds_bucket{le="1.0"}', count))}

    def stop(self):
        if self.perf:
            self.perf.send_signal(signal.SIGINT)
            self.perf.wait(timeout=60)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class Reference:
    """A peer broadcaster (C, Python or Hummingbird) on the server CPU."""

    def __init__(self, name, argv):
        self.name = name
        self.port = free_port()
        self.proc = subprocess.Popen(pinned(SERVER_CPU, [*argv, str(self.port)]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def _ws(port):
    import websockets
    return websockets.connect(f"ws://127.0.0.1:{port}/ws", subprotocols=["detente.v1"], max_queue=None, open_timeout=60,
                              ping_interval=None, max_size=None)


async def _request(port, message, until):
    async with await _ws(port) as ws:
        await ws.send(json.dumps(message))
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "error":
                raise RuntimeError(f"{message['type']}: {frame}")
            if frame["type"] == until:
                return frame


async def create_workshop(port, departments=("dev", "ops")):
    return await _request(port, {"type": "create", "organiser_token": ORGANISER, "title": "bench", "departments": list(departments), "k": 1},
                          "created")


async def join_all(port, code, count, departments=("dev", "ops"), concurrency=64, prefix="P"):
    sem = asyncio.Semaphore(concurrency)

    async def join(i):
        async with sem:
            msg = {"type": "join", "code": code, "name": f"{prefix}{i}", "department": departments[i % len(departments)]}
            return (await _request(port, msg, "joined"))["token"]
    return await asyncio.gather(*[join(i) for i in range(count)])


async def facilitate(port, token, commands, settle=0.2):
    """Sends the facilitator's commands in order, each after the previous one's ack. Waits for
    the welcome first: a command sent right behind `hello` can be refused as `unauthorised`."""
    async with await _ws(port) as ws:
        await ws.send(json.dumps({"type": "hello", "token": token, "ref": "hello"}))
        while json.loads(await ws.recv()).get("type") != "welcome":
            pass
        for i, msg in enumerate(commands):
            await ws.send(json.dumps({**msg, "ref": f"f{i}"}))
            while True:
                frame = json.loads(await ws.recv())
                if frame.get("ref") == f"f{i}":
                    if frame["type"] == "error":
                        raise RuntimeError(f"{msg}: {frame}")
                    break
        await asyncio.sleep(settle)


OPEN_TIMER = [{"type": "advance"}, {"type": "advance"}, {"type": "timer", "action": "start", "seconds": 3600}]


async def setup_workshop(port, participants, departments=("dev", "ops"), commands=OPEN_TIMER):
    """A workshop in the outmodel phase with its timer running, and its participants' tokens."""
    created = await create_workshop(port, departments)
    tokens = await join_all(port, created["code"], participants, departments)
    await facilitate(port, created["facilitator_token"], commands)
    return created, tokens


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def build_tools(out):
    os.makedirs(out, exist_ok=True)
    subprocess.run(["cc", "-O2", "-o", f"{out}/wsload", f"{HERE}/wsload.c", "-lm"], check=True)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libwebsockets"], capture_output=True, text=True, check=True).stdout.split()
    subprocess.run(["cc", "-O2", "-o", f"{out}/lws_broadcast", f"{HERE}/lws_broadcast.c", *flags], check=True)


def build_hummingbird():
    """Builds the Hummingbird broadcaster once (release); later runs reuse the binary."""
    package = os.path.join(HERE, "hummingbird", "broadcaster")
    scratch = os.path.join(HERE, ".build-hb")
    binary = os.path.join(scratch, "release", "hb_broadcast")
    sources = [os.path.join(d, f) for d, _, fs in os.walk(package) for f in fs]
    if os.path.exists(binary) and all(os.path.getmtime(s) <= os.path.getmtime(binary) for s in sources):
        return binary
    print("building the Hummingbird broadcaster (first time only, several minutes)...", flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--package-path", package, "--scratch-path", scratch], check=True,
                   stdout=subprocess.DEVNULL)
    return binary


def log(text):
    print(text, flush=True)
    sys.stdout.flush()
