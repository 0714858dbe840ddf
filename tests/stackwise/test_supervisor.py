"""The supervisor leaves nothing behind however it ends, names a busy port and who holds it, and never takes a
stranger answering on a service's port for the server it started. Small Python servers stand in for the real ones
(tests/integration/test_stop_and_restart.py does the same with the whole stack)."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from stackwise.devstack import free_ports
from stackwise.supervisor import Port, ServiceSpec, StartFailed, Supervisor, busy_ports, port_free, spawn

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")

# A server that starts a grandchild in its group, answers 200 on /, and on SIGTERM writes a marker and exits;
# "stubborn" ignores SIGTERM, so only SIGKILL ends it.
SERVER = """
import http.server, pathlib, signal, subprocess, sys
port, mode, marker = int(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
def graceful(*_):
    marker.write_text("terminated")
    raise SystemExit(0)
signal.signal(signal.SIGTERM, signal.SIG_IGN if mode == "stubborn" else graceful)
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Ok).serve_forever()
"""

# Runs a Supervisor over two such servers, printing the servers' pids once both are up, as `stackwise up` does.
DRIVER = """
import json, sys
from pathlib import Path
from stackwise.supervisor import Port, ServiceSpec, Supervisor
server, work, ports = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
specs = [
    ServiceSpec(mode, [sys.executable, server, str(port), mode, str(work / f"{mode}.stopped")],
                f"http://127.0.0.1:{port}/", port=Port(port, f"PORT_{mode.upper()}", "127.0.0.1"), startup_seconds=60)
    for mode, port in ports.items()
]
supervisor = Supervisor(specs, work / "logs")
ready = lambda: print(json.dumps({name: proc.pid for name, proc in supervisor.procs.items()}), flush=True)
sys.exit(supervisor.run(lambda line: None, ready))
"""


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _sessions(leaders: dict[str, int]) -> set[int]:
    """Every live process in the servers' sessions: the servers and their grandchildren."""
    found = set()
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) in leaders.values():
                found.add(proc.pid)
        except OSError:
            continue
    return found


def _gone_within(seconds: float, pids: set[int], ports: list[int]) -> tuple[set[int], list[int]]:
    deadline = time.monotonic() + seconds
    while True:
        alive = {p for p in pids if _alive(p)}
        busy = [p for p in ports if not port_free(Port(p, "", "127.0.0.1"))]
        if (not alive and not busy) or time.monotonic() > deadline:
            return alive, busy
        time.sleep(0.2)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, int], dict[str, int]]]:
    (tmp_path / "server.py").write_text(SERVER)
    (tmp_path / "driver.py").write_text(DRIVER)
    ports = dict(zip(("graceful", "stubborn"), free_ports(2), strict=True))
    driver = subprocess.Popen(
        [sys.executable, str(tmp_path / "driver.py"), str(tmp_path / "server.py"), str(tmp_path), json.dumps(ports)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert driver.stdout is not None
    leaders = json.loads(driver.stdout.readline())
    yield driver, leaders, ports
    if driver.poll() is None:
        driver.kill()
    for pid in _sessions(leaders):  # whatever a failed test left
        os.kill(pid, signal.SIGKILL)


def test_a_supervisor_killed_with_sigkill_leaves_no_server_behind(running, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    driver, leaders, ports = running
    pids = _sessions(leaders)
    assert len(pids) == 4  # two servers, each with a grandchild
    driver.send_signal(signal.SIGKILL)
    driver.wait(timeout=10)
    alive, busy = _gone_within(10, pids, list(ports.values()))
    assert alive == set() and busy == []
    assert (tmp_path / "graceful.stopped").read_text() == "terminated"  # asked with SIGTERM first


def test_a_supervisor_stopped_with_sigterm_stops_its_servers_and_exits_0(running, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    driver, leaders, ports = running
    pids = _sessions(leaders)
    driver.send_signal(signal.SIGTERM)
    assert driver.wait(timeout=30) == 0
    alive, busy = _gone_within(2, pids, list(ports.values()))
    assert alive == set() and busy == []  # the stubborn one too: SIGKILL after the grace period
    assert (tmp_path / "graceful.stopped").read_text() == "terminated"


@pytest.fixture
def occupied() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_a_busy_port_is_named_with_its_holder_and_the_setting_that_moves_it(occupied: int, tmp_path: Path) -> None:
    [line] = busy_ports([("actions", Port(occupied, "STACKWISE_ACTIONS_PORT", "127.0.0.1"))])
    assert f"port {occupied} (Stackwise's actions server)" in line and "STACKWISE_ACTIONS_PORT" in line
    assert f"pid {os.getpid()} (" in line  # this test process holds it
    spec = ServiceSpec("actions", [sys.executable, "-c", "pass"], "http://127.0.0.1:1/", port=Port(occupied, "X"))
    supervisor = Supervisor([spec], tmp_path / "logs")
    with pytest.raises(StartFailed, match=f"port {occupied}"):
        supervisor.start()
    assert supervisor.procs == {}  # nothing was started
    assert busy_ports([("free", Port(free_ports(1)[0], "Y", "127.0.0.1"))]) == []


def test_a_stranger_answering_on_the_port_is_not_taken_for_our_server(tmp_path: Path) -> None:
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    stranger = http.server.HTTPServer(("127.0.0.1", 0), Ok)
    port = int(stranger.server_address[1])
    threading.Thread(target=stranger.serve_forever, daemon=True).start()
    try:
        spec = ServiceSpec(
            "actions", [sys.executable, "-c", "import time; time.sleep(60)"], f"http://127.0.0.1:{port}/",
            port=Port(port, "STACKWISE_ACTIONS_PORT", "127.0.0.1"), startup_seconds=20,
        )  # fmt: skip
        supervisor = Supervisor([spec], tmp_path / "logs")
        (tmp_path / "logs").mkdir()
        with (tmp_path / "logs" / "actions.log").open("ab") as log:
            supervisor.procs["actions"] = spawn(spec.command, log)  # started, but it never listens
        with pytest.raises(StartFailed, match=rf"port {port} answers, but from pid {os.getpid()} "):
            supervisor._wait(spec, lambda line: None)
    finally:
        stranger.shutdown()
        supervisor.stop()


def test_stackwise_up_refuses_a_busy_port_before_preparing_anything(occupied: int, tmp_path: Path) -> None:
    api, rasa = free_ports(2)
    env = {
        **os.environ,
        "STACKWISE_DATA_DIR": str(tmp_path / "data"),
        "STACKWISE_PORT": str(api),
        "STACKWISE_RASA_PORT": str(rasa),
        "STACKWISE_ACTIONS_PORT": str(occupied),
    }
    done = subprocess.run(
        [sys.executable, "-m", "stackwise.cli", "up"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert f"port {occupied}" in done.stderr and "STACKWISE_ACTIONS_PORT" in done.stderr
    assert f"pid {os.getpid()}" in done.stderr
    assert not (tmp_path / "data" / "index").exists()  # refused before any preparation
