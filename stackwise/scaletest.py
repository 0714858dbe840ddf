"""`make scale-test`: Stackwise scaled out on one machine, under concurrent learners, with replicas killed mid-run.

Two Rasa servers share a tracker store in the local PostgreSQL and a lock store in the local Redis; one action
server reaches two API replicas through a failover proxy (what nginx does in deploy/); the replicas share one
database and one index directory. N simulated learners talk over REST, each turn to the other Rasa server. Part
way through, one Rasa server and one API replica are killed (SIGKILL); conversations go on on the survivors; both
are restarted and every learner's last turn goes to the restarted Rasa server. Then every conversation's tracker
is read back and compared, turn by turn, with what was sent and what came back. Loopback only.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import typer

from stackwise import bot as botrun
from stackwise.devstack import free_port, free_ports, has_recommendations, replies_text, scripted_answer
from stackwise.settings import Settings
from stackwise.supervisor import ServiceSpec, healthy, spawn

API_DOWN = "Sorry, I can't reach the course catalog right now."  # bot/actions/formatting.py API_DOWN
OPENERS = (
    "Hi, I'm a nurse and want to move into health data analysis, I know basic Excel, "
    "can spend 4 hours a week and max 300 euros",
    "I want to become a data analyst",
    "I want to move into sustainability consulting for oil palm smallholders",
    "I'd like to become a data analyst, I know basic Excel and a bit of SQL",
)
FOLLOW_UPS = ("why the second one?", "only online ones please", "details on 3", "cheaper please", "show me a pathway")


@dataclass(frozen=True)
class ScaleConfig:
    learners: int = 50
    turns: int = 6
    kill: bool = True
    kill_at: float = 0.4  # share of the turns before the last that are done when the replicas are killed
    turn_timeout: float = 150.0  # Rasa waits up to 60 s for a dead server's conversation lock to expire
    time_limit: float = 1500.0
    api_timeout: float = 30.0  # the action server's patience with the API under this load
    # Rasa 3.6's RedisLockStore: a turn waiting on a dead server's ticket hangs if its own ticket expires in the
    # same second as the dead one, i.e. when it was sent within about a second of the crash (README).
    resend_after: float = 2.0
    pg_admin_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    redis_url: str = "redis://127.0.0.1:6379/5"


@dataclass
class Attempt:
    """One message sent to one Rasa server, and what came back. The id travels as message metadata, so the
    tracker says which attempt each user event is, even when a learner sends the same words twice."""

    id: str
    message: str
    server: str
    ok: bool
    replies: list[dict[str, Any]]
    seconds: float
    started: float
    error: str = ""

    @property
    def degraded(self) -> bool:
        """The bot answered, but only to say the API was unreachable."""
        return self.ok and API_DOWN in replies_text(self.replies)


@dataclass
class Conversation:
    sender: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Attempts that got no answer (their Rasa server died)."""
        return sum(1 for a in self.attempts if not a.ok)

    @property
    def degraded(self) -> int:
        """Turns the bot could only answer with 'API down' (the API replica died under the action)."""
        return sum(1 for a in self.attempts if a.degraded)


def rest_messages(event: Mapping[str, Any]) -> list[str | None]:
    """The texts of the REST replies Rasa makes of one bot event: text without buttons is split at blank lines,
    custom payloads, images and attachments come as messages of their own (rasa.core.channels.channel)."""
    data = event.get("data") or {}
    text = event.get("text")
    texts: list[str | None] = []
    if data.get("quick_replies") or data.get("buttons"):
        texts.append(text)
    elif text:
        texts += text.strip().split("\n\n")
    texts += [None for key in ("custom", "image", "attachment") if data.get(key)]
    return texts


