"""A whole Stackwise started the way a user starts it (`stackwise up`), on free loopback ports and its own data
directory: what end-to-end tests and benchmarks talk to."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackwise.settings import Settings
from stackwise.supervisor import healthy, spawn


def free_ports(count: int) -> list[int]:
    """Ports free now, all different: each is held open until the last is chosen."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]


def free_port() -> int:
    return free_ports(1)[0]


def replies_text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def has_recommendations(text: str) -> bool:
    return "Why:" in text  # every listed option comes with its reason


def scripted_answer(question: str, skills: str = "skip") -> str:
    """What a learner replies to whatever the bot asked, for scripted conversations."""
    if "Right?" in question:
        return "yes"
    if "limits" in question:
        return "no limits"
    if "already know" in question:
        return skills
    return "show me courses"


class StackFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class LocalStack:
    api: str
    rasa: str
    token: str
    data_dir: Path
    pid: int | None = None  # the `stackwise up` process; the services are its children
    ports: dict[str, int] = field(default_factory=dict)  # setting name -> port, as the stack was started with

    def say(self, sender: str, text: str, timeout: float = 60) -> list[dict[str, Any]]:
        """One user turn over Rasa's REST channel; the bot's replies."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return list(json.load(r))

    def slots(self, sender: str) -> dict[str, Any]:
        url = f"{self.rasa}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as r:
            return dict(json.load(r)["slots"])

    @property
    def console_key(self) -> str:
        """The local admin key `stackwise up` made for the adviser console and provider view."""
        return Settings(data_dir=self.data_dir).console_key_path.read_text().strip()

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.api + path, timeout=30) as r:
            return json.load(r)


@contextmanager
def local_stack(
    data_dir: Path, env: Mapping[str, str] | None = None, timeout: float = 900, bot: bool = True
) -> Iterator[LocalStack]:
    """Runs `stackwise up` until the API (and Rasa, with the bot) answer; stops everything it started on exit."""
    names = ("STACKWISE_PORT", "STACKWISE_RASA_PORT", "STACKWISE_ACTIONS_PORT")
    ports = {name: int((env or {}).get(name) or port) for name, port in zip(names, free_ports(3), strict=True)}
    token = "local-stack-token"
    full_env = {
        **os.environ,
        "STACKWISE_DATA_DIR": str(data_dir),
        "STACKWISE_RASA_TOKEN": token,
        **{k: str(v) for k, v in ports.items()},
        # the widget page is served by the API and talks to Rasa on its own port
        "STACKWISE_BOT_PUBLIC_URL": f"http://127.0.0.1:{ports['STACKWISE_RASA_PORT']}",
        "STACKWISE_CORS_ORIGINS": json.dumps(
            [f"http://{host}:{ports['STACKWISE_PORT']}" for host in ("127.0.0.1", "localhost")]
        ),
        **(env or {}),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    esco = Settings().esco_cache_dir  # the checkout's ESCO default and parsed vocabulary: reuse, don't rebuild
    if esco.exists() and not (data_dir / "esco").exists():
        (data_dir / "esco").symlink_to(esco.resolve(), target_is_directory=True)
    log_path = data_dir / "up.log"
    with log_path.open("wb") as log:  # dies with the test run, however it ends
        proc = spawn([sys.executable, "-m", "stackwise.cli", "up", "--bot" if bot else "--no-bot"], log, env=full_env)
    stack = LocalStack(
        api=f"http://127.0.0.1:{ports['STACKWISE_PORT']}",
        rasa=f"http://127.0.0.1:{ports['STACKWISE_RASA_PORT']}",
        token=token,
        data_dir=data_dir,
        pid=proc.pid,
        ports=ports,
    )
    try:
        deadline = time.monotonic() + timeout
        while not ((not bot or healthy(stack.rasa + "/")) and healthy(stack.api + "/readyz")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise StackFailed(f"stackwise up did not start; its log ({log_path}):\n{log_path.read_text()[-3000:]}")
            time.sleep(2)
        yield stack
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
