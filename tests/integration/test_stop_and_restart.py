"""The whole stack as `make run` starts it: a SIGKILL of `stackwise up` leaves no server behind, and the next start
on the same ports comes up normally."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from stackwise.devstack import StackFailed, local_stack
from stackwise.supervisor import Port, healthy, port_free


def _free_within(seconds: float, ports: list[int]) -> list[int]:
    deadline = time.monotonic() + seconds
    while busy := [p for p in ports if not port_free(Port(p, ""))]:
        if time.monotonic() > deadline:
            return busy
        time.sleep(0.2)
    return []


def test_a_killed_stackwise_up_leaves_nothing_listening_and_starts_again(bot_model: Path, tmp_path: Path) -> None:
    try:
        with local_stack(tmp_path / "first") as first:
            assert first.pid is not None
            os.kill(first.pid, signal.SIGKILL)
            assert _free_within(10, list(first.ports.values())) == []
            pinned = {name: str(port) for name, port in first.ports.items()}
        with local_stack(tmp_path / "second", env=pinned) as second:
            assert second.ports == first.ports
            assert healthy(second.api + "/readyz") and healthy(second.rasa + "/")
            replies = second.say("restarted", "hello")
            assert replies and replies[0].get("text")  # Rasa, the action server and the API answer together
    except StackFailed as exc:
        pytest.fail(str(exc))