def check_conversation(conversation: Conversation, events: Sequence[Mapping[str, Any]]) -> list[str]:
    """Problems with one conversation's tracker against what the learner sent and received: a turn lost, doubled
    or out of order, a turn nobody sent, or bot replies other than those the learner got (lost or duplicated).

    An attempt that failed (its server died) may or may not have reached the tracker; every answered attempt must
    be there exactly once, in the order sent, followed by exactly the replies the learner received."""
    turns: list[tuple[str | None, str | None, list[str | None]]] = []
    before_first: list[str | None] = []  # the session start's greeting comes with the first reply
    for event in events:
        if event.get("event") == "user":
            turns.append(((event.get("metadata") or {}).get("attempt"), event.get("text"), []))
        elif event.get("event") == "bot":
            (turns[-1][2] if turns else before_first).extend(rest_messages(event))
    if turns:
        turns[0][2][:0] = before_first
    who = conversation.sender
    order = {a.id: n for n, a in enumerate(conversation.attempts)}
    problems = []
    ids = [t[0] for t in turns]
    for attempt_id, text, _ in turns:
        if attempt_id not in order:
            problems.append(f"{who}: the tracker has a turn nobody sent ({text!r})")
        elif ids.count(attempt_id) > 1:
            problems.append(f"{who}: attempt {attempt_id} is in the tracker {ids.count(attempt_id)} times")
    positions = [order[i] for i in ids if i in order]
    if positions != sorted(positions):
        problems.append(f"{who}: turns are out of order in the tracker: {positions}")
    recorded = {t[0]: t for t in turns}
    for attempt in conversation.attempts:
        turn = recorded.get(attempt.id)
        if not attempt.ok:
            continue  # its server died: the tracker may or may not have it
        if turn is None:
            problems.append(f"{who}: answered turn {attempt.message!r} ({attempt.id}) is not in the tracker")
            continue
        received = [r.get("text") for r in attempt.replies]
        if turn[1] != attempt.message or turn[2] != received:
            problems.append(f"{who}: {attempt.id} got {received!r}, the tracker has {turn[1]!r} -> {turn[2]!r}")
    return problems


@dataclass(frozen=True)
class ScaleReport:
    config: ScaleConfig
    conversations: tuple[Conversation, ...]
    problems: tuple[str, ...]
    seconds: float
    killed_at: float | None
    rejoined_after: float | None
    api_rejoined_requests: int
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # per service, while the learners ran

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        attempts = [a for c in self.conversations for a in c.attempts]
        done = [a for a in attempts if a.ok and not a.degraded]
        latencies = sorted(a.seconds for a in done) or [0.0]
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        worst_failed = max((c.failed for c in self.conversations), default=0)
        worst_degraded = max((c.degraded for c in self.conversations), default=0)
        lines = [
            f"{len(self.conversations)} learners x {self.config.turns} turns: {len(done)} turns answered, "
            f"{sum(1 for a in attempts if not a.ok)} attempts failed (at most {worst_failed} per learner, sent "
            f"again), {sum(1 for a in attempts if a.degraded)} answered 'API down' (at most {worst_degraded} per "
            f"learner), in {self.seconds:.0f} s ({len(done) / self.seconds:.2f} turns/s)",
            f"turn latency p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s",
            f"learners with recommendations: "
            f"{sum(1 for c in self.conversations if any(has_recommendations(replies_text(a.replies)) for a in c.attempts))}",
        ]
        if self.killed_at is not None:
            lines.append(
                f"killed rasa-2 and api-2 at {self.killed_at:.0f} s; both back after "
                f"{self.rejoined_after or float('nan'):.0f} s; api-2 then served {self.api_rejoined_requests} connection(s)"
            )
        if self.cpu_seconds:
            busy = ", ".join(f"{name} {cpu:.0f} s" for name, cpu in sorted(self.cpu_seconds.items()))
            lines.append(f"CPU used while the learners ran ({self.seconds:.0f} s on {os.cpu_count()} cores): {busy}")
        for a in sorted(attempts, key=lambda a: -a.seconds)[:5]:
            state = "ok" if a.ok and not a.degraded else ("API down" if a.ok else a.error[:80])
            lines.append(f"slow: {a.seconds:.1f} s on {a.server} from {a.started:.0f} s: {a.message[:40]!r} ({state})")
        lines += [f"PROBLEM {p}" for p in self.problems[:20]]
        lines.append("OK" if self.ok else f"FAILED: {len(self.problems)} problem(s)")
        return "\n".join(lines)


