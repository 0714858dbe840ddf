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


# The profile form's questions, as the tracker names them (`requested_slot`), in the order the bot asks them.
PROFILE_QUESTIONS = ("goal", "skills", "skills_confirmed", "constraints")
# What a scripted learner says when their script has no answer of its own: to each profile question, and
# ("recommend") when the bot asks nothing and has listed nothing yet. English; a script in another language gives
# its own answers (`scripted_answer(slots, answers)`).
ENGLISH_ANSWERS: dict[str, str] = {
    "goal": "I want to become a data analyst",
    "skills": "skip",
    "skills_confirmed": "yes",
    "constraints": "no limits",
    "recommend": "show me courses",
}


def asked(slots: Mapping[str, Any]) -> str | None:
    """The profile question the bot is waiting for, read from the tracker's slots, whatever the language: one of
    PROFILE_QUESTIONS, "recommend" when no question is open and nothing has been listed yet (the bot greeted, or
    its form ended with no results), None when recommendations are listed."""
    question = slots.get("requested_slot")
    if question in PROFILE_QUESTIONS:
        return str(question)
    if slots.get("last_results"):
        return None
    return "goal" if not slots.get("goal") else "recommend"


def has_recommendations(state: Mapping[str, Any] | str) -> bool:
    """Whether the bot has listed recommendations. Given the tracker's slots (`LocalStack.slots`): `last_results`
    holds what was listed, in any language. Given a reply text (callers that only see replies, such as the load
    benchmarks): English only, every listed option comes with its "Why:"."""
    if isinstance(state, str):
        return "Why:" in state
    return bool(state.get("last_results"))


def scripted_answer(
    state: Mapping[str, Any] | str, skills: str = "skip", answers: Mapping[str, str] | None = None
) -> str:
    """What a scripted learner replies to whatever the bot asked.

    Given the tracker's slots, the question is `requested_slot` (see `asked`) and the answer is the learner's own
    for that question (`answers`: goal, skills, skills_confirmed, constraints, recommend), so a Thai learner
    answers in Thai; what `answers` leaves out is answered in English (ENGLISH_ANSWERS, `skills` for skills).
    Given the bot's reply text instead: English question words, for callers that only see replies."""
    own = {**ENGLISH_ANSWERS, "skills": skills, **(answers or {})}
    if isinstance(state, str):
        if "Right?" in state:
            return own["skills_confirmed"]
        if "limits" in state:
            return own["constraints"]
        if "already know" in state:
            return own["skills"]
        return own["recommend"]
    return own[asked(state) or "recommend"]


def spoken_part(text: str) -> str:
    """The bot's own words in one reply, for telling the language it speaks: the first line, up to a colon. What
    comes after (the options' titles, the closest matches, the skills and limits it read back) quotes catalogs and
    the learner, whatever the conversation's language."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line.split(":", 1)[0].strip()


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
