"""`stackwise up`: prepare what is slow (ESCO vectors, index) with progress bars, then start the services,
wait until each is healthy, print where to open them, and stop them all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    command: Sequence[str]
    health_url: str
    open_url: str | None = None
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    startup_seconds: float = 180.0


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


class Supervisor:
    def __init__(self, specs: Sequence[ServiceSpec], log_dir: Path) -> None:
        self.specs = list(specs)
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, say: object = print) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for spec in self.specs:
            log = (self.log_dir / f"{spec.name}.log").open("ab")
            self.procs[spec.name] = subprocess.Popen(
                list(spec.command),
                cwd=spec.cwd,
                env={**os.environ, **spec.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        for spec in self.specs:
            self._wait(spec, say)

    def _wait(self, spec: ServiceSpec, say: object) -> None:
        deadline = time.monotonic() + spec.startup_seconds
        proc = self.procs[spec.name]
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{spec.name} exited with code {proc.returncode}; see {self.log_dir / (spec.name + '.log')}"
                )
            if healthy(spec.health_url):
                say(f"{spec.name} is up ({spec.health_url})")  # type: ignore[operator]
                return
            time.sleep(1)
        raise RuntimeError(
            f"{spec.name} did not become healthy in {spec.startup_seconds:.0f}s; see {self.log_dir / (spec.name + '.log')}"
        )

    def wait_forever(self) -> int:
        def terminate(_signum: int, _frame: object) -> None:
            raise KeyboardInterrupt  # stop the children too, as on Ctrl-C

        signal.signal(signal.SIGTERM, terminate)
        # Explicitly too: a shell that starts us in the background leaves SIGINT ignored, and `kill -INT` then did
        # nothing.
        signal.signal(signal.SIGINT, terminate)
        try:
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
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