class ScaleTestFailed(RuntimeError):
    pass


# -- processes -----------------------------------------------------------------------------------------------


class Service:
    """One process the test starts, kills and restarts (its own process group, log in the work directory)."""

    def __init__(self, spec: ServiceSpec, log_dir: Path) -> None:
        self.spec = spec
        self.log = log_dir / f"{spec.name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = spawn(self.spec.command, log, self.spec.cwd, self.spec.env)

    def wait_healthy(self) -> float:
        started = time.monotonic()
        deadline = started + self.spec.startup_seconds
        while not healthy(self.spec.health_url):
            assert self.proc is not None
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-2500:]
                raise ScaleTestFailed(f"{self.spec.name} did not come up; its log ({self.log}):\n{tail}")
            time.sleep(0.5)
        return time.monotonic() - started

    def cpu_seconds(self) -> float:
        """CPU time the process has used so far (Linux /proc), 0 when it is not running."""
        if self.proc is None or self.proc.poll() is not None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would: nothing gets to clean up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


class FailoverProxy:
    """A TCP proxy in front of the API replicas, as nginx is in deploy/: each connection goes round-robin to the
    next replica, and one that refuses the connection is skipped (a request already sent is never retried)."""

    def __init__(self, backends: Sequence[tuple[str, int]]) -> None:
        self.backends = list(backends)
        self.connections = [0] * len(backends)
        self._next = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = free_port()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with suppress(ConnectionError, OSError):
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(len(self.backends)):
            i = self._next
            self._next = (self._next + 1) % len(self.backends)
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.backends[i])
            except OSError:
                continue
            self.connections[i] += 1
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
            return
        writer.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        with suppress(RuntimeError):
            self._loop.run_forever()
        server.close()

    def start(self) -> FailoverProxy:
        threading.Thread(target=self._run, name="api-proxy", daemon=True).start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


# -- databases -----------------------------------------------------------------------------------------------


