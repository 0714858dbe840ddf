"""Latency of a full bot turn over Rasa's REST channel: message in -> replies with recommendations out.

Starts the whole stack (`stackwise up`: API, action server, Rasa) on free ports, has scripted but varied
conversations, and times every turn whose reply carries recommendations (profile completion, refinements, new
requests). Target on 2 cores: p95 <= 500 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from common import print_table

from stackwise import bot as botrun
from stackwise.devstack import has_recommendations, local_stack, replies_text, scripted_answer
from stackwise.settings import Settings

OPENERS = [
    "Hi, I'm a nurse and want to move into health data analysis, I know basic Excel, can spend 4 hours a week "
    "and max 300 euros",
    "I run a palm-oil smallholding and want to move into sustainability consulting; I know Excel; 5 h a week; "
    "under 500 EUR; online",
    "i am accountant, want to become data analyst, know excel and some SQL, budget 800 euro",
    "I'm a teacher and I'd like to learn digital marketing, I use social media a lot, max 6 hours per week",
    "want to get into cloud engineering, I know Linux and networking, online only, under 1000 dollars",
]
FOLLOW_UPS = ["only online ones", "cheaper please", "show me other options", "in English", "something shorter"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args()
    botrun.ensure_model(Settings())
    timed: list[float] = []
    every: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, local_stack(Path(tmp) / "data") as stack:
        stack.say("warm-up", OPENERS[0])

        def turn(sender: str, message: str) -> str:
            t0 = time.perf_counter()
            text = replies_text(stack.say(sender, message))
            elapsed = time.perf_counter() - t0
            every.append(elapsed)
            if has_recommendations(text):
                timed.append(elapsed)
            return text

        for n in range(args.conversations):
            sender = f"bench-{uuid.uuid4().hex[:8]}"
            text = turn(sender, OPENERS[n % len(OPENERS)])
            for _ in range(4):
                if has_recommendations(text):
                    break
                text = turn(sender, scripted_answer(text))
            for follow_up in FOLLOW_UPS[: 2 + n % 4]:
                turn(sender, follow_up)
    rows = []
    for label, values in (("turns with recommendations", timed), ("every turn", every)):
        ms = np.asarray(values) * 1000
        rows.append(
            [label, len(values), f"{np.percentile(ms, 50):.0f}", f"{np.percentile(ms, 95):.0f}", f"{ms.max():.0f}"]
        )
    print_table(
        "Bot turn over the REST channel, message in -> replies out (2 cores; target p95 <= 500 ms)",
        ["turns", "count", "p50 ms", "p95 ms", "max ms"],
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
