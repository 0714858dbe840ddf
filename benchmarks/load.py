"""Load: requests/s and latency of POST /v1/recommendations, and of full bot turns, at 1, 10 and 50 concurrent
learners on this machine, with the CPU each process used during each level and how busy the whole machine was,
so the tables show how throughput and latency grow and which resource runs out first.

Starts the stack once as a user does (`stackwise up`: the API with the real model and the default catalog, the
action server, one Rasa server) on free loopback ports and a temporary data directory, with the public rate
limit off. Bounded: a fixed number of requests and turns per level, a few minutes in all on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil
from bot_turns import FOLLOW_UPS, OPENERS
from common import judged_goals, print_table, run_clients

from stackwise import bot as botrun
from stackwise.devstack import has_recommendations, local_stack, replies_text, scripted_answer
from stackwise.scaletest import API_DOWN
from stackwise.settings import Settings

LEVELS = (1, 10, 50)
TURNS_PER_CONVERSATION = 4  # opener, then answers or follow-ups
SERVICES = ("api", "rasa", "actions")
SATURATED = 0.9  # share of all cores busy that counts as the CPU having run out


@dataclass
class Usage:
    """What one level cost: wall time, CPU seconds per process tree, the machine's CPU and memory."""

    wall: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    machine_busy: float = 0.0  # CPU seconds, all cores and all processes
    machine_share: float = 0.0  # of the cores' capacity over the wall time, 0..1
    memory_percent: float = 0.0

    @property
    def other(self) -> float:
        """CPU the machine spent outside the processes measured (other jobs on a shared machine)."""
        return max(0.0, self.machine_busy - sum(self.cpu.values()))


def _tree_seconds(root: psutil.Process, children: bool = True) -> float:
    """User + system CPU of a process and every descendant still running (Rasa may fork)."""
    total = 0.0
    with suppress(psutil.Error):
        for proc in [root, *(root.children(recursive=True) if children else [])]:
            with suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
    return total


def _total(times: Any) -> float:
    """All CPU seconds of psutil.cpu_times(); on Linux guest time is already inside user and nice."""
    return float(sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0))


def _busy(times: Any) -> float:
    return _total(times) - times.idle - getattr(times, "iowait", 0.0)


@contextmanager
def metered(processes: dict[str, psutil.Process]) -> Iterator[Usage]:
    """CPU used by each named process tree (and by this script, the load generator) while the block runs."""
    processes = {**processes, "client": psutil.Process()}

    def seconds(name: str) -> float:  # the stack runs as this script's children: count the client alone
        return _tree_seconds(processes[name], children=name != "client")

    usage = Usage()
    before = {name: seconds(name) for name in processes}
    machine = psutil.cpu_times()
    started = time.perf_counter()
    yield usage
    usage.wall = time.perf_counter() - started
    after = psutil.cpu_times()
    usage.cpu = {name: seconds(name) - before[name] for name in processes}
    usage.machine_busy = _busy(after) - _busy(machine)
    usage.machine_share = usage.machine_busy / max(1e-9, _total(after) - _total(machine))
    usage.memory_percent = psutil.virtual_memory().percent


def stack_processes(up_pid: int) -> dict[str, psutil.Process]:
    """The API, Rasa and action server processes `stackwise up` started, by their command lines."""
    found: dict[str, psutil.Process] = {}
    for child in psutil.Process(up_pid).children():
        command = " ".join(child.cmdline())
        if "stackwise.cli serve" in command:
            found["api"] = child
        elif " run actions" in command:
            found["actions"] = child
        elif " run --model" in command:
            found["rasa"] = child
    missing = set(SERVICES) - set(found)
    if missing:
        raise RuntimeError(f"could not find the {', '.join(sorted(missing))} process(es) under pid {up_pid}")
    return found


# -- the bot: concurrent learners over Rasa's REST channel ---------------------------------------------------


