"""`stackwise up`: prepare what is slow (ESCO vectors, index) with progress bars, then start the services,
wait until each is healthy, print where to open them, and stop them all however the supervisor ends.

Three guards keep a stopped Stackwise from leaving servers behind (a stale server answers the next start's health
check and holds its port):
- every child asks the kernel for SIGTERM when the supervisor dies (Linux `PR_SET_PDEATHSIG`), so even a SIGKILL
  of the supervisor reaches them;
- a small reaper process (`stackwise.reaper`) learns each child's process group and, when the supervisor is gone,
  stops the groups it left (grandchildren included), SIGKILL after a grace period;
- the supervisor itself stops the groups on Ctrl-C, SIGTERM, SIGHUP or a failed start (SIGTERM, a bounded wait,
  then SIGKILL).
Before starting, every port is checked; readiness counts only when the process listening on the port belongs to
the child we started, never a stranger that happens to answer."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

import psutil

GRACE_SECONDS = 6.0  # how long a SIGTERM'd server may take before SIGKILL
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Port:
    """A port a service listens on, and the setting that moves it (named in the busy-port message)."""

    number: int
    setting: str
    host: str = "0.0.0.0"  # Rasa and its action server listen on every interface


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    command: Sequence[str]
    health_url: str
    open_url: str | None = None
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    startup_seconds: float = 180.0
    port: Port | None = None


class StartFailed(RuntimeError):
    pass


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


# -- ports -------------------------------------------------------------------------------------------------------


def listeners(number: int) -> list[int | None] | None:
    """The pids listening on a TCP port (None for one the system will not name, e.g. another user's); None when
    the system will not list connections at all (macOS without root: the port is still probed by binding)."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        return None
    return [c.pid for c in connections if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == number]


def describe(pid: int | None) -> str:
    if pid is None:
        return "a process this user cannot see (run `ss -ltnp` as root to name it)"
    try:
        command = " ".join(psutil.Process(pid).cmdline()) or psutil.Process(pid).name()
    except psutil.Error:
        return f"pid {pid}"
    return f"pid {pid} ({command[:160]})"


def port_free(port: Port) -> bool:
    """Whether a server could listen on the port now (a connection lingering in TIME_WAIT does not count)."""
    family = socket.AF_INET6 if ":" in port.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((port.host, port.number))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def busy_ports(named: Iterable[tuple[str, Port]]) -> list[str]:
    """One line per port already taken: the port, who holds it and the setting that moves ours."""
    problems = []
    for name, port in named:
        if port_free(port):
            continue
        holders = ", ".join(describe(pid) for pid in sorted(set(listeners(port.number) or []), key=lambda p: p or 0))
        problems.append(
            f"port {port.number} (Stackwise's {name} server) is already in use by {holders or 'another program'}: "
            f"stop that program, or move the {name} server with {port.setting}=<free port>"
        )
    return problems


def _owned_by(session: int, number: int) -> bool | None:
    """Whether the port's listener runs in the child's session (None: the system will not tell)."""
    pids = listeners(number)
    if pids is None:
        return None
    for pid in pids:
        if pid is None:
            continue
        with contextlib.suppress(OSError):
            if os.getsid(pid) == session:
                return True
    return False


# -- children ----------------------------------------------------------------------------------------------------


@cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return libc.prctl  # type: ignore[no-any-return]


def die_with_parent() -> Callable[[], None] | None:
    """A preexec function: the child gets SIGTERM when the process that started it dies, however it dies."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return preexec


def spawn(
    command: Sequence[str], log: IO[bytes], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group (so it and its children stop together) that dies with us."""
    return subprocess.Popen(
        list(command),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # Safe with threads about: the function only calls prctl and getppid, no lock in Python or libc.
        preexec_fn=die_with_parent(),
    )


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_groups(pgids: Iterable[int], grace: float = GRACE_SECONDS, reap: Callable[[], None] | None = None) -> None:
    """SIGTERM each process group, wait up to `grace` seconds for all to go, then SIGKILL what is left."""
    pgids = list(pgids)
    for pgid in pgids:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if reap:
            reap()
        if not any(group_alive(p) for p in pgids):
            return
        time.sleep(0.1)
    for pgid in pgids:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


class Reaper:
    """The process that outlives a killed supervisor just long enough to stop the groups it left."""

    def __init__(self) -> None:
        self._pipe: int | None = None

    def start(self) -> None:
        read_end, self._pipe = os.pipe()  # neither end is inherited by the servers
        with open(os.devnull, "wb") as devnull:
            subprocess.Popen(
                [sys.executable, "-m", "stackwise.reaper", str(GRACE_SECONDS)],
                stdin=read_end,
                stdout=devnull,
                stderr=devnull,
                start_new_session=True,  # a Ctrl-C or a kill of our process group must not take it with us
            )
        os.close(read_end)

    def watch(self, pgid: int) -> None:
        self._send(f"+{pgid}\n")

    def forget(self, pgid: int) -> None:
        self._send(f"-{pgid}\n")

    def close(self) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None

    def _send(self, line: str) -> None:
        if self._pipe is not None:
            with contextlib.suppress(BrokenPipeError):
                os.write(self._pipe, line.encode())


def _stop_on_signals() -> None:
    """SIGTERM, SIGINT and SIGHUP raise KeyboardInterrupt, so the servers are stopped as on Ctrl-C. SIGINT
    explicitly too: a shell that starts us in the background leaves it ignored, and `kill -INT` then did nothing.
    SIGHUP: the terminal that ran `make run` was closed."""

    def terminate(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, terminate)


class Supervisor:
    def __init__(self, specs: Sequence[ServiceSpec], log_dir: Path) -> None:
        self.specs = list(specs)
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.reaper = Reaper()

    def start(self, say: Callable[[str], object] = print) -> None:
        """Start every service and wait until each is up; from here on a stop signal raises KeyboardInterrupt."""
        problems = busy_ports((s.name, s.port) for s in self.specs if s.port)
        if problems:
            raise StartFailed("\n".join(problems))
        _stop_on_signals()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.reaper.start()
        for spec in self.specs:
            with (self.log_dir / f"{spec.name}.log").open("ab") as log:
                proc = spawn(spec.command, log, spec.cwd, spec.env)
            self.procs[spec.name] = proc
            self.reaper.watch(proc.pid)
        for spec in self.specs:
            self._wait(spec, say)

    def _wait(self, spec: ServiceSpec, say: Callable[[str], object]) -> None:
        deadline = time.monotonic() + spec.startup_seconds
        proc = self.procs[spec.name]
        log = self.log_dir / f"{spec.name}.log"
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StartFailed(f"{spec.name} exited with code {proc.returncode}; see {log}")
            if healthy(spec.health_url):
                owned = _owned_by(proc.pid, spec.port.number) if spec.port else None
                if owned is False and spec.port and not port_free(spec.port):
                    holders = ", ".join(describe(p) for p in listeners(spec.port.number) or [])
                    raise StartFailed(
                        f"{spec.name}: port {spec.port.number} answers, but from {holders or 'another program'}, "
                        f"not the {spec.name} server Stackwise started; stop it or set {spec.port.setting}"
                    )
                if owned is not False:
                    say(f"{spec.name} is up ({spec.health_url})")
                    return
            time.sleep(1)
        raise StartFailed(f"{spec.name} did not become healthy in {spec.startup_seconds:.0f}s; see {log}")

    def run(self, say: Callable[[str], object] = print, ready: Callable[[], object] = lambda: None) -> int:
        """Start every service, call `ready` once all are up, then watch them until a stop signal (exit 0) or a
        service ends (its exit code). Everything is stopped at the end, however it ends; StartFailed says why a
        start failed."""
        try:
            self.start(say)
            ready()
            while True:
                for name, proc in self.procs.items():
                    if proc.poll() is not None:
                        print(f"{name} stopped (exit {proc.returncode}); stopping the rest.", file=sys.stderr)
                        return proc.returncode or 1
                time.sleep(1)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()

    def stop(self) -> None:
        def reap() -> None:
            for proc in self.procs.values():
                proc.poll()

        stop_groups([p.pid for p in self.procs.values()], reap=reap)
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            if not group_alive(proc.pid):
                self.reaper.forget(proc.pid)
        self.reaper.close()
