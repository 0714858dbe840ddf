"""An index rebuild while learners are being served fails no request: the build is written aside and swapped in
between requests, and requests in flight finish on the build they started with (issue #7, faults)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import uvicorn
from fastapi import FastAPI

from api.main import create_app
from knowledge.esco import EscoVocabulary
from recommender.catalog_index import IndexStore
from recommender.encoder import Progress
from recommender.service import RecommenderService
from stackwise.devstack import free_port
from stackwise.runtime import Runtime
from stackwise.settings import Settings
from tests.api.conftest import auth
from tests.fakes import UNFLOORED, HashingEncoder

LEARNERS = 4
PATIENCE = 60.0  # seconds: guards against a hang, never a speed limit (the machine may be small and busy)
GOALS = (
    "data analysis with spreadsheets and SQL",
    "become a data analyst",
    "clean messy tables and build pivot tables",
    "write SQL queries for business questions",
)


class SlowBuildEncoder(HashingEncoder):
    """The query encoder's vectors (same name, so builds reuse unchanged text), but once `hold` is set every
    embedding waits in it: a rebuild lasts until learners have been answered meanwhile (the real model on a whole
    catalog takes minutes), however fast or slow the machine is."""

    hold: Callable[[], None] | None = None

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if self.hold is not None:
            self.hold()
        return super().encode(texts, progress)


@dataclass(frozen=True)
class Answer:
    status: int
    results: int
    version: str | None
    finished: float


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """The app on a real HTTP server (uvicorn, a thread of this process), as `stackwise serve` runs it."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, name="api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(30)


def test_no_request_fails_while_the_index_is_rebuilt_under_load(
    settings: Settings, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    runtime = Runtime(settings)
    assert runtime.seed() is not None
    build_encoder = SlowBuildEncoder()
    service = RecommenderService(
        catalog=runtime.catalog,  # the store: an edit reaches the next build
        vocabulary=vocabulary,
        encoder=HashingEncoder(),
        build_encoder=build_encoder,
        index_store=IndexStore(settings.index_dir),
        cache_dir=tmp_path / "cache",
        settings=UNFLOORED,
    ).load()
    first = service.version
    app = create_app(settings, service=service)
    answers: list[Answer] = []
    stop = threading.Event()

    def learner(n: int) -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                goal = GOALS[(n + len(answers)) % len(GOALS)]
                try:
                    r = http.post(f"{base}/v1/recommendations", json={"goal": goal, "limit": 5})
                    body = r.json() if r.status_code == 200 else {}
                    answers.append(
                        Answer(r.status_code, len(body.get("results", [])), body.get("index_version"), time.monotonic())
                    )
                except httpx.HTTPError:  # a refused or cut connection is a failed request too
                    answers.append(Answer(0, 0, None, time.monotonic()))

    def served_at_least(count: int) -> None:
        deadline = time.monotonic() + PATIENCE
        while len(answers) < count:
            assert time.monotonic() < deadline, f"only {len(answers)} answers"
            time.sleep(0.02)

    # Each embedding of a build waits for 2 * LEARNERS more answers: at most one per learner can have been stamped
    # before the wait began, so at least LEARNERS of them finish while the build runs.
    build_encoder.hold = lambda: served_at_least(len(answers) + 2 * LEARNERS)

    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as admin_http:
        admin = auth(app.state.api_store.create_key("ops", "admin")[1])
        threads = [threading.Thread(target=learner, args=(n,)) for n in range(LEARNERS)]
        for t in threads:
            t.start()
        try:
            served_at_least(4 * LEARNERS)

            # An edit: re-embeds the changed text (slowly) and publishes a build that differs from the first.
            record = admin_http.get("/v1/credentials/data-basics").json()["credential"]
            record["title"] = "Spreadsheet Data Basics, revised"
            edit_began = time.monotonic()
            assert admin_http.put("/v1/credentials/data-basics", json=record, headers=admin).status_code == 200
            edit_ended = time.monotonic()
            edited = admin_http.get("/v1/index", headers=admin).json()["version"]

            # A full rebuild in the background; the admin watches GET /v1/index until the new build is live.
            assert admin_http.post("/v1/index/rebuild", headers=admin).status_code == 202
            deadline = time.monotonic() + PATIENCE
            while (status := admin_http.get("/v1/index", headers=admin).json())["state"] == "building":
                assert time.monotonic() < deadline, status
                time.sleep(0.05)
            served_at_least(len(answers) + 4 * LEARNERS)  # and keep serving on it for a moment
        finally:
            stop.set()
            for t in threads:
                t.join(30)

    assert status["state"] == "idle" and status["error"] is None, status
    rebuilt = status["version"]
    assert len({first, edited, rebuilt}) == 3  # each publish is a new build
    failed = [a for a in answers if a.status != 200 or a.results == 0]
    assert not failed, f"{len(failed)} of {len(answers)} requests failed: {failed[:5]}"
    during_edit = [a for a in answers if edit_began < a.finished < edit_ended]
    assert len(during_edit) >= LEARNERS, "the load did not overlap the build"
    served = {a.version for a in answers}
    assert first in served and rebuilt in served
    assert service.version == rebuilt
    titles = {c.id: c.title for c in service.catalog}
    assert titles["data-basics"].endswith("revised")  # the live build is the edited catalog