@dataclass
class Turns:
    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0  # no reply at all (error status, timeout, refused)
    catalog_down: int = 0  # the bot answered, but only that it could not reach the API
    with_recommendations: int = 0


async def _learner(http: httpx.AsyncClient, rasa: str, n: int, turns: int, out: Turns) -> None:
    """Conversations of TURNS_PER_CONVERSATION turns: an opener, answers to the bot's questions until it
    recommends, then follow-ups that make it recommend again."""
    sender, text, seen = "", "", False
    for turn in range(turns):
        k = turn % TURNS_PER_CONVERSATION
        if k == 0:
            sender, seen = f"load-{n}-{uuid.uuid4().hex[:8]}", False
            message = OPENERS[(n + turn) % len(OPENERS)]
        elif not seen:
            message = scripted_answer(text, skills="basic Excel")
        else:
            message = FOLLOW_UPS[(n + k) % len(FOLLOW_UPS)]
        began = time.perf_counter()
        try:
            r = await http.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": message})
            r.raise_for_status()
            text = replies_text(list(r.json()))
        except (httpx.HTTPError, ValueError):
            out.unanswered += 1
            text = ""
        out.latencies.append(time.perf_counter() - began)
        out.catalog_down += API_DOWN in text
        if has_recommendations(text):
            out.with_recommendations += 1
            seen = True


async def _bot_level(rasa: str, learners: int, turns: int) -> Turns:
    out = Turns()
    limits = httpx.Limits(max_connections=learners, max_keepalive_connections=learners)
    async with httpx.AsyncClient(limits=limits, timeout=180) as http:  # one connection per learner, all in flight
        await asyncio.gather(*(_learner(http, rasa, n, turns, out) for n in range(learners)))
    return out


# -- report --------------------------------------------------------------------------------------------------


def _cores(seconds: float, wall: float) -> str:
    return f"{seconds:.1f} ({seconds / wall:.2f})"


def _usage_cells(usage: Usage) -> list[object]:
    return [
        *(_cores(usage.cpu[name], usage.wall) for name in (*SERVICES, "client")),
        _cores(usage.other, usage.wall),
        f"{100 * usage.machine_share:.0f}%",
        f"{usage.memory_percent:.0f}%",
    ]


USAGE_HEADER = [
    "api CPU s (cores)",
    "rasa",
    "actions",
    "client",
    "other procs",
    "machine CPU",
    "memory",
]


def _growth(label: str, values: list[float], unit: str, fmt: Callable[[float], str]) -> str:
    steps = " -> ".join(f"{fmt(v)}" for v in values)
    factors = ", ".join(f"x{v / values[0]:.1f}" for v in values[1:]) if values[0] else "n/a"
    return f"{label} at {'/'.join(map(str, LEVELS))} learners: {steps} {unit} ({factors} vs 1 learner)"


