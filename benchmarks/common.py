"""Shared set-up for benchmark scripts: settings, real model, real ESCO, HTTP load, table printing."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))


def shared_path(*parts: str) -> Path | None:
    path = SHARED.joinpath(*parts)
    return path if path.exists() else None


def judged_goals(multilingual: bool = False) -> list[str]:
    """The goals of the judged learner queries: realistic, varied request texts (English; with `multilingual`, those
    of the nine other languages' judged set too)."""
    import yaml

    files = ["judged_queries.yaml", *(["judged_queries_multilingual.yaml"] if multilingual else [])]
    return [q["goal"] for f in files for q in yaml.safe_load((REPO / "benchmarks/data" / f).read_text())]


def run_clients(url: str, goals: Sequence[str], clients: int, total: int) -> tuple[list[float], float, int]:
    """`total` POSTs of {"goal", "limit": 10} to `url` from `clients` threads, each with its own connection, all
    busy until the last request: latencies (s), wall time (s), failures (not 200, or no answer at all)."""
    import httpx

    latencies: list[float] = []
    failures = 0
    sent = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal failures, sent
        with httpx.Client(timeout=60) as http:
            while True:
                with lock:
                    if sent >= total:
                        return
                    n, sent = sent, sent + 1
                t0 = time.perf_counter()
                try:
                    ok = http.post(url, json={"goal": goals[n % len(goals)], "limit": 10}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    failures += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started, failures


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    line = "+".join("-" * (w + 2) for w in widths)
    print(f"+{line}+")
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print(f"+{line}+")
    print(f"+{line}+")


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def to_grade(
    cid: str, title: str, languages: Sequence[str], description: str, outcomes: Sequence[str], **more: Any
) -> dict[str, Any]:
    """What a person needs to grade one listed credential: its title, languages, the start of its description and
    its first outcomes (and anything in `more`, such as the provider)."""
    return {
        "id": cid,
        "title": title,
        **more,
        "languages": list(languages),
        "description": description[:400],
        "outcomes": list(outcomes)[:5],
    }


def write_to_grade(pool: list[dict[str, Any]], path: Path) -> int:
    """The requests or conversations with credentials to grade (each under "ungraded"), as YAML; how many there are."""
    path.write_text(yaml.safe_dump(pool, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return sum(len(p["ungraded"]) for p in pool)
