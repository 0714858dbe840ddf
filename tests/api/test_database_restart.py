"""PostgreSQL restarted under a running API: readiness goes red while the database is down and green again once it
is back, without restarting the API, and database-backed endpoints work again.

The machine's shared PostgreSQL is not ours to stop, so each test runs its own throw-away cluster (initdb and
pg_ctl on a free loopback port, in a temporary directory removed afterwards)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from recommender.service import RecommenderService
from stackwise.devstack import free_port
from stackwise.settings import Settings
from tests.api.conftest import auth

RECOVERY_SECONDS = 15.0


def _server_bindir() -> Path | None:
    """The newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/<major>/bin, else initdb on PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("initdb")
    candidates += [Path(on_path).parent] if on_path else []
    return next((d for d in candidates if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None)


class PrivatePostgres:
    """A PostgreSQL cluster of our own, stopped and started at will. initdb refuses to run as root, so as root
    every command runs as the `postgres` user (runuser) on a directory that user owns."""

    def __init__(self, bindir: Path, root: Path, run_as: str | None) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.run_as = run_as

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        command = [str(self.bindir / tool), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {done.stderr[-1500:]}\n{tail}")

    def init(self) -> None:
        # --no-locale: the cluster must not take the machine's locale (LANG may name one that is not installed, or
        # one whose encoding is not UTF-8, and initdb then refuses).
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast", check: bool = True) -> None:
        """fast: the server ends every session (what a restart for maintenance or a failover does to clients)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=check)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = _server_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("initdb refuses to run as root and there is no postgres user to run it as")
        if shutil.which("runuser") is None:
            pytest.skip("initdb refuses to run as root and runuser is missing")
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="stackwise-pg-"))  # not pytest's tmp_path: postgres must reach it
    if run_as:
        shutil.chown(root, user=run_as)
    cluster = PrivatePostgres(bindir, root, run_as)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate", check=False)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def api(
    private_postgres: PrivatePostgres,
    service: RecommenderService,
    tmp_path: Path,
    esco_fixture_dir: Path,
    small_catalog_path: Path,
) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data",
        esco_dir=esco_fixture_dir,
        database_url=private_postgres.url,
        catalog_path=small_catalog_path,
        rate_limit_per_minute=0,
        index_poll_seconds=0,
    )
    with TestClient(create_app(settings, service=service)) as client:
        yield client


def _adviser(api: TestClient) -> dict[str, str]:
    return auth(api.app.state.api_store.create_key("adviser-restart", "adviser")[1])


def _is_problem(response: httpx.Response) -> bool:
    return response.headers["content-type"].startswith("application/problem+json")


def test_readiness_goes_red_while_postgres_is_down_and_recovers_without_an_api_restart(
    api: TestClient, private_postgres: PrivatePostgres
) -> None:
    adviser = _adviser(api)
    ana = api.post("/v1/learners", json={"name": "Ana", "goal": "become a data analyst"}, headers=adviser)
    assert ana.status_code == 201
    assert api.get("/readyz").status_code == 200

    private_postgres.stop()

    down = api.get("/readyz")
    assert down.status_code == 503 and _is_problem(down)
    problem = down.json()
    assert problem["title"] == "Not ready" and problem["failed"] == ["database"]
    assert problem["checks"]["index"] == "ok" and problem["checks"]["database"].startswith("unreachable")
    assert "database" in problem["detail"]
    assert api.get("/healthz").status_code == 200  # alive: a liveness probe must not restart it for this
    outage = api.get("/v1/learners", headers=adviser)
    assert outage.status_code == 503 and _is_problem(outage) and outage.headers["retry-after"]
    assert outage.json()["type"].endswith("/database-unavailable")
    served = api.post("/v1/recommendations", json={"goal": "become a data analyst", "limit": 3})
    assert served.status_code == 200 and served.json()["results"]  # the catalog is in memory; only stats wait

    private_postgres.start()

    started = time.monotonic()
    while (ready := api.get("/readyz")).status_code != 200:
        assert time.monotonic() - started < RECOVERY_SECONDS, ready.json()
        time.sleep(0.2)
    assert ready.json()["checks"] == {"index": "ok", "database": "ok"}
    learners = api.get("/v1/learners", headers=adviser)
    assert learners.status_code == 200
    assert ana.json()["id"] in {learner["id"] for learner in learners.json()}
    assert api.post("/v1/learners", json={"name": "Ben"}, headers=adviser).status_code == 201


def test_a_restart_between_two_requests_fails_neither(api: TestClient, private_postgres: PrivatePostgres) -> None:
    """The pool still holds connections the restart closed; each is checked before it is lent out (pool_pre_ping),
    so the first request after the restart reconnects instead of failing on a dead connection."""
    adviser = _adviser(api)
    assert api.get("/v1/learners", headers=adviser).status_code == 200  # leaves a connection in the pool

    private_postgres.stop()
    private_postgres.start()

    first = api.get("/v1/learners", headers=adviser)
    assert first.status_code == 200, first.text
    assert api.get("/readyz").status_code == 200