def _saturation(name: str, usages: list[Usage]) -> str:
    """Which resource ran out first: the machine's CPUs (saying how much of them this stack used and how much
    other processes did), or one process at about one core while cores were still free; else none."""
    cores = os.cpu_count() or 1
    for level, usage in zip(LEVELS, usages, strict=True):
        used = {s: usage.cpu[s] / usage.wall for s in (*SERVICES, "client")}
        share = ", ".join(f"{s} {c:.2f}" for s, c in used.items())
        if usage.machine_share >= SATURATED:
            return (
                f"{name}: CPU saturates first, at {level} learner(s): the {cores} cores were "
                f"{100 * usage.machine_share:.0f}% busy; cores used by this stack: {share}; by other processes "
                f"{usage.other / usage.wall:.2f}"
            )
        single = [s for s in SERVICES if used[s] >= 0.9]
        if single:
            return (
                f"{name}: one process saturates first, at {level} learner(s): {', '.join(single)} at about one "
                f"core while the machine was {100 * usage.machine_share:.0f}% busy"
            )
    return f"{name}: nothing saturated (machine at most {100 * max(u.machine_share for u in usages):.0f}% busy)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-requests", type=int, nargs=3, default=[60, 200, 400], help="requests per level")
    parser.add_argument("--bot-turns", type=int, nargs=3, default=[24, 4, 4], help="turns per learner per level")
    args = parser.parse_args()
    goals = judged_goals()
    botrun.ensure_model(Settings())
    api_rows, bot_rows, api_usage, bot_usage = [], [], [], []
    api_rates, api_p95, bot_rates, bot_p95 = [], [], [], []
    with (
        tempfile.TemporaryDirectory() as tmp,
        local_stack(Path(tmp) / "data", env={"STACKWISE_RATE_LIMIT_PER_MINUTE": "0"}) as stack,
    ):
        assert stack.pid is not None
        processes = stack_processes(stack.pid)
        url = f"{stack.api}/v1/recommendations"
        run_clients(url, goals, 1, 10)  # warm up: first requests load lazily built parts
        stack.say("warm-up", OPENERS[0], timeout=120)
        for level, total in zip(LEVELS, args.api_requests, strict=True):
            with metered(processes) as usage:
                latencies, wall, failures = run_clients(url, goals, level, total)
            ms = np.asarray(latencies) * 1000
            api_rates.append(len(latencies) / wall)
            api_p95.append(float(np.percentile(ms, 95)))
            api_usage.append(usage)
            api_rows.append(
                [
                    level,
                    len(latencies),
                    f"{api_rates[-1]:.1f}",
                    f"{np.percentile(ms, 50):.0f}",
                    f"{api_p95[-1]:.0f}",
                    failures,
                    *_usage_cells(usage),
                ]
            )
            print(f"api, {level} learner(s): done in {wall:.0f} s", file=sys.stderr, flush=True)
        for level, per_learner in zip(LEVELS, args.bot_turns, strict=True):
            with metered(processes) as usage:
                turns = asyncio.run(_bot_level(stack.rasa, level, per_learner))
            ms = np.asarray(turns.latencies) * 1000
            bot_rates.append(len(turns.latencies) / usage.wall)
            bot_p95.append(float(np.percentile(ms, 95)))
            bot_usage.append(usage)
            bot_rows.append(
                [
                    level,
                    len(turns.latencies),
                    f"{bot_rates[-1]:.2f}",
                    f"{np.percentile(ms, 50):.0f}",
                    f"{bot_p95[-1]:.0f}",
                    f"{turns.unanswered} / {turns.catalog_down}",
                    turns.with_recommendations,
                    *_usage_cells(usage),
                ]
            )
            print(f"bot, {level} learner(s): done in {usage.wall:.0f} s", file=sys.stderr, flush=True)

    cores = os.cpu_count()
    print_table(
        f"POST /v1/recommendations over HTTP, real model, default catalog ({cores} cores; CPU s during the level, "
        "in brackets cores used = CPU s / wall s)",
        ["learners", "requests", "requests/s", "p50 ms", "p95 ms", "failed", *USAGE_HEADER],
        api_rows,
    )
    print_table(
        f"Bot turns over Rasa's REST channel, 1 Rasa server + action server + API ({cores} cores; "
        f"conversations of {TURNS_PER_CONVERSATION} turns)",
        [
            "learners",
            "turns",
            "turns/s",
            "p50 ms",
            "p95 ms",
            "failed (no reply / catalog down)",
            "with recs",
            *USAGE_HEADER,
        ],
        bot_rows,
    )
    print()
    print(_growth("API requests/s", api_rates, "req/s", lambda v: f"{v:.1f}"))
    print(_growth("API p95", api_p95, "ms", lambda v: f"{v:.0f}"))
    print(_growth("bot turns/s", bot_rates, "turns/s", lambda v: f"{v:.2f}"))
    print(_growth("bot turn p95", bot_p95, "ms", lambda v: f"{v:.0f}"))
    print(_saturation("API", api_usage))
    print(_saturation("bot", bot_usage))
    return 0


if __name__ == "__main__":
    sys.exit(main())