@contextmanager
def fresh_databases(admin_url: str, names: Sequence[str]) -> Iterator[list[str]]:
    """Empty PostgreSQL databases for this run (SQLAlchemy URLs), dropped afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        raise ScaleTestFailed(f"PostgreSQL is not reachable at {admin_url}: {exc.__class__.__name__}") from None
    try:
        yield [admin_url.rsplit("/", 1)[0] + f"/{name}" for name in names]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _redis_reachable(url: str) -> bool:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=3) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# -- learners ------------------------------------------------------------------------------------------------


def _tracker_events(servers: Mapping[str, str], sender: str, token: str) -> list[dict[str, Any]]:
    """The conversation as the shared tracker store has it, from whichever Rasa server answers."""
    error: OSError | None = None
    for base in servers.values():
        try:
            with urllib.request.urlopen(f"{base}/conversations/{sender}/tracker?token={token}", timeout=60) as r:
                return list(json.load(r)["events"])
        except OSError as exc:
            error = exc
    assert error is not None
    raise error


class Learners:
    """N learners, each in its own task; turns alternate between the Rasa servers that are up."""

    def __init__(self, config: ScaleConfig, servers: dict[str, str], http: httpx.AsyncClient) -> None:
        self.config = config
        self.http = http  # a connection per learner: every learner really is in flight at once
        self.servers = servers
        self.up = dict.fromkeys(servers, True)
        self.done = 0
        self.rejoined = asyncio.Event()
        self.conversations = [Conversation(f"learner-{i}-{uuid.uuid4().hex[:8]}") for i in range(config.learners)]
        self.started = time.monotonic()

    async def _send(self, conversation: Conversation, server: str, message: str) -> Attempt:
        url = f"{self.servers[server]}/webhooks/rest/webhook"
        attempt_id = f"{conversation.sender}/{len(conversation.attempts) + 1}"
        body = {"sender": conversation.sender, "message": message, "metadata": {"attempt": attempt_id}}
        began = time.monotonic()
        try:
            response = await self.http.post(url, json=body, timeout=self.config.turn_timeout)
            response.raise_for_status()
            replies, ok, error = list(response.json()), True, ""
        except (httpx.HTTPError, ValueError) as exc:
            replies, ok, error = [], False, repr(exc)
        attempt = Attempt(
            attempt_id, message, server, ok, replies, time.monotonic() - began, began - self.started, error
        )
        conversation.attempts.append(attempt)
        return attempt

    def _next_message(self, turn: int, i: int, last: list[dict[str, Any]], seen: bool) -> str:
        if turn == 0:
            return OPENERS[i % len(OPENERS)]
        if not seen:
            return scripted_answer(replies_text(last), skills="basic Excel")
        return FOLLOW_UPS[(turn + i) % len(FOLLOW_UPS)]

    async def learner(self, i: int) -> None:
        conversation = self.conversations[i]
        names = list(self.servers)
        last: list[dict[str, Any]] = []
        seen = False
        for turn in range(self.config.turns):
            final = turn == self.config.turns - 1
            if final and self.config.kill:
                await self.rejoined.wait()
            server = names[-1] if final and self.config.kill else names[(turn + i) % len(names)]
            if not self.up[server]:
                server = next(n for n in names if self.up[n])
            message = self._next_message(turn, i, last, seen)
            attempt = await self._send(conversation, server, message)
            if not attempt.ok:  # like a learner pressing "send" again, a moment later, on a server that is up
                await asyncio.sleep(self.config.resend_after)
                others = [n for n in names if n != server and self.up[n]]
                if others:
                    attempt = await self._send(conversation, others[0], message)
            if attempt.ok:
                last = attempt.replies
                seen = seen or has_recommendations(replies_text(last))
            if not final:
                self.done += 1


# -- the run -------------------------------------------------------------------------------------------------


def run(config: ScaleConfig, work_dir: Path, say: Callable[[str], object] = print) -> ScaleReport:
    """Start everything, drive the learners, kill and restart, read the trackers back, stop everything."""
    if not _redis_reachable(config.redis_url):
        raise ScaleTestFailed(f"Redis is not reachable at {config.redis_url} (Rasa's lock store needs it)")
    run_id = uuid.uuid4().hex[:8]
    with fresh_databases(config.pg_admin_url, [f"stackwise_scale_{run_id}", f"rasa_scale_{run_id}"]) as (
        api_db,
        rasa_db,
    ):
        return _run(config, work_dir, api_db, rasa_db.replace("postgresql+psycopg://", "postgresql://", 1), say)


def _run(config: ScaleConfig, work: Path, api_db: str, rasa_db: str, say: Callable[[str], object]) -> ScaleReport:
    from api.store import ApiStore
    from knowledge.store import make_engine

    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    data.mkdir(exist_ok=True)
    esco = Settings().esco_cache_dir  # the checkout's embedded ESCO default: reuse it
    if esco.exists() and not (data / "esco").exists():
        (data / "esco").symlink_to(esco.resolve(), target_is_directory=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    names = ("api-1", "api-2", "rasa-1", "rasa-2", "actions")
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    token = uuid.uuid4().hex
    env = {
        "STACKWISE_DATA_DIR": str(data),
        "STACKWISE_DATABASE_URL": api_db,
        "STACKWISE_INDEX_DIR": str(work / "index"),  # shared by both replicas
        "STACKWISE_INDEX_POLL_SECONDS": "1",
        "STACKWISE_TRACKER_STORE_URL": rasa_db,
        "STACKWISE_LOCK_STORE_URL": config.redis_url,
        "STACKWISE_ACTIONS_PORT": str(ports["actions"]),
        "STACKWISE_RASA_TOKEN": token,
    }
    say("Preparing: seed the store, build the index, train or reuse the bot model ...")
    prepared = subprocess.run(
        [sys.executable, "-m", "stackwise.cli", "up", "--prepare-only"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if prepared.returncode != 0:
        raise ScaleTestFailed(f"stackwise up --prepare-only failed:\n{prepared.stderr[-3000:]}")
    proxy = FailoverProxy([("127.0.0.1", ports["api-1"]), ("127.0.0.1", ports["api-2"])]).start()
    settings = {
        name: Settings(
            data_dir=data,
            tracker_store_url=rasa_db,
            lock_store_url=config.redis_url,
            actions_port=ports["actions"],
            rasa_port=ports[name],
            port=proxy.port,  # the action server reaches the API replicas through the proxy
        )
        for name in ("rasa-1", "rasa-2")
    }
    model = botrun.ensure_model(settings["rasa-1"], say)
    key = ApiStore(make_engine(api_db)).open().create_key(f"scale-bot-{uuid.uuid4().hex[:6]}", "adviser")[1]
    credentials, _ = botrun.write_credentials(settings["rasa-1"], {})
    actions_spec, rasa_1 = botrun.bot_services(settings["rasa-1"], model, credentials, token, key)
    rasa_2 = botrun.bot_services(settings["rasa-2"], model, credentials, token, key)[1]
    actions_spec = ServiceSpec(
        "actions",
        actions_spec.command,
        actions_spec.health_url,
        cwd=actions_spec.cwd,
        env={**actions_spec.env, "STACKWISE_API_TIMEOUT": str(config.api_timeout)},
        startup_seconds=actions_spec.startup_seconds,
    )
    services = {
        name: Service(
            ServiceSpec(
                name,
                [sys.executable, "-m", "stackwise.cli", "serve"],
                f"http://127.0.0.1:{ports[name]}/readyz",
                env={**env, "STACKWISE_PORT": str(ports[name])},
                startup_seconds=600,
            ),
            logs,
        )
        for name in ("api-1", "api-2")
    }
    services["actions"] = Service(actions_spec, logs)
    services["rasa-1"] = Service(
        ServiceSpec("rasa-1", rasa_1.command, rasa_1.health_url, cwd=rasa_1.cwd, env=rasa_1.env, startup_seconds=600),
        logs,
    )
    services["rasa-2"] = Service(
        ServiceSpec("rasa-2", rasa_2.command, rasa_2.health_url, cwd=rasa_2.cwd, env=rasa_2.env, startup_seconds=600),
        logs,
    )
    try:
        for group in (("api-1", "api-2"), ("actions", "rasa-1", "rasa-2")):
            for name in group:
                services[name].start()
            for name in group:
                say(f"{name} up in {services[name].wait_healthy():.0f} s")
        servers = {name: f"http://127.0.0.1:{ports[name]}" for name in ("rasa-1", "rasa-2")}
        return asyncio.run(_drive(config, servers, services, proxy, token, say))
    finally:
        for service in services.values():
            service.stop()
        proxy.stop()


async def _drive(
    config: ScaleConfig,
    servers: dict[str, str],
    services: dict[str, Service],
    proxy: FailoverProxy,
    token: str,
    say: Callable[[str], object],
) -> ScaleReport:
    limits = httpx.Limits(max_connections=2 * config.learners, max_keepalive_connections=0)
    http = httpx.AsyncClient(limits=limits)
    learners = Learners(config, servers, http)
    killed_at: float | None = None
    rejoined_after: float | None = None
    api_2_before = 0
    kill_after = int(config.kill_at * config.learners * (config.turns - 1))

    async def chaos() -> None:
        nonlocal killed_at, rejoined_after, api_2_before
        if not config.kill:
            return
        while learners.done < kill_after:
            await asyncio.sleep(0.2)
        killed_at = time.monotonic() - learners.started
        await asyncio.to_thread(services["rasa-2"].kill)
        learners.up["rasa-2"] = False  # as a balancer marks it down after its first refused connection
        await asyncio.to_thread(services["api-2"].kill)
        say(f"killed rasa-2 and api-2 after {learners.done} turns ({killed_at:.0f} s); restarting them")
        began = time.monotonic()
        for name in ("rasa-2", "api-2"):
            services[name].start()
        for name in ("rasa-2", "api-2"):
            await asyncio.to_thread(services[name].wait_healthy)
        rejoined_after = time.monotonic() - began
        api_2_before = proxy.connections[1]
        learners.up["rasa-2"] = True
        learners.rejoined.set()
        say(f"rasa-2 and api-2 rejoined after {rejoined_after:.0f} s")

    cpu_before = {name: service.cpu_seconds() for name, service in services.items()}
    tasks = [asyncio.create_task(learners.learner(i)) for i in range(config.learners)]
    try:
        await asyncio.wait_for(asyncio.gather(chaos(), *tasks), config.time_limit)
    except TimeoutError:
        raise ScaleTestFailed(f"the run took longer than {config.time_limit:.0f} s") from None
    finally:
        await http.aclose()
    seconds = time.monotonic() - learners.started
    restarted = {"rasa-2", "api-2"} if config.kill else set()
    cpu = {n: s.cpu_seconds() - cpu_before[n] for n, s in services.items() if n not in restarted}
    problems: list[str] = []
    for conversation in learners.conversations:
        try:
            events = await asyncio.to_thread(_tracker_events, servers, conversation.sender, token)
        except OSError as exc:
            problems.append(f"{conversation.sender}: no Rasa server returned the tracker ({exc!r})")
            continue
        problems += check_conversation(conversation, events)
        limit = 1 if config.kill else 0  # one Rasa server and one API replica killed: one failed turn each
        if conversation.failed > limit:
            problems.append(
                f"{conversation.sender}: {conversation.failed} turns lost to the Rasa kill (at most {limit})"
            )
        if conversation.degraded > limit:
            problems.append(
                f"{conversation.sender}: {conversation.degraded} turns lost to the API kill (at most {limit})"
            )
        final = conversation.attempts[-1] if conversation.attempts else None
        if config.kill and (final is None or final.server != "rasa-2" or not final.ok):
            problems.append(f"{conversation.sender}: the last turn did not reach the restarted rasa-2")
    if not any(has_recommendations(replies_text(a.replies)) for c in learners.conversations for a in c.attempts):
        problems.append("no learner got recommendations")
    lacking = [
        c.sender
        for c in learners.conversations
        if not c.failed and not c.degraded and not any(has_recommendations(replies_text(a.replies)) for a in c.attempts)
    ]
    problems += [f"{sender}: no recommendations in {config.turns} turns" for sender in lacking]
    api_rejoined = proxy.connections[1] - api_2_before if config.kill else 0
    if config.kill and api_rejoined == 0:
        problems.append("api-2 got no request after its restart")
    return ScaleReport(
        config, tuple(learners.conversations), tuple(problems), seconds, killed_at, rejoined_after, api_rejoined, cpu
    )


def main(
    learners: int = typer.Option(50, help="Concurrent learners."),
    turns: int = typer.Option(6, help="Turns per learner (the last one after the restart)."),
    kill: bool = typer.Option(True, "--kill/--no-kill", help="Kill and restart one Rasa server and one API replica."),
    work_dir: Path = typer.Option(Path(".data/scale-test"), help="Logs and the shared index of this run."),
    report: Path | None = typer.Option(None, help="Also write every turn as JSON here."),
) -> None:
    """Run the scale test and print its figures; exit 1 on any problem."""
    config = ScaleConfig(learners=learners, turns=turns, kill=kill)
    began = time.monotonic()
    try:
        result = run(
            config, work_dir, say=lambda line: print(f"[{time.monotonic() - began:5.0f} s] {line}", flush=True)
        )
    except ScaleTestFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    print(result.summary())
    if report is not None:
        report.write_text(
            json.dumps(
                [{"sender": c.sender, "attempts": [a.__dict__ for a in c.attempts]} for c in result.conversations]
            )
        )
    raise typer.Exit(0 if result.ok else 1)


if __name__ == "__main__":
    typer.run(main)
