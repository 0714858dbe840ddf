"""The bot's own environment, its trained model, and a whole running stack (API, action server, Rasa)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from stackwise import bot as botrun
from stackwise.settings import Settings
from stackwise.supervisor import healthy


@pytest.fixture(scope="session")
def bot_settings() -> Settings:
    settings = Settings()
    if not (settings.bot_venv / "bin" / "rasa").exists():
        pytest.skip(f"the bot environment is missing ({settings.bot_venv}); `make test` creates it")
    return settings


@pytest.fixture(scope="session")
def bot_model(bot_settings: Settings) -> Path:
    return botrun.ensure_model(bot_settings)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Stack:
    api: str
    rasa: str
    token: str

    def say(self, sender: str, text: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as r:
            return list(json.load(r))

    def tracker(self, sender: str) -> dict:
        with urllib.request.urlopen(f"{self.rasa}/conversations/{sender}/tracker?token={self.token}", timeout=30) as r:
            return dict(json.load(r))

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.api + path, timeout=30) as r:
            return dict(json.load(r))


@pytest.fixture(scope="session")
def stack(bot_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """`stackwise up` as a user runs it, on free ports and a fresh data directory."""
    data = tmp_path_factory.mktemp("stack")
    ports = {
        "STACKWISE_PORT": _free_port(),
        "STACKWISE_RASA_PORT": _free_port(),
        "STACKWISE_ACTIONS_PORT": _free_port(),
    }
    token = "test-token"
    env = {
        **os.environ,
        "STACKWISE_DATA_DIR": str(data),
        "STACKWISE_RASA_TOKEN": token,
        **{k: str(v) for k, v in ports.items()},
    }
    log = (data / "up.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stackwise.cli", "up"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    rasa = f"http://127.0.0.1:{ports['STACKWISE_RASA_PORT']}"
    api = f"http://127.0.0.1:{ports['STACKWISE_PORT']}"
    deadline = time.monotonic() + 900
    try:
        while not (healthy(rasa + "/") and healthy(api + "/readyz")):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"stackwise up did not start; see {data / 'up.log'}:\n{(data / 'up.log').read_text()[-3000:]}"
                )
            time.sleep(2)
        yield Stack(api=api, rasa=rasa, token=token)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
